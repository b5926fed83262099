import DataLoader from 'dataloader';
import { RiskLevel } from '../../../schema/domain';
import { Database } from '../../shared/database';
import { groupBy, indexBy } from '../../shared/group';

export interface StaffRow {
  id: string;
  name: string;
  role: string;
}

export interface CaseRow {
  id: string;
  offender_id: string;
  case_manager_id: string;
  order_type: string;
  start_date: string;
  end_date: string | null;
  status: 'OPEN' | 'TRANSFERRED_OUT' | 'CLOSED';
  mappa_level: number;
  initial_risk_level: RiskLevel;
  transferred_from_case_id: string | null;
  version: number;
  /** Facts for risk-tool eligibility (features/risk-tools); null = not recorded. Present on rows read from `cases`, not from the case_overview view. */
  subject_sex?: 'MALE' | 'FEMALE' | null;
  subject_date_of_birth?: string | null;
  index_offence_sexual?: boolean | null;
  /** Derived by the case_overview view from the latest assessment. */
  risk_level: RiskLevel;
}

export interface AssessmentRow {
  id: string;
  case_id: string;
  tool: string;
  tool_result: string;
  risk_level: RiskLevel;
  assessed_on: string;
  assessor_id: string;
  next_review_due: string | null;
}

export interface ContactRow {
  id: string;
  case_id: string;
  occurred_on: string;
  type: string;
  outcome: string;
  staff_id: string;
  joint_with_police: boolean;
  notes: string | null;
}

export interface PlanRow {
  id: string;
  case_id: string;
  version: number;
  status: string;
  review_date: string;
  approved_by: string | null;
}

/** Per-request loaders: relations and `__resolveReference` batch into one statement each. */
export function caseLoaders(db: Database) {
  return {
    case: new DataLoader<string, CaseRow | null>(async (ids) =>
      indexBy(await db.query<CaseRow>('SELECT * FROM case_overview WHERE id = ANY($1)', [ids]), (r) => r.id, ids),
    ),
    staff: new DataLoader<string, StaffRow | null>(async (ids) =>
      indexBy(await db.query<StaffRow>('SELECT * FROM staff WHERE id = ANY($1)', [ids]), (r) => r.id, ids),
    ),
    assessments: new DataLoader<string, AssessmentRow[]>(async (ids) =>
      groupBy(
        await db.query<AssessmentRow>('SELECT * FROM risk_assessments WHERE case_id = ANY($1) ORDER BY assessed_on, created_at', [ids]),
        (r) => r.case_id,
        ids,
      ),
    ),
    contacts: new DataLoader<string, ContactRow[]>(async (ids) =>
      groupBy(
        await db.query<ContactRow>('SELECT * FROM contacts WHERE case_id = ANY($1) ORDER BY occurred_on, created_at', [ids]),
        (r) => r.case_id,
        ids,
      ),
    ),
    /** The plan in force: the newest approved version, else the newest draft. */
    currentPlan: new DataLoader<string, PlanRow | null>(async (ids) =>
      indexBy(
        await db.query<PlanRow>(
          `SELECT DISTINCT ON (case_id) * FROM risk_management_plans WHERE case_id = ANY($1)
           ORDER BY case_id, (status = 'APPROVED') DESC, version DESC`,
          [ids],
        ),
        (r) => r.case_id,
        ids,
      ),
    ),
  };
}
export type CaseLoaders = ReturnType<typeof caseLoaders>;

export interface CaseloadQuery {
  /** Page size; null = every matching case (used when flags, computed in code, filter the list). */
  first: number | null;
  after: { startDate: string; id: string } | null;
  riskLevel?: RiskLevel | null;
  mappaLevel?: number | null;
  caseManagerId?: string | null;
  status?: string | null;
}

/** Newest case first; keyset pagination on (start_date, id) so pages are stable under inserts. */
export async function caseloadPage(db: Database, q: CaseloadQuery): Promise<{ rows: CaseRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      params.push(v);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (q.riskLevel) add('risk_level = ?', q.riskLevel);
  if (q.mappaLevel) add('mappa_level = ?', q.mappaLevel);
  if (q.caseManagerId) add('case_manager_id = ?', q.caseManagerId);
  if (q.status) add('status = ?', q.status);
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM case_overview ${filter}`, params);
  if (q.after) add('(start_date, id) < (?::date, ?)', q.after.startDate, q.after.id);
  let limit = '';
  if (q.first !== null) {
    params.push(q.first + 1);
    limit = `LIMIT $${params.length}`;
  }
  const rows = await db.query<CaseRow>(
    `SELECT * FROM case_overview ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_date DESC, id DESC ${limit}`,
    params,
  );
  return { rows, total };
}
