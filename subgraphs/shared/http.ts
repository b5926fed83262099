import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer, BaseContext, HeaderMap } from '@apollo/server';
import { DocumentNode, FieldNode, GraphQLError, Kind, parse, visit } from 'graphql';

/**
 * A small node:http integration for Apollo Server (the documented `executeHTTPGraphQLRequest`
 * route), shared by the gateway and every subgraph. Owning it lets us cap the body size before
 * parsing, add plain routes (health, the dashboard) and listen on port 0 in tests.
 */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface HttpOptions<C extends BaseContext> {
  port: number;
  host?: string;
  maxBodyBytes: number;
  context: (req: IncomingMessage) => Promise<C>;
  routes?: Route[];
}

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

class BodyTooLarge extends Error {}

const refused = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { ...extensions, code: 'BAD_USER_INPUT', http: { status: 400 } } });

/**
 * A NUL character, written as a JSON escape (`\u0000`) or a GraphQL one (`\u{0}`): PostgreSQL
 * refuses it in text, so it would surface as an internal error from the database. No field of this
 * service has a use for it, so the request is refused before Apollo parses it.
 */
const NUL_ESCAPE = /\\u(0000|\{0*\})/i;

/**
 * Subgraphs cap the representations of an `_entities` call by reading the `$representations`
 * variable (subgraph.ts). A caller holding a gateway token could slip past that with a literal
 * list, another variable name, or `_entities` repeated under aliases; so only the shape the
 * gateway itself sends is accepted: at most one `_entities` field, fed by `$representations`.
 * Returns the problem, or null when the operation has that shape (or is not parseable: Apollo
 * then answers the syntax error itself).
 */
export function entitiesShapeProblem(query: unknown): string | null {
  if (typeof query !== 'string' || !query.includes('_entities')) return null;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: 50_000 });
  } catch {
    return null;
  }
  const calls: FieldNode[] = [];
  visit(document, {
    Field(node) {
      if (node.name.value === '_entities') calls.push(node);
    },
  });
  if (calls.length > 1) return 'One _entities call per request.';
  const arg = calls[0]?.arguments?.find((a) => a.name.value === 'representations');
  if (calls.length === 1 && (arg?.value.kind !== Kind.VARIABLE || arg.value.name.value !== 'representations')) {
    return 'Representations are passed as the $representations variable.';
  }
  return null;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading but keep the socket until the 413 is written (see the catch below).
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function serveApollo<C extends BaseContext>(server: ApolloServer<C>, options: HttpOptions<C>): Promise<RunningServer> {
  const http: Server = createServer(async (req, res) => {
    try {
      for (const route of options.routes ?? []) if (await route(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/graphql') return sendJson(res, 404, { errors: [{ message: 'Not found.' }] });
      let body: unknown;
      let text = '';
      if (req.method === 'POST') {
        text = await readBody(req, options.maxBodyBytes);
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'Body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
        // Authentication first (an unknown caller learns nothing, not even that its input was bad),
        // then the checks on what a known caller sent.
        context: async () => {
          const context = await options.context(req);
          if (NUL_ESCAPE.test(text)) throw refused('Text may not contain NUL characters.');
          const problem = entitiesShapeProblem((body as { query?: unknown } | undefined)?.query);
          if (problem) throw refused(problem, { field: 'representations' });
          return context;
        },
      });
      for (const [name, value] of result.headers) res.setHeader(name, value);
      res.setHeader('cache-control', 'no-store');
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') return res.end(result.body.string);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        res.on('finish', () => req.destroy());
        return sendJson(res, 413, { errors: [{ message: 'Request body too large.', extensions: { code: 'BAD_REQUEST' } }] });
      }
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.end();
    }
  });
  http.requestTimeout = 30_000;
  http.headersTimeout = 10_000;
  await new Promise<void>((resolve) => http.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}/graphql`,
    port,
    async stop() {
      await server.stop();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
