import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionNode, FieldDefinitionNode, Kind, parse, print } from 'graphql';
import { AUTHORITIES, Authority } from './domain';
import { authorityNames } from './authorities';

/**
 * Builds every subgraph's SDL from the one area-wide contract (`schema/contract.graphql`).
 * A council type gets the contract's case fields spliced in, so a council cannot forget one,
 * and composition fails if a council SDL were ever edited to drop one (the police interface
 * still demands it).
 */

const CONTRACT_FILE = join(__dirname, 'contract.graphql');
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@shareable", "@requires", "@provides"])';

function contractDefinitions(): readonly DefinitionNode[] {
  return parse(readFileSync(CONTRACT_FILE, 'utf8')).definitions;
}

/** The fields every council case type must expose, as SDL lines. */
export function caseContractFields(): readonly FieldDefinitionNode[] {
  const contract = contractDefinitions().find(
    (d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'CaseContract',
  );
  if (!contract || contract.kind !== Kind.OBJECT_TYPE_DEFINITION || !contract.fields) {
    throw new Error('schema/contract.graphql must define type CaseContract');
  }
  return contract.fields;
}

/** Shared scalars, enums and value types: everything in the contract except CaseContract itself. */
function sharedTypesSdl(): string {
  const contract = contractDefinitions()
    .filter((d) => !(d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'CaseContract'))
    .map((d) => print(d));
  return [...contract, readFileSync(join(__dirname, 'audit-log.graphql'), 'utf8')].join('\n\n');
}

/** Police figures for the annual return: owned by the police, required by the MAPPA unit. */
function policeAnnualFiguresSdl(): string {
  return readFileSync(join(__dirname, 'police-annual-figures.graphql'), 'utf8');
}

function fieldLines(fields: readonly FieldDefinitionNode[], suffix = ''): string {
  return fields.map((f) => `  ${print({ ...f, description: undefined })}${f.name.value === 'id' ? '' : suffix}`).join('\n');
}

const COUNCIL_DIR = join(__dirname, '..', 'subgraphs', 'council');

/** A subgraph's core template followed by every feature's fragment (features/<name>/schema.graphql), in name order. */
function templateWithFeatures(dir: string): string {
  const featuresDir = join(dir, 'features');
  const fragments = existsSync(featuresDir)
    ? readdirSync(featuresDir)
        .sort()
        .map((name) => join(featuresDir, name, 'schema.graphql'))
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file, 'utf8'))
    : [];
  return [readFileSync(join(dir, 'schema.graphql'), 'utf8'), ...fragments].join('\n\n');
}

/** The council SDL: the shared template with this council's names, plus the contract. */
export function councilSdl(authority: Authority): string {
  const names = authorityNames(authority);
  const template = templateWithFeatures(COUNCIL_DIR)
    .replaceAll('__Council__', names.typePrefix)
    .replaceAll('__council__', names.fieldPrefix);
  const caseType = `type ${names.typePrefix}Case @key(fields: "id") {\n${fieldLines(caseContractFields())}\n`;
  return [FEDERATION_LINK, template.replace(`type ${names.typePrefix}Case @key(fields: "id") {\n`, caseType), sharedTypesSdl()].join('\n\n');
}

/**
 * The police SDL: its own register types, plus the `Case` entity interface with one implementation
 * per council. The police subgraph only ever returns `{ __typename, id }` for a case; every other
 * field is @external, so the query planner fetches it from the council that owns the case.
 */
export function policeSdl(): string {
  const template = templateWithFeatures(join(__dirname, '..', 'subgraphs', 'police'));
  const fields = caseContractFields();
  const caseInterface = `"A case held by one council's Criminal Justice Social Work team."\ninterface Case @key(fields: "id") {\n${fieldLines(fields)}\n}`;
  const implementations = AUTHORITIES.map(
    (a) => `type ${authorityNames(a).typePrefix}Case implements Case @key(fields: "id") {\n${fieldLines(fields, ' @external')}\n}`,
  );
  return [FEDERATION_LINK, template, caseInterface, ...implementations, sharedTypesSdl(), policeAnnualFiguresSdl()].join('\n\n');
}

const COORDINATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@shareable", "@requires", "@inaccessible"])';

/**
 * Expands the per-council placeholders of the coordination template. A line starting with
 * `__eachCouncil__` becomes one line per council (`dundee: DundeeAnnualReturn!`, ...); a type
 * whose name starts with `__EachCouncil__` becomes one type per council; inside a `fields: "..."`
 * selection, `__eachCouncil__X { ... }` becomes the three councils' selections.
 */
function expandEachCouncil(template: string): string {
  const names = AUTHORITIES.map((a) => authorityNames(a));
  const perCouncil = (text: string, n: (typeof names)[number]) => text.replaceAll('__eachCouncil__', n.fieldPrefix).replaceAll('__EachCouncil__', n.typePrefix);
  return template
    .replace(/^(?:type|input|enum) __EachCouncil__[^\n]*\{[\s\S]*?^\}/gm, (block) => names.map((n) => perCouncil(block, n)).join('\n\n'))
    .split('\n')
    .flatMap((line) => {
      if (/^\s*__eachCouncil__/.test(line)) return names.map((n) => perCouncil(line, n));
      return [line.replace(/__eachCouncil__(\w*)(\s*\{[^{}]*\})?/g, (_m, rest: string, braces = '') => names.map((n) => `${n.fieldPrefix}${rest}${braces}`).join(' '))];
    })
    .join('\n');
}

/** The MAPPA unit's coordination subgraph: its own records plus the shared contract types it refers to. */
export function coordinationSdl(): string {
  const template = expandEachCouncil(templateWithFeatures(join(__dirname, '..', 'subgraphs', 'coordination')));
  return [COORDINATION_LINK, template, sharedTypesSdl(), policeAnnualFiguresSdl()].join('\n\n');
}
