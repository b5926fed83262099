/**
 * The SOG table as CSV, for the annual report. Pure, so the route and the tests share it.
 * Cells a spreadsheet would read as a formula are prefixed with an apostrophe (CSV injection);
 * missing figures (an owner that did not answer) are left empty, never written as 0.
 */

import type { SogRow } from '../../subgraphs/coordination/rules';

/** A row of the SOG table as the coordination subgraph computes it, without the routing key. */
export type SogCsvRow = Omit<SogRow, 'authority'>;

export interface SogCsvTable {
  label: string;
  periodEnd: string;
  rows: SogCsvRow[];
  notes: string[];
}

/** Column heading and value, in the order the SOG table is read. */
export const SOG_COLUMNS: ReadonlyArray<[string, keyof SogCsvRow]> = [
  ['Area', 'area'],
  ['Population (mid-year estimate)', 'population'],
  ['RSOs at liberty on 31 March', 'rsosAtLiberty'],
  ['RSOs per 100,000 population', 'rsosPer100k'],
  ['MAPPA Level 1', 'level1'],
  ['MAPPA Level 2', 'level2'],
  ['MAPPA Level 3', 'level3'],
  ['Notification breaches', 'notificationBreaches'],
  ['Wanted', 'wanted'],
  ['Missing', 'missing'],
  ['SOPOs in force', 'sopos'],
  ['SHPOs in force', 'shpos'],
  ['Breaches of SOPO/SHPO', 'civilOrderBreaches'],
  ['On statutory supervision', 'statutorySupervision'],
  ['Recalls to custody', 'recalls'],
  ['Further serious offences', 'furtherSeriousOffences'],
];

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value !== 'number') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function sogTableCsv(table: SogCsvTable): string {
  const lines = [
    [`MAPPA annual return ${table.label}`, `as at ${table.periodEnd}`].map(csvCell).join(','),
    SOG_COLUMNS.map(([heading]) => csvCell(heading)).join(','),
    ...table.rows.map((row) => SOG_COLUMNS.map(([, key]) => csvCell(row[key])).join(',')),
    '',
    ...table.notes.map((note) => csvCell(`Note: ${note}`)),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
