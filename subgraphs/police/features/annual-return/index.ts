import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { canChangeRegister } from '../../../../schema/access';
import { AUTHORITIES, Authority } from '../../../../schema/domain';
import { appError, badInput, forbidden } from '../../../../schema/errors';
import { User } from '../../../../schema/identity';
import { addDays } from '../../../../schema/standard/dates';
import { justificationOf, logEvent } from '../../../shared/audit-log';
import { groupBy, indexBy } from '../../../shared/group';
import { id, idempotencyKey, isoDate, parseInput } from '../../../shared/validate';
import type { OffenderRow } from '../../data/register';
import type { PoliceContext, PoliceFeature } from '../../feature';
import { policeAnnualDemo } from './demo';
import RULES from './notification-rules.json';

/**
 * The police register's part of the annual return (RSOs at liberty, notification breaches, wanted
 * and missing, civil orders and their breaches, recalls, further serious offences) and the register
 * events behind it: notifications checked against the statutory deadlines, custody periods, civil
 * orders, wanted/missing episodes.
 */

class CreateAnnualReturnRecords1764400300000 implements MigrationInterface {
  name = 'CreateAnnualReturnRecords1764400300000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rso_notifications (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        kind text NOT NULL CHECK (kind IN ('RELEASE_FROM_CUSTODY','CHANGE_OF_DETAILS','ANNUAL','FOREIGN_TRAVEL')),
        event_on date NOT NULL,
        notified_on date NOT NULL,
        due_by date NOT NULL,
        late boolean NOT NULL,
        council_area text,
        establishment text,
        recorded_by text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX rso_notifications_offender ON rso_notifications (offender_id, notified_on)');
    await q.query(`
      CREATE TABLE notification_breaches (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        occurred_on date NOT NULL,
        notification_id text REFERENCES rso_notifications(id),
        detail text NOT NULL
      )`);
    await q.query('CREATE INDEX notification_breaches_on ON notification_breaches (occurred_on)');
    await q.query(`
      CREATE TABLE custody_periods (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        from_on date NOT NULL,
        to_on date,
        establishment text NOT NULL,
        CHECK (to_on IS NULL OR to_on >= from_on)
      )`);
    await q.query('CREATE INDEX custody_periods_offender ON custody_periods (offender_id, from_on)');
    await q.query(`
      CREATE TABLE civil_orders (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        type text NOT NULL CHECK (type IN ('SOPO','SHPO')),
        made_on date NOT NULL,
        expires_on date
      )`);
    await q.query('CREATE INDEX civil_orders_offender ON civil_orders (offender_id)');
    await q.query(`
      CREATE TABLE civil_order_breaches (
        id text PRIMARY KEY,
        order_id text NOT NULL REFERENCES civil_orders(id),
        occurred_on date NOT NULL
      )`);
    await q.query(`
      CREATE TABLE wanted_missing (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        kind text NOT NULL CHECK (kind IN ('WANTED','MISSING')),
        from_on date NOT NULL,
        to_on date
      )`);
    await q.query('CREATE INDEX wanted_missing_offender ON wanted_missing (offender_id, from_on)');
    await q.query(`
      CREATE TABLE offender_outcomes (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        kind text NOT NULL CHECK (kind IN ('RECALL','FURTHER_SERIOUS_OFFENCE')),
        occurred_on date NOT NULL
      )`);
    await q.query('CREATE INDEX offender_outcomes_on ON offender_outcomes (occurred_on)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE offender_outcomes, wanted_missing, civil_order_breaches, civil_orders, custody_periods, notification_breaches, rso_notifications');
  }
}

export interface PoliceAnnualFiguresRow {
  year: number;
  council: Authority;
  rsos_at_liberty: number;
  mappa_nominals_at_liberty: number;
  notification_breaches: number;
  wanted: number;
  missing: number;
  sopos: number;
  shpos: number;
  civil_order_breaches: number;
  recalls: number;
  further_serious_offences: number;
}

/**
 * Every figure for every requested year and council area in one statement. "On 31 March" figures
 * are taken at the end of the reporting year ($y+1-03-31); "during the year" ones count events
 * from 1 April $y to 31 March $y+1 inclusive. The council area is the register's current one.
 */
const FIGURES_SQL = `
  WITH periods AS (
    SELECT y AS year, make_date(y, 4, 1) AS start_on, make_date(y + 1, 3, 31) AS end_on FROM unnest($1::int[]) AS y
  )
  SELECT p.year, a.area AS council,
    (SELECT count(*) FROM offenders o WHERE o.council_area = a.area AND o.mappa_category = 1
       AND o.registered_on <= p.end_on AND (o.notification_indefinite OR o.notification_period_ends > p.end_on)
       AND NOT EXISTS (SELECT 1 FROM custody_periods c WHERE c.offender_id = o.id AND c.from_on <= p.end_on AND (c.to_on IS NULL OR c.to_on > p.end_on)))::int AS rsos_at_liberty,
    (SELECT count(*) FROM offenders o WHERE o.council_area = a.area
       AND (o.mappa_category <> 1 OR (o.registered_on <= p.end_on AND (o.notification_indefinite OR o.notification_period_ends > p.end_on)))
       AND NOT EXISTS (SELECT 1 FROM custody_periods c WHERE c.offender_id = o.id AND c.from_on <= p.end_on AND (c.to_on IS NULL OR c.to_on > p.end_on)))::int AS mappa_nominals_at_liberty,
    (SELECT count(*) FROM notification_breaches b JOIN offenders o ON o.id = b.offender_id
       WHERE o.council_area = a.area AND b.occurred_on BETWEEN p.start_on AND p.end_on)::int AS notification_breaches,
    (SELECT count(DISTINCT w.offender_id) FROM wanted_missing w JOIN offenders o ON o.id = w.offender_id
       WHERE o.council_area = a.area AND w.kind = 'WANTED' AND w.from_on <= p.end_on AND (w.to_on IS NULL OR w.to_on > p.end_on))::int AS wanted,
    (SELECT count(DISTINCT w.offender_id) FROM wanted_missing w JOIN offenders o ON o.id = w.offender_id
       WHERE o.council_area = a.area AND w.kind = 'MISSING' AND w.from_on <= p.end_on AND (w.to_on IS NULL OR w.to_on > p.end_on))::int AS missing,
    (SELECT count(*) FROM civil_orders c JOIN offenders o ON o.id = c.offender_id
       WHERE o.council_area = a.area AND c.type = 'SOPO' AND c.made_on <= p.end_on AND (c.expires_on IS NULL OR c.expires_on > p.end_on))::int AS sopos,
    (SELECT count(*) FROM civil_orders c JOIN offenders o ON o.id = c.offender_id
       WHERE o.council_area = a.area AND c.type = 'SHPO' AND c.made_on <= p.end_on AND (c.expires_on IS NULL OR c.expires_on > p.end_on))::int AS shpos,
    (SELECT count(*) FROM civil_order_breaches b JOIN civil_orders c ON c.id = b.order_id JOIN offenders o ON o.id = c.offender_id
       WHERE o.council_area = a.area AND b.occurred_on BETWEEN p.start_on AND p.end_on)::int AS civil_order_breaches,
    (SELECT count(*) FROM offender_outcomes x JOIN offenders o ON o.id = x.offender_id
       WHERE o.council_area = a.area AND x.kind = 'RECALL' AND x.occurred_on BETWEEN p.start_on AND p.end_on)::int AS recalls,
    (SELECT count(*) FROM offender_outcomes x JOIN offenders o ON o.id = x.offender_id
       WHERE o.council_area = a.area AND x.kind = 'FURTHER_SERIOUS_OFFENCE' AND x.occurred_on BETWEEN p.start_on AND p.end_on)::int AS further_serious_offences
  FROM periods p CROSS JOIN unnest($2::text[]) AS a(area)
  ORDER BY p.year, array_position($2::text[], a.area)`;

interface NotificationRow {
  id: string;
  offender_id: string;
  kind: string;
  event_on: string;
  notified_on: string;
  due_by: string;
  late: boolean;
  council_area: string | null;
  establishment: string | null;
}

interface CustodyRow {
  offender_id: string;
  from_on: string;
  to_on: string | null;
  establishment: string;
}

interface CivilOrderRow {
  id: string;
  offender_id: string;
  type: string;
  made_on: string;
  expires_on: string | null;
  breaches: string[];
}

/** Per-request loaders, memoised on the context so every resolver of one request shares them. */
function loaders(ctx: PoliceContext) {
  const key = 'annual-return';
  ctx.memo[key] ??= {
    figures: new DataLoader<number, PoliceAnnualFiguresRow[]>(async (years) => {
      const rows = await ctx.db.query<PoliceAnnualFiguresRow>(FIGURES_SQL, [years, AUTHORITIES]);
      return years.map((y) => rows.filter((r) => r.year === y));
    }),
    notifications: new DataLoader<string, NotificationRow[]>(async (ids) =>
      groupBy(await ctx.db.query<NotificationRow>('SELECT * FROM rso_notifications WHERE offender_id = ANY($1) ORDER BY notified_on DESC, created_at DESC', [ids]), (r) => r.offender_id, ids),
    ),
    custody: new DataLoader<string, CustodyRow | null>(async (ids) =>
      indexBy(await ctx.db.query<CustodyRow>('SELECT * FROM custody_periods WHERE offender_id = ANY($1) AND to_on IS NULL', [ids]), (r) => r.offender_id, ids),
    ),
    civilOrders: new DataLoader<string, CivilOrderRow[]>(async (ids) =>
      groupBy(
        await ctx.db.query<CivilOrderRow>(
          `SELECT c.*, coalesce(array_agg(b.occurred_on::text ORDER BY b.occurred_on) FILTER (WHERE b.id IS NOT NULL), '{}') AS breaches
           FROM civil_orders c LEFT JOIN civil_order_breaches b ON b.order_id = c.id
           WHERE c.offender_id = ANY($1) GROUP BY c.id ORDER BY c.made_on`,
          [ids],
        ),
        (r) => r.offender_id,
        ids,
      ),
    ),
    wantedMissing: new DataLoader<string, { offender_id: string; kind: string } | null>(async (ids) =>
      indexBy(await ctx.db.query<{ offender_id: string; kind: string }>('SELECT DISTINCT ON (offender_id) offender_id, kind FROM wanted_missing WHERE offender_id = ANY($1) AND to_on IS NULL ORDER BY offender_id, from_on DESC', [ids]), (r) => r.offender_id, ids),
    ),
  };
  return ctx.memo[key] as {
    figures: DataLoader<number, PoliceAnnualFiguresRow[]>;
    notifications: DataLoader<string, NotificationRow[]>;
    custody: DataLoader<string, CustodyRow | null>;
    civilOrders: DataLoader<string, CivilOrderRow[]>;
    wantedMissing: DataLoader<string, { offender_id: string; kind: string } | null>;
  };
}

function userOf(ctx: PoliceContext): User {
  if (ctx.caller.kind !== 'user') throw forbidden('the register as a service');
  return ctx.caller.identity.user;
}

const NOTIFICATION_KINDS = ['RELEASE_FROM_CUSTODY', 'CHANGE_OF_DETAILS', 'ANNUAL', 'FOREIGN_TRAVEL'] as const;
type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const notificationInput = z.object({
  offenderId: id(),
  kind: z.enum(NOTIFICATION_KINDS),
  eventOn: isoDate(),
  notifiedOn: isoDate(),
  councilArea: z.enum(AUTHORITIES).nullish(),
  establishment: z.string().trim().min(2, 'must name the establishment').max(200).nullish(),
  idempotencyKey: idempotencyKey(),
});

/**
 * The last day a notification is in time. Release and changes: within RULES.afterEventDays days
 * after the event; foreign travel: RULES.foreignTravelNoticeDays days before departure; the
 * yearly re-confirmation: within RULES.annualMonths months of the previous notification.
 */
export function notificationDueBy(kind: NotificationKind, eventOn: string, previousNotifiedOn: string | null): string {
  if (kind === 'FOREIGN_TRAVEL') return addDays(eventOn, -RULES.foreignTravelNoticeDays);
  if (kind === 'ANNUAL') {
    const from = previousNotifiedOn ?? eventOn;
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + RULES.annualMonths);
    return d.toISOString().slice(0, 10);
  }
  return addDays(eventOn, RULES.afterEventDays);
}

const toNotification = (r: NotificationRow) => ({
  id: r.id,
  kind: r.kind,
  eventOn: r.event_on,
  notifiedOn: r.notified_on,
  dueBy: r.due_by,
  late: r.late,
  councilArea: r.council_area,
  establishment: r.establishment,
});

async function recordNotification(ctx: PoliceContext, raw: unknown) {
  const user = userOf(ctx);
  if (!canChangeRegister(user)) throw forbidden('register entries');
  const input = parseInput(notificationInput, raw);
  const today = ctx.today();
  if (input.notifiedOn > today) throw badInput('notifiedOn', 'notifiedOn: cannot be in the future.');
  if (input.kind !== 'FOREIGN_TRAVEL' && input.eventOn > input.notifiedOn) throw badInput('eventOn', 'eventOn: a release or change cannot be notified before it happens.');
  if (input.kind === 'RELEASE_FROM_CUSTODY' && !input.councilArea) throw badInput('councilArea', 'councilArea: a release notification gives the address, so its council area is required.');
  return ctx.db.transaction(async (runner) => {
    const [offender] = (await runner.query('SELECT * FROM offenders WHERE id = $1 FOR UPDATE', [input.offenderId])) as OffenderRow[];
    if (!offender) throw appError('NOT_FOUND', `Nominal ${input.offenderId} is not on the register.`, { field: 'offenderId' });
    if (offender.mappa_category !== 1 || !offender.registered_on) throw badInput('offenderId', 'offenderId: only registered sex offenders make notifications.');
    const dueBy = notificationDueBy(input.kind, input.eventOn, offender.last_notified_on ?? offender.registered_on);
    const late = input.notifiedOn > dueBy;
    const inserted = (await runner.query(
      `INSERT INTO rso_notifications (id, offender_id, kind, event_on, notified_on, due_by, late, council_area, establishment, recorded_by, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
      [`RN-${randomUUID()}`, input.offenderId, input.kind, input.eventOn, input.notifiedOn, dueBy, late, input.councilArea ?? null, input.establishment ?? null, user.sub, input.idempotencyKey],
    )) as NotificationRow[];
    if (!inserted[0]) {
      const [first] = (await runner.query('SELECT * FROM rso_notifications WHERE idempotency_key = $1', [input.idempotencyKey])) as NotificationRow[];
      if (first.offender_id !== input.offenderId) throw badInput('idempotencyKey', 'idempotencyKey: already used for another nominal.');
      return toNotification(first);
    }
    const row = inserted[0];
    if (late) {
      await runner.query('INSERT INTO notification_breaches (id, offender_id, occurred_on, notification_id, detail) VALUES ($1, $2, $3, $4, $5)', [
        `NB-${randomUUID()}`,
        input.offenderId,
        input.notifiedOn,
        row.id,
        `${input.kind.toLowerCase().replaceAll('_', ' ')} notified ${input.notifiedOn}, due by ${dueBy}`,
      ]);
    }
    let released = 0;
    if (input.kind === 'RELEASE_FROM_CUSTODY') {
      // An UPDATE answers [rows, affected count].
      [, released] = (await runner.query('UPDATE custody_periods SET to_on = $2 WHERE offender_id = $1 AND to_on IS NULL AND from_on <= $2', [input.offenderId, input.eventOn])) as [unknown[], number];
    }
    // The register keeps the notified address's council area and the last notification date.
    await runner.query(
      `UPDATE offenders SET last_notified_on = greatest(coalesce(last_notified_on, $2::date), $2::date), council_area = coalesce($3, council_area) WHERE id = $1`,
      [input.offenderId, input.notifiedOn, input.councilArea ?? null],
    );
    // The notification is collected; the register entry it updates is altered (both s.62 events).
    await logEvent(runner, {
      event: 'COLLECTION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'RSO_NOTIFICATION',
      recordId: row.id,
      personId: input.offenderId,
      fields: Object.keys(input).filter((k) => k !== 'idempotencyKey' && input[k as keyof typeof input] != null).sort(),
      note: late ? 'late: a notification breach is recorded' : null,
    });
    await logEvent(runner, {
      event: 'ALTERATION',
      actor: user,
      justification: justificationOf(ctx.caller),
      recordType: 'OFFENDER',
      recordId: input.offenderId,
      personId: input.offenderId,
      fields: [...(input.councilArea ? ['councilArea'] : []), ...(released ? ['custody'] : []), 'registration'],
      note: `notification ${row.id}`,
    });
    return toNotification(row);
  });
}

export const annualReturnFeature: PoliceFeature = {
  name: 'annual-return',
  migrations: [CreateAnnualReturnRecords1764400300000],
  demo: policeAnnualDemo,
  resolvers: () => ({
    PoliceAnnualReturn: {
      // Aggregate figures, published by the SOG: any signed-in MAPPA user may read them.
      __resolveReference: (ref: { year: number }, ctx: PoliceContext) => {
        userOf(ctx);
        return { year: ref.year };
      },
      figures: async (r: { year: number }, _: unknown, ctx: PoliceContext) =>
        (await loaders(ctx).figures.load(r.year)).map((f) => ({
          council: f.council,
          rsosAtLiberty: f.rsos_at_liberty,
          mappaNominalsAtLiberty: f.mappa_nominals_at_liberty,
          notificationBreaches: f.notification_breaches,
          wanted: f.wanted,
          missing: f.missing,
          sopos: f.sopos,
          shpos: f.shpos,
          civilOrderBreaches: f.civil_order_breaches,
          recalls: f.recalls,
          furtherSeriousOffences: f.further_serious_offences,
        })),
    },
    Offender: {
      rsoNotifications: async (o: OffenderRow, _: unknown, ctx: PoliceContext) => (await loaders(ctx).notifications.load(o.id)).map(toNotification),
      custody: async (o: OffenderRow, _: unknown, ctx: PoliceContext) => {
        const c = await loaders(ctx).custody.load(o.id);
        return c && { fromOn: c.from_on, toOn: c.to_on, establishment: c.establishment };
      },
      civilOrders: async (o: OffenderRow, _: unknown, ctx: PoliceContext) =>
        (await loaders(ctx).civilOrders.load(o.id)).map((c) => ({ id: c.id, type: c.type, madeOn: c.made_on, expiresOn: c.expires_on, breaches: c.breaches })),
      wantedOrMissing: async (o: OffenderRow, _: unknown, ctx: PoliceContext) => (await loaders(ctx).wantedMissing.load(o.id))?.kind ?? null,
    },
    Mutation: {
      recordRsoNotification: (_: unknown, { input }: { input: unknown }, ctx: PoliceContext) => recordNotification(ctx, input),
    },
  }),
};
