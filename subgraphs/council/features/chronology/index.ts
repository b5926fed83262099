import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy } from '../../../shared/group';
import { id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { fullField, insertOnce, notAfterToday, requireWriter, userOf, writableCase } from '../../case-access';

export const CHRONOLOGY_KINDS = ['CASE_OPENED', 'RISK_LEVEL_CHANGE', 'MAPPA_LEVEL_CHANGE', 'MISSED_APPOINTMENT', 'BREACH', 'TRANSFER', 'RECALL', 'PROTECTION_CHANGE', 'OTHER'] as const;
export type ChronologyKind = (typeof CHRONOLOGY_KINDS)[number];

export interface ChronologyRow {
  id: string;
  case_id: string;
  occurred_on: string;
  kind: ChronologyKind;
  summary: string;
  source: 'AUTOMATIC' | 'MANUAL';
  recorded_by: string | null;
}

class CreateChronology1764400100000 implements MigrationInterface {
  name = 'CreateChronology1764400100000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE chronology_entries (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        occurred_on date NOT NULL,
        kind text NOT NULL,
        summary text NOT NULL,
        source text NOT NULL CHECK (source IN ('AUTOMATIC','MANUAL')),
        recorded_by text,
        idempotency_key text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX chronology_case ON chronology_entries (case_id, occurred_on, created_at)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE chronology_entries');
  }
}

/**
 * Writes an automatic chronology entry inside the caller's transaction, so the event and its
 * chronology entry are saved together or not at all.
 */
export async function addChronologyEntry(runner: QueryRunner, entry: { caseId: string; occurredOn: string; kind: ChronologyKind; summary: string; recordedBy?: string | null }): Promise<void> {
  await runner.query(
    `INSERT INTO chronology_entries (id, case_id, occurred_on, kind, summary, source, recorded_by) VALUES ($1, $2, $3, $4, $5, 'AUTOMATIC', $6)`,
    [`CH-${randomUUID()}`, entry.caseId, entry.occurredOn, entry.kind, entry.summary, entry.recordedBy ?? null],
  );
}

const chronologyLoader = (ctx: CouncilContext) =>
  perRequest(ctx, 'chronology', () =>
    new DataLoader<string, ChronologyRow[]>(async (ids) =>
      groupBy(await ctx.deps.db.query<ChronologyRow>('SELECT * FROM chronology_entries WHERE case_id = ANY($1) ORDER BY occurred_on, created_at', [ids]), (r) => r.case_id, ids),
    ),
  );

const entryInput = z.object({
  caseId: id(),
  occurredOn: isoDate(),
  kind: z.enum(CHRONOLOGY_KINDS),
  summary: z.string().trim().min(3, 'must say what happened').max(2000),
  idempotencyKey: idempotencyKey(),
});

const toGraphQL = (r: ChronologyRow) => ({ id: r.id, occurredOn: r.occurred_on, kind: r.kind, summary: r.summary, source: r.source, recordedBy: r.recorded_by });

export const chronologyFeature: CouncilFeature = {
  name: 'chronology',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateChronology1764400100000],
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      chronology: fullField(async (c, ctx) => (await chronologyLoader(ctx).load(c.id)).map(toGraphQL)),
    },
    Mutation: {
      [`${names.fieldPrefix}AddChronologyEntry`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const parsed = parseInput(entryInput, input);
        notAfterToday(parsed.occurredOn, 'occurredOn', ctx.deps);
        const { row } = await ctx.deps.db.transaction(async (runner) => {
          const c = await writableCase(runner, parsed.caseId);
          const inserted = await insertOnce<ChronologyRow>(
            runner,
            'chronology_entries',
            { id: `CH-${randomUUID()}`, case_id: parsed.caseId, occurred_on: parsed.occurredOn, kind: parsed.kind, summary: parsed.summary, source: 'MANUAL', recorded_by: user.sub, idempotency_key: parsed.idempotencyKey },
            parsed.idempotencyKey,
          );
          if (inserted.created) {
            await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'CHRONOLOGY_ENTRY', recordId: inserted.row.id, personId: c.offender_id, fields: ['kind', 'occurredOn', 'summary'], note: `case ${c.id}` });
          }
          return inserted;
        });
        return toGraphQL(row);
      },
    },
  }),
};
