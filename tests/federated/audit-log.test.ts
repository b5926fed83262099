import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { APP_ROLE } from '../../subgraphs/shared/audit-log';
import { verifyAuditChain } from '../../subgraphs/shared/audit-chain';
import { startTestFederation, TEST_TODAY, TestFederation } from '../support/federation';

/**
 * The data-protection (s.62) log end to end: real gateway, real subgraphs, real PostgreSQL
 * (the local server, or embedded PGlite with MAPPA_TEST_EMBEDDED=1). Each data owner logs in
 * its own database; the database itself keeps the log append-only and chained.
 */
let t: TestFederation;
beforeAll(async () => {
  t = await startTestFederation();
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

type Owner = 'police' | 'dundee' | 'angus' | 'perth-and-kinross';
const COUNCIL_DB: Record<string, Owner> = { DundeeCase: 'dundee', AngusCase: 'angus', PerthAndKinrossCase: 'perth-and-kinross' };

interface LogRow {
  id: string;
  event: string;
  outcome: string;
  actor_sub: string;
  actor_name: string;
  actor_org: string;
  actor_roles: string[];
  justification: string | null;
  record_type: string;
  record_id: string;
  person_id: string | null;
  fields: string[];
  refused_fields: string[];
  recipient: string | null;
  note: string | null;
}

async function connect(db: Owner): Promise<Client> {
  const client = new Client({ connectionString: t.databases.urls[db] });
  await client.connect();
  return client;
}

/**
 * As the database owner (the superuser the migrations ran as). On embedded PGlite every
 * connection shares one session, so the service's role is restored afterwards.
 */
async function asOwner<T>(db: Owner, work: (c: Client) => Promise<T>): Promise<T> {
  const c = await connect(db);
  try {
    await c.query('RESET ROLE');
    return await work(c);
  } finally {
    await c.query('RESET session_replication_role').catch(() => undefined);
    await c.query(`SET ROLE ${APP_ROLE}`).catch(() => undefined);
    await c.end();
  }
}

/** As the role the services run as: what an attacker who controls the service's queries has. */
async function asApp<T>(db: Owner, work: (c: Client) => Promise<T>): Promise<T> {
  const c = await connect(db);
  try {
    await c.query(`SET ROLE ${APP_ROLE}`);
    return await work(c);
  } finally {
    await c.end();
  }
}

const lastId = (db: Owner) => asApp(db, async (c) => Number((await c.query('SELECT coalesce(max(id), 0)::int AS n FROM audit_log')).rows[0].n));
const rowsAfter = (db: Owner, after: number) =>
  asApp(db, async (c) => (await c.query('SELECT *, id::text AS id FROM audit_log WHERE id > $1 ORDER BY audit_log.id', [after])).rows as LogRow[]);

async function marks(): Promise<Record<Owner, number>> {
  const dbs: Owner[] = ['police', 'dundee', 'angus', 'perth-and-kinross'];
  const ids = await Promise.all(dbs.map(lastId));
  return Object.fromEntries(dbs.map((d, i) => [d, ids[i]])) as Record<Owner, number>;
}

const WHY = { 'x-justification': 'MAPPA level 2 meeting, 27 Nov 2026: risk review for Tayside' };

/** Angus cases as the inspector sees them (full view), to pick level-1 and level-2 examples. */
async function angusCases() {
  const res = await t.query(`{ angusCaseload(first: 200, filter: { status: OPEN }) { edges { node { id offenderId mappaLevel } } } }`, {}, 'inspector');
  expect(res.errors).toBeUndefined();
  return res.data.angusCaseload.edges.map((e: any) => e.node) as { id: string; offenderId: string; mappaLevel: number }[];
}

describe('every read is logged in the owner’s own database', () => {
  it('logs one row per record consulted, in each owner’s database, with user, parts read and justification', async () => {
    const before = await marks();
    const res = await t.query(
      `{ offenders(first: 200) { edges { node { id lastName cases { __typename id authority riskLevel mappaLevel status } } } } }`,
      {},
      'coordinator',
      WHY,
    );
    expect(res.errors).toBeUndefined();
    const people = res.data.offenders.edges.map((e: any) => e.node);

    // The register: one row per person on the page, naming the parts of the entry that were read.
    const police = await rowsAfter('police', before.police);
    expect(police).toHaveLength(people.length);
    expect(police.map((r) => r.record_id).sort()).toEqual(people.map((p: any) => p.id).sort());
    for (const r of police) {
      expect(r).toMatchObject({
        event: 'DISCLOSURE',
        outcome: 'ALLOWED',
        actor_sub: 'demo-mappa-coordinator',
        actor_name: 'Demo MAPPA Co-ordinator',
        actor_org: 'MAPPA_UNIT',
        actor_roles: ['MAPPA_COORDINATOR'],
        justification: WHY['x-justification'],
        record_type: 'OFFENDER',
        person_id: r.record_id,
        fields: ['cases', 'id', 'lastName'],
        refused_fields: [],
        recipient: 'MAPPA_UNIT',
      });
    }

    // Each council: one row per case it owns in the answer, and no row for anyone else's case.
    for (const [typename, db] of Object.entries(COUNCIL_DB)) {
      const expected = people.flatMap((p: any) => p.cases.filter((c: any) => c.__typename === typename).map((c: any) => ({ caseId: c.id, personId: p.id })));
      expect(expected.length).toBeGreaterThan(0);
      const rows = await rowsAfter(db, before[db]);
      expect(rows.map((r) => `${r.record_id}:${r.person_id}`).sort()).toEqual(expected.map((e: any) => `${e.caseId}:${e.personId}`).sort());
      for (const r of rows) {
        expect(r).toMatchObject({ event: 'DISCLOSURE', recipient: 'MAPPA_UNIT', actor_sub: 'demo-mappa-coordinator', justification: WHY['x-justification'], record_type: 'CASE', outcome: 'ALLOWED' });
        expect(r.fields.filter((f) => f !== 'id')).toEqual(['authority', 'mappaLevel', 'riskLevel', 'status']);
      }
    }
  });

  it('logs the owner’s own staff reading case content as a consultation, naming the parts', async () => {
    const [someCase] = await angusCases();
    const before = await lastId('angus');
    const res = await t.query(`query($id: ID!) { angusCase(id: $id) { id contacts { notes } riskManagementPlan { version } } }`, { id: someCase.id }, 'angus-case-manager', {
      'x-justification': 'supervision contact preparation',
    });
    expect(res.errors).toBeUndefined();
    const rows = await rowsAfter('angus', before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event: 'CONSULTATION',
      outcome: 'ALLOWED',
      actor_sub: 'AC-S01',
      actor_org: 'ANGUS',
      actor_roles: ['CASE_MANAGER'],
      justification: 'supervision contact preparation',
      record_type: 'CASE',
      record_id: someCase.id,
      person_id: someCase.offenderId,
      fields: ['contacts', 'id', 'riskManagementPlan'],
      recipient: null,
    });
  });

  it('logs a refused case as REFUSED and a partly refused one as PARTIAL', async () => {
    const cases = await angusCases();
    const level1 = cases.find((c) => c.mappaLevel === 1)!;
    const level2 = cases.find((c) => c.mappaLevel >= 2)!;
    const before = await lastId('angus');
    const refused = await t.query(`query($id: ID!) { angusCase(id: $id) { riskLevel } }`, { id: level1.id }, 'police-omo', WHY);
    expect(refused.data.angusCase).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const partial = await t.query(`query($id: ID!) { angusCase(id: $id) { riskLevel caseManager { name } } }`, { id: level2.id }, 'police-omo', WHY);
    expect(partial.data.angusCase.riskLevel).toMatch(/^(LOW|MEDIUM|HIGH|VERY_HIGH)$/);
    expect(partial.data.angusCase.caseManager).toBeNull();
    expect(partial.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const rows = await rowsAfter('angus', before);
    expect(rows.map((r) => ({ id: r.record_id, person: r.person_id, outcome: r.outcome, fields: r.fields, refused: r.refused_fields, who: r.actor_sub, to: r.recipient }))).toEqual([
      { id: level1.id, person: level1.offenderId, outcome: 'REFUSED', fields: [], refused: ['*'], who: 'demo-police-omo', to: 'POLICE' },
      { id: level2.id, person: level2.offenderId, outcome: 'PARTIAL', fields: ['riskLevel'], refused: ['caseManager'], who: 'demo-police-omo', to: 'POLICE' },
    ]);
  });
});

describe('collection and alteration are logged with the change, in one transaction', () => {
  it('logs opening a case as a collection in the council and the new holding as an alteration of the register entry', async () => {
    const res = await t.query(`{ offenders(first: 200, filter: { councilArea: ANGUS }) { edges { node { id cases { id } } } } }`);
    const person = res.data.offenders.edges.map((e: any) => e.node).find((p: any) => p.cases.length === 0);
    expect(person).toBeDefined();
    const before = await marks();
    const opened = await t.query(
      `mutation($input: OpenCaseInput!) { angusOpenCase(input: $input) { id } }`,
      { input: { offenderId: person.id, caseManagerId: 'AC-S01', orderType: 'LICENCE', startDate: TEST_TODAY, mappaLevel: 2, initialRiskLevel: 'HIGH' } },
      'angus-case-manager',
      { 'x-justification': 'released on licence from HMP Perth' },
    );
    expect(opened.errors).toBeUndefined();
    const caseId = opened.data.angusOpenCase.id;

    const angus = await rowsAfter('angus', before.angus);
    expect(angus.find((r) => r.event === 'COLLECTION')).toMatchObject({
      record_type: 'CASE',
      record_id: caseId,
      person_id: person.id,
      actor_sub: 'AC-S01',
      justification: 'released on licence from HMP Perth',
      fields: ['caseManagerId', 'initialRiskLevel', 'mappaLevel', 'offenderId', 'orderType', 'startDate'],
    });
    const police = await rowsAfter('police', before.police);
    expect(police.find((r) => r.event === 'ALTERATION')).toMatchObject({
      record_type: 'OFFENDER',
      record_id: person.id,
      person_id: person.id,
      actor_sub: 'service:angus',
      actor_org: 'ANGUS',
      fields: ['cases'],
      note: `ANGUS holds case ${caseId}`,
    });
  });

  it('logs a recorded contact once, and a retry with the same key collects nothing new', async () => {
    const [someCase] = await angusCases();
    const before = await lastId('angus');
    const input = { caseId: someCase.id, occurredOn: TEST_TODAY, type: 'HOME_VISIT', outcome: 'ATTENDED', staffMemberId: 'AC-S01', notes: 'Seen at home; address verified.', idempotencyKey: 'audit-log-contact-0001' };
    const first = await t.query(`mutation($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`, { input }, 'angus-case-manager', { 'x-justification': 'home visit' });
    expect(first.errors).toBeUndefined();
    const retry = await t.query(`mutation($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`, { input }, 'angus-case-manager', { 'x-justification': 'home visit' });
    expect(retry.data.angusRecordContact.id).toBe(first.data.angusRecordContact.id);
    const collections = (await rowsAfter('angus', before)).filter((r) => r.event === 'COLLECTION');
    expect(collections).toHaveLength(1);
    expect(collections[0]).toMatchObject({
      record_type: 'CONTACT',
      record_id: first.data.angusRecordContact.id,
      person_id: someCase.offenderId,
      justification: 'home visit',
      fields: ['jointWithPolice', 'notes', 'occurredOn', 'outcome', 'staffMemberId', 'type'],
      note: `case ${someCase.id}`,
    });
  });
});

describe('no unlogged access: when the log cannot be written, nothing is returned', () => {
  const revoke = (db: Owner) => asOwner(db, (c) => c.query(`REVOKE INSERT ON audit_log FROM ${APP_ROLE}`));
  const restore = (db: Owner) => asOwner(db, (c) => c.query(`GRANT INSERT ON audit_log TO ${APP_ROLE}`));

  it('withholds a case read whose log write fails, and serves it again once the log works', async () => {
    const [someCase] = await angusCases();
    const read = () => t.query(`query($id: ID!) { angusCase(id: $id) { id riskLevel contacts { notes } } }`, { id: someCase.id }, 'angus-case-manager', WHY);
    const before = await lastId('angus');
    await revoke('angus');
    let failed;
    try {
      failed = await read();
    } finally {
      await restore('angus');
    }
    expect(failed.data?.angusCase ?? null).toBeNull();
    expect(failed.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(failed)).not.toContain('riskLevel');
    expect(await lastId('angus')).toBe(before);

    const again = await read();
    expect(again.errors).toBeUndefined();
    expect(again.data.angusCase.riskLevel).toMatch(/^(LOW|MEDIUM|HIGH|VERY_HIGH)$/);
    expect(await lastId('angus')).toBe(before + 1);
  });

  it('withholds only the failing owner’s part of a federated answer', async () => {
    await revoke('dundee');
    let res;
    try {
      res = await t.query(`{ offenders(first: 200) { edges { node { id cases { __typename id riskLevel } } } } }`, {}, 'coordinator', WHY);
    } finally {
      await restore('dundee');
    }
    const cases = res.data.offenders.edges.flatMap((e: any) => e.node.cases);
    const dundee = cases.filter((c: any) => c.__typename === 'DundeeCase');
    const others = cases.filter((c: any) => c.__typename !== 'DundeeCase');
    expect(dundee.length).toBeGreaterThan(0);
    expect(dundee.every((c: any) => c.riskLevel === null)).toBe(true);
    expect(others.every((c: any) => typeof c.riskLevel === 'string')).toBe(true);
    expect(res.errors?.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')).toBe(true);
  });

  it('rolls a change back when its collection log cannot be written', async () => {
    const [someCase] = await angusCases();
    await revoke('angus');
    let res;
    try {
      res = await t.query(
        `mutation($input: RecordContactInput!) { angusRecordContact(input: $input) { id } }`,
        { input: { caseId: someCase.id, occurredOn: TEST_TODAY, type: 'PHONE_CALL', outcome: 'ATTENDED', staffMemberId: 'AC-S01', idempotencyKey: 'audit-log-unlogged-0001' } },
        'angus-case-manager',
        WHY,
      );
    } finally {
      await restore('angus');
    }
    expect(res.data?.angusRecordContact ?? null).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    const kept = await asOwner('angus', (c) => c.query(`SELECT 1 FROM contacts WHERE idempotency_key = 'audit-log-unlogged-0001'`));
    expect(kept.rowCount).toBe(0);
  });
});

describe('the log is append-only, enforced by the database', () => {
  const refusedFor = async (db: Owner, as: typeof asApp, sql: string) => {
    const error = await as(db, (c) => c.query(sql)).then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(error).not.toBeNull();
    return error!;
  };
  const PERMISSION_DENIED = '42501';

  for (const db of ['police', 'angus'] as Owner[]) {
    describe(`in the ${db} database`, () => {
      it('refuses the service role rewriting a justification (UPDATE)', async () => {
        expect((await refusedFor(db, asApp, `UPDATE audit_log SET justification = 'routine' WHERE id = 1`)).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role erasing its tracks (DELETE)', async () => {
        expect((await refusedFor(db, asApp, `DELETE FROM audit_log WHERE actor_sub = 'demo-mappa-coordinator'`)).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role emptying the log (TRUNCATE)', async () => {
        expect((await refusedFor(db, asApp, 'TRUNCATE audit_log')).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role switching the guard triggers off (ALTER TABLE ... DISABLE TRIGGER)', async () => {
        expect((await refusedFor(db, asApp, 'ALTER TABLE audit_log DISABLE TRIGGER ALL')).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role bypassing triggers as a replica (session_replication_role)', async () => {
        expect((await refusedFor(db, asApp, 'SET session_replication_role = replica')).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role replacing the guard function with a no-op', async () => {
        const sql = `CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`;
        expect((await refusedFor(db, asApp, sql)).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role dropping the log (DROP TABLE)', async () => {
        expect((await refusedFor(db, asApp, 'DROP TABLE audit_log')).code).toBe(PERMISSION_DENIED);
      });
      it('refuses the service role moving the chain head to fork the chain', async () => {
        expect((await refusedFor(db, asApp, `UPDATE audit_chain SET last_hash = repeat('f', 64)`)).code).toBe(PERMISSION_DENIED);
      });
      it('refuses even the table owner UPDATE, DELETE and TRUNCATE (the trigger)', async () => {
        for (const sql of [`UPDATE audit_log SET note = 'x' WHERE id = 1`, 'DELETE FROM audit_log WHERE id = 1', 'TRUNCATE audit_log', `DELETE FROM audit_chain`]) {
          const error = await refusedFor(db, asOwner, sql);
          expect(error.message).toMatch(/append-only|only moves when a log row is appended/);
        }
      });
      it('ignores the id, time and hashes a forger supplies: the database numbers and chains the row itself', async () => {
        const before = await lastId(db);
        const [row] = await asApp(db, async (c) =>
          (
            await c.query(
              `INSERT INTO audit_log (id, occurred_at, event, outcome, actor_sub, actor_name, actor_org, actor_roles, record_type, record_id, fields, prev_hash, hash)
               VALUES (1, '2000-01-01', 'CONSULTATION', 'ALLOWED', 'forger', 'Forger', 'POLICE', '{}', 'CASE', 'X', '{}', $1, $1)
               RETURNING id::int AS id, occurred_at, prev_hash, hash`,
              ['f'.repeat(64)],
            )
          ).rows,
        );
        expect(row.id).toBe(before + 1);
        expect(row.hash).not.toBe('f'.repeat(64));
        expect(row.prev_hash).not.toBe('f'.repeat(64));
        expect(new Date(row.occurred_at).getFullYear()).toBeGreaterThanOrEqual(2025);
        expect(await asApp(db, (c) => verifyAuditChain(c))).toEqual({ intact: true, rows: before + 1 });
      });
    });
  }
});

describe('what a log row may hold', () => {
  const insert = (event: string, recipient: string | null, note: string | null) =>
    asApp('angus', (c) =>
      c.query(
        `INSERT INTO audit_log (event, outcome, actor_sub, actor_name, actor_org, actor_roles, record_type, record_id, person_id, fields, recipient, note)
         VALUES ($1, 'ALLOWED', 'AC-S07', 'Team Manager', 'ANGUS', '{TEAM_MANAGER}', 'CONTACT', 'CT-1', 'N000001', '{notes}', $2, $3)`,
        [event, recipient, note],
      ),
    ).then(
      () => 'written',
      (e: { code?: string }) => e.code,
    );

  it('refuses an erasure entry that copies the erased content', async () => {
    expect(await insert('ERASURE', null, 'Seen at home; address verified.')).toBe('23514');
    expect(await insert('ERASURE', null, null)).toBe('written');
  });

  it('refuses a disclosure entry that does not name the recipient', async () => {
    expect(await insert('DISCLOSURE', null, 'executive summary')).toBe('23514');
    expect(await insert('DISCLOSURE', 'POLICE', 'executive summary')).toBe('written');
  });
});

describe('inspectors query the log per person, per user and per period', () => {
  const LOG = `query($filter: AuditLogFilter, $first: Int, $after: String) {
    policeAuditLog(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id at event outcome actor { id name organisation roles } justification recordType recordId personId fields refusedFields recipient note hash } }
    }
  }`;

  it('lists one person’s entries, newest first, with who, when, what and why', async () => {
    const one = await t.query(`{ offenders(first: 1) { edges { node { id firstName } } } }`, {}, 'police-omo', { 'x-justification': 'RSO visit planning' });
    const personId = one.data.offenders.edges[0].node.id;
    const res = await t.query(LOG, { filter: { personId } }, 'inspector');
    expect(res.errors).toBeUndefined();
    const entries = res.data.policeAuditLog.edges.map((e: any) => e.node);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.every((e: any) => e.personId === personId)).toBe(true);
    const ids = entries.map((e: any) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(entries[0]).toMatchObject({
      event: 'CONSULTATION',
      outcome: 'ALLOWED',
      actor: { id: 'demo-police-omo', name: 'Demo Police Offender Manager', organisation: 'POLICE', roles: ['POLICE_OFFENDER_MANAGER'] },
      justification: 'RSO visit planning',
      recordType: 'OFFENDER',
      recordId: personId,
      fields: ['firstName', 'id'],
      refusedFields: [],
      recipient: null,
    });
    expect(entries[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.now() - Date.parse(entries[0].at)).toBeLessThan(60_000);
  });

  it('filters by user and by period, and pages without overlap', async () => {
    const start = new Date(Date.now() - 1000).toISOString();
    for (const first of [1, 2, 3]) await t.query(`query($n: Int) { offenders(first: $n) { edges { node { id } } } }`, { n: first }, 'police-dpo', WHY);
    const end = new Date(Date.now() + 1000).toISOString();
    const byUser = await t.query(LOG, { filter: { userId: 'demo-police-dpo', from: start, to: end }, first: 4 }, 'inspector');
    expect(byUser.errors).toBeUndefined();
    expect(byUser.data.policeAuditLog.totalCount).toBe(6);
    const page1 = byUser.data.policeAuditLog.edges.map((e: any) => e.node);
    expect(page1).toHaveLength(4);
    expect(page1.every((e: any) => e.actor.id === 'demo-police-dpo' && e.event === 'CONSULTATION' && e.justification === WHY['x-justification'])).toBe(true);
    const page2 = await t.query(LOG, { filter: { userId: 'demo-police-dpo', from: start, to: end }, first: 4, after: byUser.data.policeAuditLog.pageInfo.endCursor }, 'inspector');
    const ids = [...page1, ...page2.data.policeAuditLog.edges.map((e: any) => e.node)].map((e: any) => e.id);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);

    const earlier = await t.query(LOG, { filter: { userId: 'demo-police-dpo', to: start } }, 'inspector');
    expect(earlier.data.policeAuditLog.totalCount).toBe(0);
  });

  it('lets a council’s data-protection officer read that council’s log only', async () => {
    const own = await t.query(`{ angusAuditLog(first: 5, filter: { event: CONSULTATION }) { totalCount edges { node { event } } } }`, {}, 'angus-dpo');
    expect(own.errors).toBeUndefined();
    expect(own.data.angusAuditLog.totalCount).toBeGreaterThan(0);
    expect(own.data.angusAuditLog.edges.every((e: any) => e.node.event === 'CONSULTATION')).toBe(true);
    const other = await t.query(`{ policeAuditLog(first: 5) { totalCount } }`, {}, 'angus-dpo');
    expect(other.data).toBeNull();
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a case manager, and logs the refusal and every reading of the log', async () => {
    const before = await lastId('dundee');
    const refused = await t.query(`{ dundeeAuditLog(filter: { personId: "N000001" }) { totalCount } }`, {}, 'dundee-case-manager', WHY);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const read = await t.query(`{ dundeeAuditLog(first: 3, filter: { personId: "N000001" }) { totalCount } }`, {}, 'inspector', { 'x-justification': 'annual inspection' });
    expect(read.errors).toBeUndefined();
    const rows = await rowsAfter('dundee', before);
    expect(rows.map((r) => ({ who: r.actor_sub, type: r.record_type, person: r.person_id, outcome: r.outcome, why: r.justification }))).toEqual([
      { who: 'DC-S01', type: 'AUDIT_LOG', person: 'N000001', outcome: 'REFUSED', why: WHY['x-justification'] },
      { who: 'demo-inspector', type: 'AUDIT_LOG', person: 'N000001', outcome: 'ALLOWED', why: 'annual inspection' },
    ]);
    expect(rows[1].note).toContain('"personId":"N000001"');
  });

  it('rejects a period that ends before it starts, naming the field', async () => {
    const res = await t.query(LOG, { filter: { from: '2026-11-27T00:00:00Z', to: '2026-11-26T00:00:00Z' } }, 'inspector');
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.to' });
  });
});

describe('the chain verifier', () => {
  const verifier = (db: Owner) =>
    spawnSync(process.execPath, [join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, '..', '..', 'scripts', 'verify-audit-log.ts'), t.databases.urls[db]], {
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('finds every owner’s chain intact after all of the above, computed independently of the database', async () => {
    for (const db of ['police', 'dundee', 'angus', 'perth-and-kinross'] as Owner[]) {
      const rows = await lastId(db);
      expect(rows).toBeGreaterThan(0);
      expect(await asApp(db, (c) => verifyAuditChain(c, 7))).toEqual({ intact: true, rows });
    }
    const run = verifier('police');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`chain intact: ${await lastId('police')} rows`);
  });

  it('hashes awkward content byte for byte the same in the database and in the verifier', async () => {
    // As a client can send it: HTTP headers are Latin-1.
    const header = `Inspection "Q4" café, naïve; 5:3, \\ ~ ,`;
    const before = await lastId('perth-and-kinross');
    const res = await t.query(`{ perthAndKinrossCaseload(first: 2) { edges { node { id } } } }`, {}, 'inspector', { 'x-justification': header });
    expect(res.errors).toBeUndefined();
    const [row] = await rowsAfter('perth-and-kinross', before);
    expect(row.justification).toBe(header);
    // As a mutation may log it: newlines, multi-byte and astral characters, empty strings.
    await asApp('perth-and-kinross', (c) =>
      c.query(
        `INSERT INTO audit_log (event, outcome, actor_sub, actor_name, actor_org, actor_roles, justification, record_type, record_id, person_id, fields, note)
         VALUES ('COLLECTION', 'ALLOWED', 'PK-S01', 'Ｍs Ünïcode ✓', 'PERTH_AND_KINROSS', '{}', $1, 'CASE', 'PK-1', NULL, '{"", "a,b"}', '')`,
        ['line one\nline "two" 𝄞 – €'],
      ),
    );
    expect((await asApp('perth-and-kinross', (c) => verifyAuditChain(c))).intact).toBe(true);
  });

  it('names the row a superuser edited behind the triggers’ back', async () => {
    const victim = Math.max(2, Math.floor((await lastId('angus')) / 2));
    await asOwner('angus', async (c) => {
      await c.query('SET session_replication_role = replica');
      await c.query(`UPDATE audit_log SET justification = 'nothing to see here' WHERE id = $1`, [victim]);
    });
    const run = verifier('angus');
    expect(run.status).toBe(1);
    expect(run.stdout.trim()).toBe(`broken at row ${victim}: its content does not match its hash (edited)`);
  });

  it('names where rows were removed, in the middle or at the end', async () => {
    const last = await lastId('dundee');
    await asOwner('dundee', async (c) => {
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await c.query('DELETE FROM audit_log WHERE id = $1', [last]);
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    expect((await asApp('dundee', (c) => verifyAuditChain(c))).intact).toBe(false);
    expect(verifier('dundee').stdout.trim()).toBe(`broken at row ${last}: the chain head records ${last} rows: rows from here on are missing`);
    await asOwner('dundee', async (c) => {
      await c.query('SET session_replication_role = replica');
      await c.query('DELETE FROM audit_log WHERE id = 3');
    });
    expect(verifier('dundee').stdout.trim()).toBe('broken at row 4: row 3 is missing before it');
  });
});
