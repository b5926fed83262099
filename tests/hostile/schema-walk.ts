import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  IntrospectionQuery,
} from 'graphql';
import { postGraphQL } from './hostile-support';

/**
 * Walks the public schema, as a development-mode gateway introspects it, so hostile tests cover
 * every argument that exists today and every one added later, without a hand-kept list.
 */

export async function publicSchema(devGatewayUrl: string, token: string): Promise<GraphQLSchema> {
  const res = await postGraphQL(devGatewayUrl, { query: getIntrospectionQuery() }, token);
  if (res.status !== 200 || !res.json?.data) throw new Error(`introspection failed: ${res.status} ${res.text.slice(0, 300)}`);
  return buildClientSchema(res.json.data as IntrospectionQuery);
}

/** A string-typed leaf somewhere in a root field's arguments: the argument, then input fields. */
export interface StringPosition {
  path: string[];
  scalar: 'String' | 'ID';
}

export interface KnownIds {
  caseId: string;
  offenderId: string;
  staffId: string;
  /** Real ids for other argument names (meetingId, referralId, ...), so a probe gets past "not found". */
  byName?: Record<string, string>;
}

const isStringLeaf = (type: GraphQLInputType) => {
  const named = getNamedType(type);
  return isScalarType(named) && (named.name === 'String' || named.name === 'ID');
};

/** Every String/ID leaf reachable from a field's arguments (input objects followed, cycles cut). */
export function stringPositions(field: GraphQLField<unknown, unknown>): StringPosition[] {
  const out: StringPosition[] = [];
  const walk = (type: GraphQLInputType, path: string[], seen: Set<string>) => {
    const named = getNamedType(type);
    if (isStringLeaf(type)) out.push({ path, scalar: named.name as 'String' | 'ID' });
    else if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const f of Object.values(named.getFields())) walk(f.type, [...path, f.name], new Set([...seen, named.name]));
    }
  };
  for (const arg of field.args) walk(arg.type, [arg.name], new Set());
  return out;
}

/** Every Int leaf reachable from a field's arguments. */
export function intPositions(field: GraphQLField<unknown, unknown>): string[][] {
  const out: string[][] = [];
  const walk = (type: GraphQLInputType, path: string[], seen: Set<string>) => {
    const named = getNamedType(type);
    if (isScalarType(named) && named.name === 'Int') out.push(path);
    else if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const f of Object.values(named.getFields())) walk(f.type, [...path, f.name], new Set([...seen, named.name]));
    }
  };
  for (const arg of field.args) walk(arg.type, [arg.name], new Set());
  return out;
}

let serial = 0;

/** A plausible value for an argument or input field, by type and (for ids) by name. */
function benignLeaf(name: string, named: GraphQLNamedType, fieldName: string, ids: KnownIds): unknown {
  if (isEnumType(named)) return named.getValues()[0].value;
  switch (named.name) {
    case 'Int':
      return name === 'first' || name === 'last' ? 5 : name === 'year' ? 2025 : 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'Date':
      return '2026-11-20';
    case 'DateTime':
      return '2026-11-20T10:00:00Z';
    case 'ID':
    case 'String':
      if (/idempotencyKey/i.test(name)) return `hostile-${process.pid}-${++serial}`;
      if (ids.byName?.[name]) return ids.byName[name];
      if (/offenderIds?$/i.test(name)) return ids.offenderId;
      if (/caseIds?$/i.test(name)) return ids.caseId;
      if (/(staff|assessor|caseManager|staffMember|approvedBy|auditor|reviewer|officer|manager)(Member)?Ids?$/i.test(name)) return ids.staffId;
      if (name === 'id') return /offender/i.test(fieldName) ? ids.offenderId : ids.caseId;
      return named.name === 'ID' ? 'X-000001' : 'hostile test text';
    default:
      return 'x';
  }
}

/**
 * A value for `type` with every required part filled benignly, and `override` (a path below this
 * value) set to a chosen value; optional parts off the path are left out.
 */
function buildValue(type: GraphQLInputType, name: string, fieldName: string, ids: KnownIds, override?: { path: string[]; value: unknown }): unknown {
  if (override && override.path.length === 0) return override.value;
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [buildValue(nullable.ofType, name, fieldName, ids, override)];
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const f of Object.values(nullable.getFields()) as GraphQLInputField[]) {
      const onPath = override?.path[0] === f.name;
      if (onPath) value[f.name] = buildValue(f.type, f.name, fieldName, ids, { path: override!.path.slice(1), value: override!.value });
      else if (isNonNullType(f.type) && f.defaultValue === undefined) value[f.name] = buildValue(f.type, f.name, fieldName, ids);
    }
    return value;
  }
  return benignLeaf(name, getNamedType(type), fieldName, ids);
}

/** A selection that reads scalars down to `depth` levels (enough to see ids leak), or nothing for a leaf. */
export function selectionFor(type: GraphQLNamedType, depth = 2): string {
  if (isScalarType(type) || isEnumType(type)) return '';
  if (isUnionType(type) || isInterfaceType(type)) {
    const possible = isUnionType(type) ? type.getTypes() : [];
    return `{ __typename ${possible.map((p) => `... on ${p.name} ${selectionFor(p, depth)}`).join(' ')} }`;
  }
  if (!isObjectType(type)) return '';
  const parts = ['__typename'];
  for (const f of Object.values(type.getFields())) {
    if (f.args.some((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(f.type);
    if (isScalarType(named) || isEnumType(named)) parts.push(f.name);
    else if (depth > 0) parts.push(`${f.name} ${selectionFor(named, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

/**
 * One operation calling `field` with every required argument filled benignly (and `override`
 * placing a chosen value at one argument path), as variables.
 */
export function benignArguments(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  ids: KnownIds,
  override?: { path: string[]; value: unknown },
  depth = 2,
): { operation: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const defs: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    const onPath = override?.path[0] === arg.name;
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!onPath && !required) continue;
    variables[arg.name] = buildValue(arg.type, arg.name, field.name, ids, onPath ? { path: override!.path.slice(1), value: override!.value } : undefined);
    defs.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  const selection = selectionFor(getNamedType(field.type), depth);
  const operation = `${kind} Probe${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${selection} }`;
  return { operation, variables };
}
