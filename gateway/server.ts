import { KeyObject } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { ApolloServer, ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { ArgumentNode, DocumentNode, FieldNode, GraphQLError, GraphQLSchema, Kind, OperationDefinitionNode, TypeInfo, validate, valueFromASTUntyped, visit, visitWithTypeInfo } from 'graphql';
import { appError, maskError, ERROR_CODES, ErrorCode } from '../schema/errors';
import { RequestIdentity } from '../schema/identity';
import { bearer, signInternalToken, UserTokenOptions, verifyUserToken } from '../schema/tokens';
import { RunningServer, Route, sendJson, serveApollo } from '../subgraphs/shared/http';
import { RateLimiter } from './rate-limit';
import { probeSubgraphs, standardVersionFlag, standardVersionReport } from './standard-version';

export interface GatewayContext {
  identity: RequestIdentity;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Subgraph name → URL; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<string, string>;
  userTokens: UserTokenOptions;
  /** Signs the per-subgraph internal tokens. */
  gatewayKey: KeyObject;
  port: number;
  host?: string;
  devMode: boolean;
  subgraphTimeoutMs: number;
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  routes?: Route[];
  /** Where start-up warnings go (default: a process warning, printed by Node). */
  warn?: (message: string) => void;
}

const SERVICE_LABELS: Record<string, string> = {
  police: 'Police register',
  dundee: 'Dundee City council',
  angus: 'Angus council',
  'perth-and-kinross': 'Perth & Kinross council',
  coordination: 'MAPPA co-ordination',
};

/**
 * Calls one subgraph with an internal token minted for it alone (audience = subgraph name),
 * a timeout, and errors that name the service but never its URL.
 */
class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(private readonly serviceName: string, url: string, private readonly key: KeyObject, timeoutMs: number) {
    super({
      url,
      fetcher: (input, init) => fetch(input as string, { ...(init as RequestInit), signal: AbortSignal.timeout(timeoutMs) }) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const identity = (context as Partial<GatewayContext>).identity;
    // Only ever the gateway's own token: client headers are not forwarded at all.
    if (identity) request.http?.headers.set('authorization', `Bearer ${signInternalToken(identity, this.serviceName, this.key)}`);
  }

  /**
   * A subgraph that answered with a GraphQL error body (e.g. 400 for a variable it could not
   * coerce, such as the date 2026-02-30) gets its own coded error passed on, minus the URL and
   * response details; only a subgraph that did not answer usefully is reported unavailable.
   */
  override didEncounterError(error: Error): void {
    const body = (error as GraphQLError).extensions?.response as { body?: { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> } } | undefined;
    const first = body?.body?.errors?.[0];
    const code = first?.extensions?.code;
    if (first?.message && typeof code === 'string' && code in ERROR_CODES && code !== 'INTERNAL_SERVER_ERROR') {
      const { code: _c, stacktrace: _s, ...rest } = first.extensions ?? {};
      // graphql-js names the offending input only in its message: 'Variable "$input" got invalid value … at "input.startDate"'.
      const at = /got invalid value .* at "[^".]+\.([^"]+)"/.exec(first.message)?.[1];
      throw appError(code as ErrorCode, first.message, { ...(at && !rest.field ? { field: at } : {}), ...rest, service: this.serviceName });
    }
    throw appError('SERVICE_UNAVAILABLE', `${SERVICE_LABELS[this.serviceName] ?? this.serviceName} is unavailable; its data is missing from this answer.`, {
      service: this.serviceName,
    });
  }
}

/** Same generic answer for every authentication failure, with HTTP 401. */
const unauthenticated = () => new GraphQLError('Authentication required.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

/**
 * Operation limits, measured against the demo data (tests/hostile/query-limits.test.ts). With
 * graphql-armor's weights and real page sizes, the heaviest legitimate operations are the register
 * page of 200 people with each case summary and its compliance (cost about 31,000, depth 6) and a
 * caseload page of 200 (about 21,000); a MAPPA meeting pack with every person's full case content
 * costs about 2,100 at depth 8; the co-ordinator's list about 120. The cost limit is about twice
 * the heaviest page, so the same page fetched three times over under aliases is refused.
 */
export const GATEWAY_LIMITS = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2000,
  /** graphql-armor cost units, counted with the page sizes actually requested (see `pageSizesInlined`). */
  maxCost: 60_000,
} as const;

/** graphql-armor's default weights, so cost figures stay comparable with its documentation. */
const COST_WEIGHTS = { objectCost: 2, scalarCost: 1, depthCostFactor: 1.5 } as const;

const argument = (name: string, value: number): ArgumentNode => ({
  kind: Kind.ARGUMENT,
  name: { kind: Kind.NAME, value: name },
  value: { kind: Kind.INT, value: String(value) },
});

/**
 * graphql-armor only multiplies a list's cost by `first` when `first` is written as a literal, so
 * `offenders(first: $n)` or an omitted `first` (schema default 50) would cost as one row. This
 * copy of the operation writes every page size in as the literal the subgraph will actually use.
 */
export function pageSizesInlined(document: DocumentNode, schema: GraphQLSchema, variables: Record<string, unknown> = {}): DocumentNode {
  const defaults = new Map<string, unknown>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of (def as OperationDefinitionNode).variableDefinitions ?? []) {
      if (v.defaultValue) defaults.set(v.variable.name.value, valueFromASTUntyped(v.defaultValue));
    }
  }
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const size = typeInfo.getFieldDef()?.args.find((a) => a.name === 'first' || a.name === 'last');
        if (!size) return undefined;
        const given = node.arguments?.find((a) => a.name.value === size.name);
        let value: unknown = size.defaultValue;
        if (given?.value.kind === Kind.VARIABLE) {
          const name = given.value.name.value;
          value = variables[name] ?? defaults.get(name) ?? size.defaultValue;
        } else if (given) return undefined;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return undefined;
        return { ...node, arguments: [...(node.arguments ?? []).filter((a) => a !== given), argument(size.name, value)] };
      },
    }),
  );
}

/** The cost check, run once the variables are known, with graphql-armor's own cost rule. */
function costLimit(maxCost: number): ApolloServerPlugin<GatewayContext> {
  const off = { enabled: false };
  const { validationRules } = new ApolloArmor({
    costLimit: { ...COST_WEIGHTS, maxCost },
    maxDepth: off,
    maxAliases: off,
    maxDirectives: off,
    maxTokens: off,
    blockFieldSuggestion: off,
  }).protect();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, request }) {
          const [error] = validate(schema, pageSizesInlined(document, schema, request.variables ?? {}), validationRules);
          if (error) throw new GraphQLError(error.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
        },
      };
    },
  };
}

/** Queries arrive as POST only: a GET puts the operation and its variables (names, ids) into URLs and logs. */
const postOnly: Route = (req, res) => {
  if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql' || req.method === 'POST') return false;
  res.setHeader('allow', 'POST');
  sendJson(res, 405, { errors: [{ message: 'Send GraphQL operations as POST.', extensions: { code: 'BAD_REQUEST' } }] });
  return true;
};

export interface GatewayServer extends RunningServer {
  /** Contact-standard versions the subgraphs reported when the gateway started. */
  startupVersions: ReturnType<typeof standardVersionReport>;
}

export async function startGateway(options: GatewayOptions): Promise<GatewayServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SubgraphDataSource(name, url, options.gatewayKey, options.subgraphTimeoutMs);
    },
  });
  const armor = new ApolloArmor({
    maxDepth: { n: GATEWAY_LIMITS.maxDepth },
    maxAliases: { n: GATEWAY_LIMITS.maxAliases },
    maxDirectives: { n: GATEWAY_LIMITS.maxDirectives },
    // Replaced: tokens by graphql-js's own parser limit (armor's answers HTTP 500), cost by a
    // check that sees the variables, suggestions by `maskError` (armor's misses enum values).
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.devMode,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // Nobody uses automatic persisted queries; left on, anyone could fill the server's query cache.
    persistedQueries: false,
    parseOptions: { maxTokens: GATEWAY_LIMITS.maxTokens },
    formatError: maskError,
    validationRules: armor.validationRules,
    plugins: [
      ...(armor.plugins as ApolloServerPlugin<GatewayContext>[]),
      costLimit(GATEWAY_LIMITS.maxCost),
      standardVersionFlag as ApolloServerPlugin<GatewayContext>,
      ...(options.devMode ? [] : [ApolloServerPluginLandingPageDisabled()]),
    ],
  });
  await server.start();
  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    const token = bearer(req.headers.authorization);
    const user = token ? verifyUserToken(token, options.userTokens) : null;
    if (!user) throw unauthenticated();
    // Checked here rather than in a plugin: an error thrown from a plugin's requestDidStart becomes a 500.
    const retryAfter = limiter.take(user.sub);
    if (retryAfter !== null) {
      throw appError('RATE_LIMITED', 'Too many requests.', {
        retryAfterSeconds: retryAfter,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
      });
    }
    const justification = req.headers['x-justification'];
    return { identity: { user, justification: typeof justification === 'string' && justification.trim() ? justification.trim().slice(0, 500) : null } };
  };
  const health: Route = async (req, res) => {
    if (req.url !== '/health') return false;
    const probes = await probeSubgraphs(options.subgraphUrls);
    const all = Object.fromEntries(Object.entries(probes).map(([name, p]) => [name, p.status]));
    sendJson(res, 200, { status: Object.values(all).every((s) => s === 'ok') ? 'ok' : 'degraded', subgraphs: all, ...standardVersionReport(probes) });
    return true;
  };
  // Reported at start-up: a council on another contact standard is a configuration error to fix.
  const startupVersions = standardVersionReport(await probeSubgraphs(options.subgraphUrls));
  if (startupVersions.standardVersionMismatch.length) {
    (options.warn ?? ((m: string) => process.emitWarning(m, 'StandardVersionMismatch')))(
      `Contact standard mismatch: ${startupVersions.standardVersionMismatch.map((n) => `${n} runs ${startupVersions.standardVersions[n]}`).join(', ')}; the area-wide standard is ${startupVersions.areaStandardVersion}. Their results are flagged.`,
    );
  }
  const running = await serveApollo(server, {
    port: options.port,
    host: options.host,
    maxBodyBytes: options.maxBodyBytes,
    context,
    routes: [health, ...(options.routes ?? []), ...(options.devMode ? [] : [postOnly])],
  });
  return { ...running, startupVersions };
}
