import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames, authorityNames } from '../../../../schema/authorities';
import { AUTHORITIES, Authority, RISK_LEVELS } from '../../../../schema/domain';
import { appError, badInput, conflict } from '../../../../schema/errors';
import type { CouncilDataset } from '../../../../scripts/demo-data';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { indexBy } from '../../../shared/group';
import { id, isoDate, parseInput } from '../../../shared/validate';
import { fullField, notAfterToday, requireWriter, summaryField, userOf } from '../../case-access';
import { openCase } from '../../case-practice';
import type { CaseRow } from '../../data/cases';
import { CouncilFeature, DemoRng, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { addChronologyEntry } from '../chronology';

/**
 * Transfer between councils (DOMAIN.md scenario 3). The sending council decides, after consulting
 * the police, and hands the case over: its own case ends and stays as read-only history. The
 * receiving council opens its own case, linked to the sender's, from the transfer date, so
 * supervision has no gap. Each council writes only its own database; the police register is told
 * who holds the person, so `offender { cases }` shows both records.
 */

const ORDER_TYPES = ['LICENCE', 'COMMUNITY_PAYBACK_ORDER', 'SUPERVISED_RELEASE_ORDER', 'EXTENDED_SENTENCE', 'ORDER_FOR_LIFELONG_RESTRICTION', 'RSO_NOTIFICATION_ONLY'] as const;

/** Case ids carry their council's prefix (AC-, DC-, PK-), so an id alone says which council owns it. */
export function authorityOfCaseId(caseId: string): Authority | undefined {
  return AUTHORITIES.find((a) => caseId.startsWith(`${authorityNames(a).caseIdPrefix}-`));
}

interface TransferRow {
  id: string;
  transferred_from_authority: Authority | null;
  to_authority: Authority | null;
  transfer_date: string | null;
  reason: string | null;
  police_consulted_on: string | null;
  police_contact: string | null;
  recorded_by: string | null;
}

class AddCaseTransfers1764401537000 implements MigrationInterface {
  name = 'AddCaseTransfers1764401537000';
  async up(q: QueryRunner): Promise<void> {
    const authorities = AUTHORITIES.map((a) => `'${a}'`).join(',');
    await q.query(`ALTER TABLE cases ADD COLUMN transferred_from_authority text CHECK (transferred_from_authority IN (${authorities}))`);
    // Cases received before the column existed: the sending case's id names its council.
    await q.query(
      `UPDATE cases SET transferred_from_authority = CASE ${AUTHORITIES.map((a) => `WHEN transferred_from_case_id LIKE '${authorityNames(a).caseIdPrefix}-%' THEN '${a}'`).join(' ')} END
       WHERE transferred_from_case_id IS NOT NULL`,
    );
    await q.query('ALTER TABLE cases ADD CONSTRAINT cases_transferred_from_pair CHECK ((transferred_from_case_id IS NULL) = (transferred_from_authority IS NULL))');
    // One sending case is received once.
    await q.query('CREATE UNIQUE INDEX cases_transferred_from ON cases (transferred_from_authority, transferred_from_case_id) WHERE transferred_from_case_id IS NOT NULL');
    await q.query(`
      CREATE TABLE case_transfers_out (
        case_id text PRIMARY KEY REFERENCES cases(id),
        to_authority text NOT NULL CHECK (to_authority IN (${authorities})),
        transfer_date date NOT NULL,
        reason text NOT NULL,
        police_consulted_on date NOT NULL CHECK (police_consulted_on <= transfer_date),
        police_contact text NOT NULL,
        recorded_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE case_transfers_out');
    await q.query('DROP INDEX cases_transferred_from');
    await q.query('ALTER TABLE cases DROP COLUMN transferred_from_authority');
  }
}

/** case_overview predates the from-authority column, so it is read here, with the transfer-out record, in one batch. */
const transferLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'transfers', () =>
    new DataLoader<string, TransferRow | null>(async (ids) =>
      indexBy(
        await ctx.deps.db.query<TransferRow>(
          `SELECT c.id, c.transferred_from_authority, t.to_authority, t.transfer_date, t.reason, t.police_consulted_on, t.police_contact, t.recorded_by
           FROM cases c LEFT JOIN case_transfers_out t ON t.case_id = c.id WHERE c.id = ANY($1)`,
          [ids],
        ),
        (r) => r.id,
        ids,
      ),
    ),
  );

const otherCouncil = (names: AuthorityNames) => z.enum(AUTHORITIES).refine((a) => a !== names.authority, `must be another council than ${names.displayName}`);

const transferOutInput = (names: AuthorityNames) =>
  z.object({
    caseId: id(),
    toAuthority: otherCouncil(names),
    reason: z.string().trim().min(10, 'must say why the case moves').max(2000),
    policeConsultedOn: isoDate(),
    policeContactName: z.string().trim().min(2, 'must name the police officer consulted').max(200),
    transferDate: isoDate(),
  });

const acceptInput = (names: AuthorityNames) =>
  z
    .object({
      offenderId: id(),
      fromAuthority: otherCouncil(names),
      fromCaseId: id(),
      caseManagerId: id(),
      startDate: isoDate(),
      mappaLevel: z.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3'),
      riskLevel: z.enum(RISK_LEVELS),
      orderType: z.enum(ORDER_TYPES),
    })
    .refine((v) => authorityOfCaseId(v.fromCaseId) === v.fromAuthority, { path: ['fromCaseId'], message: 'is not a case id of fromAuthority' });

async function transferOut(ctx: CouncilContext, raw: unknown): Promise<string> {
  const { names } = ctx.deps;
  const user = userOf(ctx);
  requireWriter(user, ctx.deps);
  const p = parseInput(transferOutInput(names), raw);
  notAfterToday(p.transferDate, 'transferDate', ctx.deps);
  if (p.policeConsultedOn > p.transferDate) throw badInput('policeConsultedOn', 'policeConsultedOn: the police must be consulted on or before the transfer date.');
  const to = authorityNames(p.toAuthority).displayName;
  await ctx.deps.db.transaction(async (runner) => {
    const [found] = (await runner.query('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [p.caseId])) as CaseRow[];
    if (!found) throw appError('NOT_FOUND', `Case ${p.caseId} was not found.`, { field: 'caseId' });
    if (found.status !== 'OPEN') {
      const [done] = (await runner.query('SELECT to_authority, transfer_date FROM case_transfers_out WHERE case_id = $1', [p.caseId])) as { to_authority: string; transfer_date: string }[];
      // The same transfer asked for again (a retry after a lost answer) is already done.
      if (done && done.to_authority === p.toAuthority && done.transfer_date === p.transferDate) return;
      throw conflict(`Case ${p.caseId} is ${found.status.toLowerCase().replace('_', ' ')} and read-only.`);
    }
    if (p.transferDate < found.start_date) throw badInput('transferDate', 'transferDate: is before the case started.');
    await runner.query(`UPDATE cases SET status = 'TRANSFERRED_OUT', end_date = $2, version = version + 1 WHERE id = $1`, [p.caseId, p.transferDate]);
    await runner.query(
      'INSERT INTO case_transfers_out (case_id, to_authority, transfer_date, reason, police_consulted_on, police_contact, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [p.caseId, p.toAuthority, p.transferDate, p.reason, p.policeConsultedOn, p.policeContactName, user.sub],
    );
    await addChronologyEntry(runner, {
      caseId: p.caseId,
      occurredOn: p.transferDate,
      kind: 'TRANSFER',
      summary: `Transferred to ${to} CJSW: ${p.reason} Police consulted on ${p.policeConsultedOn} (${p.policeContactName}). This record is now read-only history.`,
      recordedBy: user.sub,
    });
    // Last, inside the transaction: if the register cannot be told, the case stays open here.
    await ctx.deps.notifyCaseHolder({ offenderId: found.offender_id, caseId: p.caseId, holding: false });
    await logEvent(runner, {
      event: 'ALTERATION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'CASE',
      recordId: p.caseId,
      personId: found.offender_id,
      fields: ['policeConsultedOn', 'policeContactName', 'reason', 'toAuthority', 'transferDate'],
      note: `transferred out to ${p.toAuthority}; the case is now read-only history`,
    });
  });
  return p.caseId;
}

async function acceptTransfer(ctx: CouncilContext, raw: unknown): Promise<string> {
  const user = userOf(ctx);
  requireWriter(user, ctx.deps);
  const p = parseInput(acceptInput(ctx.deps.names), raw);
  notAfterToday(p.startDate, 'startDate', ctx.deps);
  const from = authorityNames(p.fromAuthority).displayName;
  const opening = { offenderId: p.offenderId, caseManagerId: p.caseManagerId, orderType: p.orderType, startDate: p.startDate, mappaLevel: p.mappaLevel, initialRiskLevel: p.riskLevel };
  return openCase(user, opening, ctx.deps, async (runner, caseId) => {
    const [already] = (await runner.query('SELECT id FROM cases WHERE transferred_from_authority = $1 AND transferred_from_case_id = $2', [p.fromAuthority, p.fromCaseId])) as { id: string }[];
    if (already) throw conflict(`${from} case ${p.fromCaseId} was already received as case ${already.id}.`);
    await runner.query('UPDATE cases SET transferred_from_case_id = $2, transferred_from_authority = $3 WHERE id = $1', [caseId, p.fromCaseId, p.fromAuthority]);
    await addChronologyEntry(runner, {
      caseId,
      occurredOn: p.startDate,
      kind: 'TRANSFER',
      summary: `Transferred in from ${from} CJSW (their case ${p.fromCaseId}); supervision continues from ${p.startDate} without a gap.`,
      recordedBy: user.sub,
    });
  }, justificationOf(ctx.caller));
}

/**
 * Demo: the core demo data already moved a few people between councils. This names the sending
 * council on each received case and gives both sides their TRANSFER chronology entry. The
 * sender's case-transfer record (police consultation) is not invented: one council's demo rows
 * cannot see where the person went, so only transfers made through TransferOut carry it.
 */
function demo(dataset: CouncilDataset, _rng: DemoRng, names: AuthorityNames): void {
  const chronology: object[] = [];
  for (const c of dataset.cases) {
    const fromAuthority = c.transferred_from_case_id ? (authorityOfCaseId(c.transferred_from_case_id) ?? null) : null;
    // Every row gets the key: the loader inserts the columns the first row carries.
    Object.assign(c, { transferred_from_authority: fromAuthority });
    if (c.transferred_from_case_id && fromAuthority) {
      chronology.push({
        id: `CH-${c.id}-transfer-in`,
        case_id: c.id,
        occurred_on: c.start_date,
        kind: 'TRANSFER',
        summary: `Transferred in from ${authorityNames(fromAuthority).displayName} CJSW (their case ${c.transferred_from_case_id}); supervision continues from ${c.start_date} without a gap.`,
        source: 'AUTOMATIC',
        recorded_by: c.case_manager_id,
        idempotency_key: null,
        created_at: `${c.start_date}T12:00:00Z`,
      });
    }
    if (c.status === 'TRANSFERRED_OUT' && c.end_date) {
      chronology.push({
        id: `CH-${c.id}-transfer-out`,
        case_id: c.id,
        occurred_on: c.end_date,
        kind: 'TRANSFER',
        summary: `Transferred to another council's CJSW; ${names.displayName} keeps this record as read-only history.`,
        source: 'AUTOMATIC',
        recorded_by: c.case_manager_id,
        idempotency_key: null,
        created_at: `${c.end_date}T12:00:00Z`,
      });
    }
  }
  (dataset.extra.chronology_entries ??= []).push(...chronology);
}

export const transfersFeature: CouncilFeature = {
  name: 'transfers',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [AddCaseTransfers1764401537000],
  demo,
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      // The link between the two records is part of the MAPPA picture, not case content.
      transferredFromCaseId: summaryField((c) => c.transferred_from_case_id),
      transferredFromAuthority: summaryField(async (c, ctx) => (c.transferred_from_case_id ? ((await transferLoader(ctx).load(c.id))?.transferred_from_authority ?? null) : null)),
      transferOut: fullField(async (c, ctx) => {
        if (c.status !== 'TRANSFERRED_OUT') return null;
        const t = await transferLoader(ctx).load(c.id);
        return t?.to_authority
          ? { toAuthority: t.to_authority, transferDate: t.transfer_date, reason: t.reason, policeConsultedOn: t.police_consulted_on, policeContactName: t.police_contact, recordedBy: t.recorded_by }
          : null;
      }),
    },
    Mutation: {
      [`${names.fieldPrefix}TransferOut`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const caseId = await transferOut(ctx, input);
        ctx.loaders.case.clear(caseId);
        return ctx.loaders.case.load(caseId);
      },
      [`${names.fieldPrefix}AcceptTransfer`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => ctx.loaders.case.load(await acceptTransfer(ctx, input)),
    },
  }),
};
