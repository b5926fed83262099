import DataLoader from 'dataloader';
import { Authority } from '../../../schema/domain';
import { Database } from '../../shared/database';
import { groupBy, indexBy } from '../../shared/group';

export interface OffenderRow {
  id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  sex: string;
  mappa_category: number;
  mappa_level: number;
  council_area: Authority;
  responsible_authority: string;
  police_risk_level: string;
  registered_on: string | null;
  notification_period_ends: string | null;
  notification_indefinite: boolean;
  last_notified_on: string | null;
}

export interface CaseHoldingRow {
  case_id: string;
  offender_id: string;
  authority: Authority;
  holding: boolean;
}

export interface PoliceVisitRow {
  id: string;
  offender_id: string;
  visited_on: string;
  type: string;
  outcome: string;
  officer: string;
}

/** Per-request loaders: every relation and `__resolveReference` goes through one batched query. */
export function registerLoaders(db: Database) {
  return {
    offender: new DataLoader<string, OffenderRow | null>(async (ids) => {
      return indexBy(await db.query<OffenderRow>('SELECT * FROM offenders WHERE id = ANY($1)', [ids]), (r) => r.id, ids);
    }),
    /** All case holdings (current and past) for each offender: the routing table to council subgraphs. */
    holdings: new DataLoader<string, CaseHoldingRow[]>(async (ids) =>
      groupBy(
        await db.query<CaseHoldingRow>('SELECT * FROM case_holdings WHERE offender_id = ANY($1) ORDER BY updated_at, case_id', [ids]),
        (r) => r.offender_id,
        ids,
      ),
    ),
    visits: new DataLoader<string, PoliceVisitRow[]>(async (ids) =>
      groupBy(
        await db.query<PoliceVisitRow>('SELECT * FROM police_visits WHERE offender_id = ANY($1) ORDER BY visited_on', [ids]),
        (r) => r.offender_id,
        ids,
      ),
    ),
  };
}
export type RegisterLoaders = ReturnType<typeof registerLoaders>;

export interface OffenderPageQuery {
  first: number;
  afterId: string | null;
  councilArea?: Authority | null;
  mappaLevel?: number | null;
  mappaCategory?: number | null;
  /** Restrict to people this council holds a case for (council staff). */
  heldBy?: Authority | null;
}

/** One page of the register in id order, plus the total, in two statements whatever the page size. */
export async function offenderPage(db: Database, q: OffenderPageQuery): Promise<{ rows: OffenderRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.councilArea) add('o.council_area = ?', q.councilArea);
  if (q.mappaLevel) add('o.mappa_level = ?', q.mappaLevel);
  if (q.mappaCategory) add('o.mappa_category = ?', q.mappaCategory);
  if (q.heldBy) add('EXISTS (SELECT 1 FROM case_holdings h WHERE h.offender_id = o.id AND h.holding AND h.authority = ?)', q.heldBy);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM offenders o ${filter}`, params);
  const pageParams = [...params, q.afterId ?? '', q.first + 1];
  const rows = await db.query<OffenderRow>(
    `SELECT o.* FROM offenders o ${filter ? `${filter} AND` : 'WHERE'} o.id > $${params.length + 1} ORDER BY o.id LIMIT $${params.length + 2}`,
    pageParams,
  );
  return { rows, total };
}

export async function recordCaseHolding(db: Pick<Database, 'query'> | { query(sql: string, params?: unknown[]): Promise<unknown> }, h: CaseHoldingRow): Promise<void> {
  await db.query(
    `INSERT INTO case_holdings (case_id, offender_id, authority, holding) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id) DO UPDATE SET holding = EXCLUDED.holding, updated_at = now()`,
    [h.case_id, h.offender_id, h.authority, h.holding],
  );
}
