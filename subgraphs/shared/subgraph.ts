import { KeyObject } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { ApolloServer, ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { DocumentNode, GraphQLError } from 'graphql';
import { appError, maskError } from '../../schema/errors';
import { bearer, InternalCaller, OneTimeTokens, verifyInternalToken } from '../../schema/tokens';
import { attachAuditTrail, auditPlugin, AuditedType, auditRecordFields, AuditTrail, Queryable } from './audit-log';
import { RunningServer, sendJson, serveApollo } from './http';

/**
 * Builds any data owner's subgraph server. Every request, `_entities` and `_service` included,
 * must carry an internal token that the gateway (or, for named service calls, a trusted peer)
 * signed for this subgraph's audience. Nothing a client sends as an identity header is read.
 */
export interface SubgraphOptions<C extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  /** Accepted token issuers → their public keys. */
  trustedIssuers: ReadonlyMap<string, KeyObject>;
  /** Builds the per-request context (DataLoaders live here) for a verified caller. */
  context: (caller: InternalCaller) => C;
  /** Cap on representations per `_entities` call: the gateway batches, so a huge list is hostile. */
  maxRepresentations: number;
  port: number;
  host?: string;
  health?: () => Promise<Record<string, unknown>>;
  /**
   * The s.62 log of this data owner (audit-log.ts): every field read of the `records` types is
   * written to `db` before the response leaves, or the response is withheld. Every subgraph that
   * serves personal data must set it.
   */
  audit: { db: Queryable; owner: string; records: readonly AuditedType[] };
}

function representationCap(max: number): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const reps = request.variables?.representations;
          if (Array.isArray(reps) && reps.length > max) {
            throw appError('BAD_USER_INPUT', `At most ${max} representations per request.`, { field: 'representations', http: { status: 400 } });
          }
        },
      };
    },
  };
}

export async function startSubgraph<C extends BaseContext>(options: SubgraphOptions<C>): Promise<RunningServer> {
  const schema = buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> });
  if (options.audit) auditRecordFields(schema, options.audit.records);
  const server = new ApolloServer<C>({
    schema,
    // Set explicitly rather than inferred from NODE_ENV (a known Apollo pitfall).
    introspection: false,
    includeStacktraceInErrorResponses: false,
    formatError: maskError,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Inline traces would hand resolver timings to whoever calls; the gateway does not need them.
    plugins: [representationCap(options.maxRepresentations) as ApolloServerPlugin<C>, ApolloServerPluginInlineTraceDisabled() as ApolloServerPlugin<C>, auditPlugin<C>()],
  });
  await server.start();
  const oneTime = new OneTimeTokens();
  const authenticate = async (req: IncomingMessage): Promise<C> => {
    const token = bearer(req.headers.authorization);
    const verified = token ? verifyInternalToken(token, options.name, options.trustedIssuers) : null;
    const caller = verified && oneTime.use(token!) ? verified : null;
    if (!caller) {
      throw new GraphQLError('Authentication required.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    const context = options.context(caller);
    if (options.audit) attachAuditTrail(context, new AuditTrail(options.audit.db, options.audit.owner, caller));
    return context;
  };
  return serveApollo(server, {
    port: options.port,
    host: options.host,
    maxBodyBytes: 2 * 1024 * 1024,
    context: authenticate,
    routes: [
      async (req, res) => {
        if (req.url !== '/health') return false;
        sendJson(res, 200, { service: options.name, status: 'ok', ...(options.health ? await options.health() : {}) });
        return true;
      },
    ],
  });
}
