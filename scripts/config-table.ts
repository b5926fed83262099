/**
 * `npx tsx scripts/config-table.ts`: prints the configuration reference for the README as a Markdown
 * table, read from the typed config specs themselves, so the documentation cannot drift from what
 * the services actually read. A variable several services read with the same meaning and default
 * (KEYS_DIR on the subgraphs, say) is one row naming them all.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayConfigSpec } from '../gateway/config';
import { authorityNames } from '../schema/authorities';
import { ConfigSpec } from '../schema/config';
import { AUTHORITIES } from '../schema/domain';
import { councilSelectorSpec } from '../subgraphs/council/index';
import { coordinationConfigSpec, councilConfigSpec, policeConfigSpec } from '../subgraphs/shared/service-config';
import { keysConfigSpec } from './generate-keys';

/** Every service's spec, in the order the table lists them. */
export function serviceSpecs(): Array<{ service: string; spec: ConfigSpec }> {
  return [
    { service: 'gateway', spec: gatewayConfigSpec },
    { service: 'police', spec: policeConfigSpec },
    ...AUTHORITIES.map((a) => ({ service: authorityNames(a).serviceName, spec: { ...councilSelectorSpec, ...councilConfigSpec(a) } as ConfigSpec })),
    { service: 'coordination', spec: coordinationConfigSpec },
    { service: 'keys', spec: keysConfigSpec },
  ];
}

export interface ConfigRow {
  env: string;
  services: string[];
  /** The default as the variable would be written; undefined when there is none. */
  default: string | undefined;
  required: boolean;
  doc: string;
}

export function configRows(specs = serviceSpecs()): ConfigRow[] {
  const rows = new Map<string, ConfigRow>();
  for (const { service, spec } of specs) {
    for (const k of Object.values(spec)) {
      const required = k.default === undefined && !k.schema.safeParse(undefined).success;
      const id = JSON.stringify([k.env, k.default ?? null, required, k.doc]);
      const row = rows.get(id);
      if (row) {
        if (!row.services.includes(service)) row.services.push(service);
      } else rows.set(id, { env: k.env, services: [service], default: k.default, required, doc: k.doc });
    }
  }
  return [...rows.values()];
}

/** Text safe inside a Markdown table cell: no column breaks, no accidental HTML (<kid>). */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

/** Inline code that survives any backticks in the value. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text.replace(/\|/g, '\\|')}${fence}`;
}

export function configTable(rows = configRows()): string {
  const lines = ['| Variable | Service | Default | Meaning |', '| --- | --- | --- | --- |'];
  for (const r of rows) {
    const def = r.default !== undefined ? code(r.default) : r.required ? '*(required)*' : '*(unset)*';
    lines.push(`| ${code(r.env)} | ${cell(r.services.join(', '))} | ${def} | ${cell(r.doc)} |`);
  }
  return lines.join('\n');
}

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** README.md with its configuration section replaced by the current table. */
export function readmeWithTable(readme: string, table = configTable()): string {
  const [before, rest] = readme.split(START);
  const [, after] = rest.split(END);
  return `${before}${START}\n${table}\n${END}${after}`;
}

if (require.main === module) {
  if (process.argv.includes('--write')) {
    const file = join(__dirname, '..', 'README.md');
    writeFileSync(file, readmeWithTable(readFileSync(file, 'utf8')));
    console.log(`updated ${file}`);
  } else console.log(configTable());
}
