import { KeyObject } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { ApolloServer, ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway, GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import { appError, maskError } from '../schema/errors';
import { RequestIdentity } from '../schema/identity';
import { bearer, signInternalToken, UserTokenOptions, verifyUserToken } from '../schema/tokens';
import { RunningServer, Route, sendJson, serveApollo } from '../subgraphs/shared/http';
import { RateLimiter } from './rate-limit';

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
}

const SERVICE_LABELS: Record<string, string> = {
  police: 'Police register',
  dundee: 'Dundee City council',
  angus: 'Angus council',
  'perth-and-kinross': 'Perth & Kinross council',
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

  override didEncounterError(): void {
    throw appError('SERVICE_UNAVAILABLE', `${SERVICE_LABELS[this.serviceName] ?? this.serviceName} is unavailable; its data is missing from this answer.`, {
      service: this.serviceName,
    });
  }
}

/** Same generic answer for every authentication failure, with HTTP 401. */
const unauthenticated = () => new GraphQLError('Authentication required.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name];
      if (!url) throw new Error(`No URL configured for subgraph ${name}`);
      return new SubgraphDataSource(name, url, options.gatewayKey, options.subgraphTimeoutMs);
    },
  });
  const armor = new ApolloArmor({
    maxDepth: { n: 12 },
    maxAliases: { n: 15 },
    maxDirectives: { n: 20 },
    maxTokens: { n: 2000 },
    costLimit: { maxCost: 20000 },
    blockFieldSuggestion: { enabled: true },
  }).protect();
  const limiter = new RateLimiter(options.rateLimitPerMinute);
  const rateLimit: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }: GraphQLRequestContext<GatewayContext>) {
      const retryAfter = limiter.take(contextValue.identity.user.sub);
      if (retryAfter !== null) throw appError('RATE_LIMITED', 'Too many requests.', { retryAfterSeconds: retryAfter, http: { status: 429 } });
    },
  };
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.devMode,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError: maskError,
    validationRules: armor.validationRules,
    plugins: [...(armor.plugins as ApolloServerPlugin<GatewayContext>[]), rateLimit, ...(options.devMode ? [] : [ApolloServerPluginLandingPageDisabled()])],
  });
  await server.start();
  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    const token = bearer(req.headers.authorization);
    const user = token ? verifyUserToken(token, options.userTokens) : null;
    if (!user) throw unauthenticated();
    const justification = req.headers['x-justification'];
    return { identity: { user, justification: typeof justification === 'string' && justification.trim() ? justification.trim().slice(0, 500) : null } };
  };
  const health: Route = async (req, res) => {
    if (req.url !== '/health') return false;
    const subgraphs = await Promise.all(
      Object.entries(options.subgraphUrls).map(async ([name, url]) => {
        try {
          const r = await fetch(url.replace(/\/graphql$/, '/health'), { signal: AbortSignal.timeout(2000) });
          return [name, r.ok ? 'ok' : 'failing'];
        } catch {
          return [name, 'unreachable'];
        }
      }),
    );
    const all = Object.fromEntries(subgraphs);
    sendJson(res, 200, { status: Object.values(all).every((s) => s === 'ok') ? 'ok' : 'degraded', subgraphs: all });
    return true;
  };
  return serveApollo(server, {
    port: options.port,
    host: options.host,
    maxBodyBytes: options.maxBodyBytes,
    context,
    routes: [health, ...(options.routes ?? [])],
  });
}
