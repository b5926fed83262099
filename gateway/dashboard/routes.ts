import { readFileSync } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { loadOrCreateKeyPair, signUserToken } from '../../schema/tokens';
import { DEMO_AUDIENCE, DEMO_IDENTITIES, DEMO_ISSUER, DEMO_KEY_ID } from '../../scripts/demo-identities';
import { Route, sendJson } from '../../subgraphs/shared/http';
import { sogTableCsv, SogCsvTable } from './csv';

/**
 * The gateway's plain HTTP routes for people: the co-ordinator's dashboard (static files, no build
 * step), the annual return as CSV, and, in demo mode only, demo sign-in tokens. None of them holds
 * or reads data itself: the page and the CSV both go through the gateway's own GraphQL endpoint
 * with the caller's bearer token, so every access rule and every log entry applies unchanged.
 */

const DIR = __dirname;

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/** Same-origin only, no inline script or style, no framing: the page's script cannot be swapped or overlaid. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const pathOf = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://localhost').pathname;

function staticRoute(): Route {
  const cache = new Map<string, Buffer>();
  return (req, res) => {
    const entry = STATIC[pathOf(req)];
    if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    let body = cache.get(entry.file);
    if (!body) {
      body = readFileSync(join(DIR, entry.file));
      cache.set(entry.file, body);
    }
    res.writeHead(200, { 'content-type': entry.type, 'cache-control': 'no-cache', ...SECURITY_HEADERS });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

const ANNUAL_RETURN_QUERY = `query AnnualReturnCsv($year: Int!) {
  annualReturn(year: $year) { sogTable { label periodEnd notes rows {
    area population rsosAtLiberty rsosPer100k level1 level2 level3 notificationBreaches wanted missing
    sopos shpos civilOrderBreaches statutorySupervision recalls furtherSeriousOffences } } }
}`;

/** The gateway's own GraphQL endpoint, reached on the interface the request came in on. */
function selfUrl(req: IncomingMessage): string {
  const raw = req.socket.localAddress ?? '127.0.0.1';
  const address = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}/graphql`;
}

/**
 * GET /reports/annual-return.csv?year=2025. Runs the annual-return query through the gateway
 * itself with the caller's own Authorization (and justification) header: no token, no CSV.
 */
function annualReturnCsvRoute(): Route {
  return async (req, res) => {
    if (pathOf(req) !== '/reports/annual-return.csv') return false;
    const yearParam = new URL(req.url ?? '/', 'http://localhost').searchParams.get('year') ?? '';
    if (req.method !== 'GET') {
      sendJson(res, 405, { errors: [{ message: 'Use GET.', extensions: { code: 'BAD_REQUEST' } }] });
      return true;
    }
    if (!/^\d{4}$/.test(yearParam)) {
      sendJson(res, 400, { errors: [{ message: 'year must be a four-digit reporting year, e.g. ?year=2025.', extensions: { code: 'BAD_USER_INPUT', field: 'year' } }] });
      return true;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
    if (typeof req.headers['x-justification'] === 'string') headers['x-justification'] = req.headers['x-justification'];
    const upstream = await fetch(selfUrl(req), { method: 'POST', headers, body: JSON.stringify({ query: ANNUAL_RETURN_QUERY, variables: { year: Number(yearParam) } }), signal: AbortSignal.timeout(30_000) });
    const body = (await upstream.json()) as { data?: { annualReturn: { sogTable: SogCsvTable } | null } | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const table = body.data?.annualReturn?.sogTable;
    if (!table) {
      // The gateway's own answer, status and coded errors included (401 without a valid token).
      sendJson(res, upstream.status === 200 ? 400 : upstream.status, { errors: body.errors ?? [{ message: 'No annual return.', extensions: { code: 'NOT_FOUND' } }] });
      return true;
    }
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="mappa-annual-return-${table.label}.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(sogTableCsv(table));
    return true;
  };
}

/** Signs demo user tokens with the demo identity provider's key. Demo mode only. */
export interface DemoTokenIssuer {
  identities: Record<string, { name: string; org: string; roles: readonly string[] }>;
  sign(identity: string): string | null;
}

export function demoTokenIssuer(keysDir: string): DemoTokenIssuer {
  const key = loadOrCreateKeyPair(keysDir, DEMO_KEY_ID);
  return {
    identities: DEMO_IDENTITIES,
    sign: (identity) => {
      const user = Object.hasOwn(DEMO_IDENTITIES, identity) ? DEMO_IDENTITIES[identity] : undefined;
      return user ? signUserToken(user, { kid: DEMO_KEY_ID, privateKey: key.privateKey }, { issuer: DEMO_ISSUER, audience: DEMO_AUDIENCE, expiresInSeconds: 8 * 3600 }) : null;
    },
  };
}

/**
 * GET /demo/identities and GET /demo/token?identity=coordinator. Whoever can reach the gateway
 * can then act as any demo identity, co-ordinator included: never enable it outside a demo.
 */
function demoRoutes(issuer: DemoTokenIssuer): Route {
  return (req, res) => {
    const path = pathOf(req);
    if (path === '/demo/identities' && req.method === 'GET') {
      sendJson(res, 200, Object.entries(issuer.identities).map(([key, u]) => ({ key, name: u.name, org: u.org, roles: u.roles })));
      return true;
    }
    if (path !== '/demo/token' || req.method !== 'GET') return false;
    const identity = new URL(req.url ?? '/', 'http://localhost').searchParams.get('identity') ?? '';
    const token = issuer.sign(identity);
    if (!token) sendJson(res, 400, { errors: [{ message: `Unknown demo identity. Choose one of: ${Object.keys(issuer.identities).join(', ')}.`, extensions: { code: 'BAD_USER_INPUT', field: 'identity' } }] });
    else sendJson(res, 200, { identity, token });
    return true;
  };
}

export function dashboardRoutes(options: { demo?: DemoTokenIssuer } = {}): Route[] {
  return [staticRoute(), annualReturnCsvRoute(), ...(options.demo ? [demoRoutes(options.demo)] : [])];
}

