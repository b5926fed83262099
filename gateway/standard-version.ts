import { ApolloServerPlugin } from '@apollo/server';
import { AREA_STANDARD_VERSION } from '../schema/standard';

/**
 * Which contact-standard version each subgraph runs, against the area-wide one the gateway was
 * built with. A council on another version is reported at start-up and in /health, and every
 * response carrying a result from another version is flagged, so versions are never silently mixed.
 */
export interface SubgraphProbe {
  status: 'ok' | 'failing' | 'unreachable';
  standardVersion?: string;
}

export async function probeSubgraphs(urls: Record<string, string>): Promise<Record<string, SubgraphProbe>> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]): Promise<[string, SubgraphProbe]> => {
      try {
        const r = await fetch(url.replace(/\/graphql$/, '/health'), { signal: AbortSignal.timeout(2000) });
        if (!r.ok) return [name, { status: 'failing' }];
        const body = (await r.json()) as { standardVersion?: unknown };
        return [name, { status: 'ok', ...(typeof body.standardVersion === 'string' ? { standardVersion: body.standardVersion } : {}) }];
      } catch {
        return [name, { status: 'unreachable' }];
      }
    }),
  );
  return Object.fromEntries(entries);
}

export function standardVersionReport(probes: Record<string, SubgraphProbe>) {
  const standardVersions = Object.fromEntries(Object.entries(probes).flatMap(([name, p]) => (p.standardVersion ? [[name, p.standardVersion]] : [])));
  return {
    areaStandardVersion: AREA_STANDARD_VERSION,
    standardVersions,
    standardVersionMismatch: Object.entries(standardVersions)
      .filter(([, v]) => v !== AREA_STANDARD_VERSION)
      .map(([name]) => name),
  };
}

/** Every `standardVersion` value in a response that is not the area-wide one. */
function otherVersions(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => otherVersions(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'standardVersion' && typeof v === 'string' && v !== AREA_STANDARD_VERSION) found.add(v);
      else otherVersions(v, found);
    }
  }
  return found;
}

/** Adds `extensions.standardVersionWarning` to any response that carries a result from another version. */
export const standardVersionFlag: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const other = otherVersions(response.body.singleResult.data);
        if (!other.size) return;
        response.body.singleResult.extensions = {
          ...response.body.singleResult.extensions,
          standardVersionWarning: `Results computed under contact standard ${[...other].join(', ')} are included; the area-wide standard is ${AREA_STANDARD_VERSION}.`,
        };
      },
    };
  },
};
