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

/**
 * Loads the demo dataset into empty databases; databases that already hold data are left alone.
 * The MAPPA unit's database is checked on its own, so a data directory from before it existed
 * still gets its coordination records.
 */
export async function loadDemoData(dbs: { police: Database; councils: Record<Authority, Database>; coordination?: Database }, data: DemoDataset): Promise<boolean> {
  if (dbs.coordination) {
    const [{ n: referrals }] = await dbs.coordination.query<{ n: number }>('SELECT count(*)::int AS n FROM referrals');
    if (referrals === 0) {
      await dbs.coordination.transaction(async (r) => {
        for (const [table, rows] of Object.entries(data.coordination)) await insertRows(r, table, rows);
      });
    }
  }
  const [{ n }] = await dbs.police.query<{ n: number }>('SELECT count(*)::int AS n FROM offenders');
  if (n > 0) return false;
  await dbs.police.transaction(async (r) => {
    await insertRows(r, 'offenders', data.police.offenders);
    await insertRows(r, 'case_holdings', data.police.holdings);
    await insertRows(r, 'police_visits', data.police.visits);
    for (const [table, rows] of Object.entries(data.police.extra)) await insertRows(r, table, rows);
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
