import { AUTHORITIES, Authority } from '../schema/domain';
import { Database } from '../subgraphs/shared/database';
import { DemoDataset } from './demo-data';

/** One statement per table whatever the row count: PostgreSQL expands a JSON array into rows. */
async function insertRows(db: Database, runner: { query(sql: string, params?: unknown[]): Promise<unknown> }, table: string, rows: object[]) {
  if (rows.length) await runner.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows)]);
}

/** Loads the demo dataset into empty databases; databases that already hold data are left alone. */
export async function loadDemoData(dbs: { police: Database; councils: Record<Authority, Database> }, data: DemoDataset): Promise<boolean> {
  const [{ n }] = await dbs.police.query<{ n: number }>('SELECT count(*)::int AS n FROM offenders');
  if (n > 0) return false;
  await dbs.police.transaction(async (r) => {
    await insertRows(dbs.police, r, 'offenders', data.police.offenders.map((o) => ({ ...o, created_at: new Date().toISOString() })));
    await insertRows(dbs.police, r, 'case_holdings', data.police.holdings.map((h) => ({ ...h, updated_at: new Date().toISOString() })));
    await insertRows(dbs.police, r, 'police_visits', data.police.visits);
  });
  for (const a of AUTHORITIES) {
    const c = data.councils[a];
    const now = new Date().toISOString();
    await dbs.councils[a].transaction(async (r) => {
      await insertRows(dbs.councils[a], r, 'staff', c.staff);
      await insertRows(dbs.councils[a], r, 'cases', c.cases.map((x) => ({ ...x, created_at: now })));
      await insertRows(dbs.councils[a], r, 'risk_assessments', c.assessments.map((x) => ({ ...x, created_at: now })));
      await insertRows(dbs.councils[a], r, 'contacts', c.contacts.map((x) => ({ ...x, created_at: now })));
      await insertRows(dbs.councils[a], r, 'risk_management_plans', c.plans.map((x) => ({ ...x, created_at: now })));
    });
  }
  return true;
}
