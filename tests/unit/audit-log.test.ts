import { auditRowHash, canonicalAuditContent, StoredAuditRow, verifyAuditChain } from '../../subgraphs/shared/audit-chain';
import { AuditTrail, GENESIS_HASH } from '../../subgraphs/shared/audit-log';
import { InternalCaller } from '../../schema/tokens';

const row = (id: number, over: Partial<StoredAuditRow> = {}): StoredAuditRow => ({
  id: String(id),
  at_us: String(1_795_000_000_000_000 + id),
  event: 'CONSULTATION',
  outcome: 'ALLOWED',
  actor_sub: 'AC-S01',
  actor_name: 'Case Manager',
  actor_org: 'ANGUS',
  actor_roles: ['CASE_MANAGER'],
  justification: 'supervision',
  record_type: 'CASE',
  record_id: `AC-${id}`,
  person_id: 'N000001',
  fields: ['riskLevel'],
  refused_fields: [],
  recipient: null,
  note: null,
  prev_hash: '',
  hash: '',
  ...over,
});

/** A chained log as the insert trigger would write it. */
function chain(n: number): StoredAuditRow[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const r = row(i + 1);
    r.prev_hash = prev;
    r.hash = auditRowHash(prev, r);
    prev = r.hash;
    return r;
  });
}

/** Answers the verifier's two queries from memory. */
const reader = (rows: StoredAuditRow[], head = { last_id: rows.at(-1)?.id ?? '0', last_hash: rows.at(-1)?.hash ?? GENESIS_HASH }) => ({
  async query(sql: string, params: unknown[] = []) {
    if (sql.includes('audit_chain')) return { rows: [head] };
    const [after, limit] = params as [string, number];
    return { rows: rows.filter((r) => BigInt(r.id) > BigInt(after)).slice(0, limit) };
  },
});

describe('canonical content of a log row', () => {
  it('is a sequence of netstrings with byte lengths, so no two different rows share it', () => {
    const text = canonicalAuditContent(row(7, { justification: 'café', person_id: null, fields: ['a', 'b'] }));
    expect(text).toBe('1:7,16:1795000000000007,12:CONSULTATION,7:ALLOWED,6:AC-S01,12:Case Manager,5:ANGUS,16:12:CASE_MANAGER,,5:café,4:CASE,4:AC-7,~8:1:a,1:b,,0:,~~');
    // A comma moved between fields would collide in a naive join; here it cannot.
    expect(canonicalAuditContent(row(1, { fields: ['a,b'] }))).not.toBe(canonicalAuditContent(row(1, { fields: ['a', 'b'] })));
    expect(canonicalAuditContent(row(1, { note: '' }))).not.toBe(canonicalAuditContent(row(1, { note: null })));
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain across batches', async () => {
    expect(await verifyAuditChain(reader(chain(23)), 5)).toEqual({ intact: true, rows: 23 });
    expect(await verifyAuditChain(reader([]))).toEqual({ intact: true, rows: 0 });
  });

  it('names an edited row', async () => {
    const rows = chain(10);
    rows[5].justification = 'routine';
    expect(await verifyAuditChain(reader(rows), 4)).toEqual({ intact: false, rows: 5, brokenAt: '6', reason: 'its content does not match its hash (edited)' });
  });

  it('names an edited row even when the editor recomputed its hash (the next row no longer links)', async () => {
    const rows = chain(10);
    rows[5].justification = 'routine';
    rows[5].hash = auditRowHash(rows[5].prev_hash, rows[5]);
    expect(await verifyAuditChain(reader(rows))).toMatchObject({ brokenAt: '7', reason: 'prev_hash is not the hash of the row before it' });
  });

  it('names the row after a removed one, and rows removed from the end', async () => {
    const rows = chain(10);
    expect(await verifyAuditChain(reader([...rows.slice(0, 3), ...rows.slice(5)]))).toMatchObject({ brokenAt: '6', reason: 'rows 4–5 are missing before it' });
    expect(await verifyAuditChain(reader(rows.slice(0, 8), { last_id: '10', last_hash: rows[9].hash }))).toMatchObject({ brokenAt: '9' });
  });
});

describe('AuditTrail', () => {
  const caller = (org: string): InternalCaller => ({ kind: 'user', identity: { user: { sub: 'u1', name: 'U', org: org as 'ANGUS', roles: ['CASE_MANAGER'] }, justification: 'why' } });
  const ref = { recordType: 'CASE', recordId: 'AC-1', personId: 'N1' };

  it('makes one row per record, with the parts read and refused, and the outcome they add up to', () => {
    const trail = new AuditTrail({ query: async () => undefined }, 'ANGUS', caller('ANGUS'));
    trail.read(ref, 'riskLevel');
    trail.read(ref, 'riskLevel');
    trail.refuse(ref, 'caseManager');
    trail.refuse({ ...ref, recordId: 'AC-2' });
    trail.read({ ...ref, recordId: 'AC-3' }, 'status');
    expect(trail.rows().map((r) => [r.record_id, r.outcome, r.fields, r.refused_fields, r.event])).toEqual([
      ['AC-1', 'PARTIAL', ['riskLevel'], ['caseManager'], 'CONSULTATION'],
      ['AC-2', 'REFUSED', [], ['*'], 'CONSULTATION'],
      ['AC-3', 'ALLOWED', ['status'], [], 'CONSULTATION'],
    ]);
  });

  it('records a read by another organisation as a disclosure to it', () => {
    const trail = new AuditTrail({ query: async () => undefined }, 'ANGUS', caller('POLICE'));
    trail.read(ref, 'riskLevel');
    expect(trail.rows()[0]).toMatchObject({ event: 'DISCLOSURE', recipient: 'POLICE', justification: 'why' });
  });

  it('writes everything in one statement and nothing when nothing was read', async () => {
    const sent: string[] = [];
    const trail = new AuditTrail({ query: async (sql: string) => void sent.push(sql) }, 'ANGUS', caller('ANGUS'));
    await trail.flush();
    expect(sent).toHaveLength(0);
    for (let i = 0; i < 50; i++) trail.read({ ...ref, recordId: `AC-${i}` }, 'status');
    await trail.flush();
    expect(sent).toHaveLength(1);
    expect(trail.pending).toBe(0);
  });
});
