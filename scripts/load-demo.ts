import { AUTHORITIES, Authority } from '../schema/domain';
import { Database } from '../subgraphs/shared/database';
import { DemoDataset } from './demo-data';

/**
 * One statement per table whatever the row count: PostgreSQL expands a JSON array into rows.
 * Only the columns the rows carry are inserted, so column defaults (created_at, ...) apply.
 */
async function insertRows(runner: { query(sql: string, params?: unknown[]): Promise<unknown> }, table: string, rows: object[]) {
  if (!rows.length) return;
  const columns = Object.keys(rows[0]).join(', ');
  await runner.query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows)]);
}

/** Loads the demo dataset into empty databases; databases that already hold data are left alone. */
export async function loadDemoData(dbs: { police: Database; councils: Record<Authority, Database> }, data: DemoDataset): Promise<boolean> {
  const [{ n }] = await dbs.police.query<{ n: number }>('SELECT count(*)::int AS n FROM offenders');
  if (n > 0) return false;
  await dbs.police.transaction(async (r) => {
    await insertRows(r, 'offenders', data.police.offenders);
    await insertRows(r, 'case_holdings', data.police.holdings);
    await insertRows(r, 'police_visits', data.police.visits);
  });
  for (const a of AUTHORITIES) {
    const c = data.councils[a];
    await dbs.councils[a].transaction(async (r) => {
      await insertRows(r, 'staff', c.staff);
      await insertRows(r, 'cases', c.cases);
      await insertRows(r, 'risk_assessments', c.assessments);
      await insertRows(r, 'contacts', c.contacts);
      await insertRows(r, 'risk_management_plans', c.plans);
      for (const [table, rows] of Object.entries(c.extra)) await insertRows(r, table, rows);
    });
  }
  return true;
}
