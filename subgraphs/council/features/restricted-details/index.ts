import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { canSeeRestricted } from '../../../../schema/access';
import { conflict, forbidden } from '../../../../schema/errors';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy, indexBy } from '../../../shared/group';
import { id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import { insertOnce, notAfterToday, requireWriter, updateReturning, userOf, writableCase } from '../../case-access';
import type { CaseRow } from '../../data/cases';
import { addChronologyEntry } from '../chronology';
import { CouncilFeature, perRequest } from '../../feature';
import type { CouncilContext } from '../../resolvers';

/**
 * Victim details and addresses: the two kinds of case content the access rules restrict to the
 * owning council's own team (schema/access.ts canSeeRestricted). Everyone else, inspectors
 * included, gets null and a FORBIDDEN error for these fields alone.
 */

class CreateRestrictedDetails1764401737000 implements MigrationInterface {
  name = 'CreateRestrictedDetails1764401737000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_addresses (
        case_id text PRIMARY KEY REFERENCES cases(id),
        line1 text NOT NULL,
        town text NOT NULL,
        postcode text NOT NULL,
        since date NOT NULL
      )`);
    await q.query(`
      CREATE TABLE victim_details (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        relationship text NOT NULL,
        contact_arrangements text NOT NULL,
        exclusion_zone text,
        recorded_on date NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX victim_details_case ON victim_details (case_id, recorded_on)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE victim_details, case_addresses');
  }
}

interface AddressRow {
  case_id: string;
  line1: string;
  town: string;
  postcode: string;
  since: string;
}

interface VictimRow {
  id: string;
  case_id: string;
  relationship: string;
  contact_arrangements: string;
  exclusion_zone: string | null;
  recorded_on: string;
}

function loaders(ctx: CouncilContext) {
  const db = ctx.deps.db;
  return perRequest(ctx, 'restricted-details', () => ({
    address: new DataLoader<string, AddressRow | null>(async (ids) => indexBy(await db.query<AddressRow>('SELECT * FROM case_addresses WHERE case_id = ANY($1)', [ids]), (r) => r.case_id, ids)),
    victims: new DataLoader<string, VictimRow[]>(async (ids) =>
      groupBy(await db.query<VictimRow>('SELECT * FROM victim_details WHERE case_id = ANY($1) ORDER BY recorded_on, created_at', [ids]), (r) => r.case_id, ids),
    ),
  }));
}

/** A case field only the owning council's team may read; null + FORBIDDEN for anyone else. */
const restrictedField =
  <T>(what: string, get: (c: CaseRow, ctx: CouncilContext) => T) =>
  (c: CaseRow, _args: unknown, ctx: CouncilContext) => {
    if (!canSeeRestricted(userOf(ctx), { authority: ctx.deps.names.authority, mappaLevel: c.mappa_level })) throw forbidden(`the ${what} of case ${c.id}`);
    return get(c, ctx);
  };

const toVictim = (v: VictimRow) => ({ id: v.id, relationship: v.relationship, contactArrangements: v.contact_arrangements, exclusionZone: v.exclusion_zone, recordedOn: v.recorded_on });

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

const addressInput = z.object({
  caseId: id(),
  line1: text(200),
  town: text(100),
  // UK postcode shape; the Post Office is the authority, this only catches typing mistakes.
  postcode: z.string().trim().toUpperCase().regex(/^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/, 'is not a UK postcode'),
  since: isoDate(),
  expectedVersion: z.number().int().min(1),
});

const victimInput = z.object({
  caseId: id(),
  relationship: text(200),
  contactArrangements: text(2000),
  exclusionZone: text(1000).nullish(),
  idempotencyKey: idempotencyKey(),
});

export const restrictedDetailsFeature: CouncilFeature = {
  name: 'restricted-details',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateRestrictedDetails1764401737000],
  resolvers: (names) => ({
    [`${names.typePrefix}Case`]: {
      address: restrictedField('address', async (c, ctx) => {
        const a = await loaders(ctx).address.load(c.id);
        return a && { line1: a.line1, town: a.town, postcode: a.postcode, since: a.since };
      }),
      victimDetails: restrictedField('victim details', async (c, ctx) => (await loaders(ctx).victims.load(c.id)).map(toVictim)),
    },
    Mutation: {
      [`${names.fieldPrefix}SetCaseAddress`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const p = parseInput(addressInput, input);
        notAfterToday(p.since, 'since', ctx.deps);
        await ctx.deps.db.transaction(async (runner) => {
          const c = await writableCase(runner, p.caseId);
          const bumped = await updateReturning(runner, 'UPDATE cases SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id', [c.id, p.expectedVersion]);
          if (!bumped.length) throw conflict(`Case ${c.id} was changed by someone else since you read it (expected version ${p.expectedVersion}). Reload and try again.`);
          await runner.query(
            `INSERT INTO case_addresses (case_id, line1, town, postcode, since) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (case_id) DO UPDATE SET line1 = EXCLUDED.line1, town = EXCLUDED.town, postcode = EXCLUDED.postcode, since = EXCLUDED.since`,
            [c.id, p.line1, p.town, p.postcode, p.since],
          );
          // The chronology says that the address changed, never what it is.
          await addChronologyEntry(runner, { caseId: c.id, occurredOn: p.since, kind: 'OTHER', summary: 'Change of address recorded (restricted).', recordedBy: user.sub });
          await logEvent(runner, { event: 'ALTERATION', actor: user, justification: justificationOf(ctx.caller), recordType: 'CASE', recordId: c.id, personId: c.offender_id, fields: ['address'] });
        });
        ctx.loaders.case.clear(p.caseId);
        return ctx.loaders.case.load(p.caseId);
      },
      [`${names.fieldPrefix}RecordVictimDetail`]: async (_: unknown, { input }: { input: unknown }, ctx: CouncilContext) => {
        const user = userOf(ctx);
        requireWriter(user, ctx.deps);
        const p = parseInput(victimInput, input);
        const row = await ctx.deps.db.transaction(async (runner) => {
          const c = await writableCase(runner, p.caseId);
          const { row, created } = await insertOnce<VictimRow>(
            runner,
            'victim_details',
            { id: `VD-${randomUUID()}`, case_id: c.id, relationship: p.relationship, contact_arrangements: p.contactArrangements, exclusion_zone: p.exclusionZone ?? null, recorded_on: ctx.deps.today(), idempotency_key: p.idempotencyKey },
            p.idempotencyKey,
          );
          if (created) await logEvent(runner, { event: 'COLLECTION', actor: user, justification: justificationOf(ctx.caller), recordType: 'VICTIM_DETAIL', recordId: row.id, personId: c.offender_id, fields: ['relationship', 'contactArrangements', ...(p.exclusionZone ? ['exclusionZone'] : [])] });
          return row;
        });
        return toVictim(row);
      },
    },
  }),
  demo: (dataset, rng, names, referenceDate) => {
    const streets = ['Balgay Wynd', 'Corsehill Row', 'Drumcarrow Loan', 'Fernbrae Close', 'Hilltown Pend', 'Kilspindie Court', 'Lochee Brae', 'Muirton Path'];
    const towns: Record<string, [string, string]> = { DUNDEE: ['Dundee', 'DD'], ANGUS: ['Arbroath', 'DD'], PERTH_AND_KINROSS: ['Perth', 'PH'] };
    const [town, area] = towns[names.authority];
    const addresses = (dataset.extra.case_addresses ??= []);
    const victims = (dataset.extra.victim_details ??= []);
    for (const c of dataset.cases.filter((x) => x.status === 'OPEN')) {
      // Made-up streets; postcodes use the right area letters with a district no real street is tied to here.
      addresses.push({ case_id: c.id, line1: `${rng.int(1, 120)} ${rng.pick(streets)}`, town, postcode: `${area}${rng.int(1, 9)} ${rng.int(1, 9)}${rng.pick(['AB', 'EF', 'GH', 'JL', 'NP'])}`, since: c.start_date });
      if (c.mappa_level >= 2 || rng.chance(0.2)) {
        victims.push({
          id: `VD-${c.id}-1`,
          case_id: c.id,
          relationship: rng.pick(['Former partner', 'Child in a previous household', 'Neighbour', 'Stranger (index offence)']),
          contact_arrangements: 'Through the victim liaison officer only.',
          exclusion_zone: rng.chance(0.5) ? `No entry to the area around ${rng.pick(streets)}, ${town}.` : null,
          recorded_on: c.start_date > referenceDate ? referenceDate : c.start_date,
          idempotency_key: `demo-vd-${c.id}-1`,
        });
      }
    }
  },
};
