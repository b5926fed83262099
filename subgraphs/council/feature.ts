import { MigrationInterface } from 'typeorm';
import { AuthorityNames } from '../../schema/authorities';
import type { CouncilDataset } from '../../scripts/demo-data';
import type { CouncilContext } from './resolvers';

/**
 * A slice of council case practice (reviews, reports, audits, ...). Each lives in its own folder
 * under features/ with its SDL (`schema.graphql`, using the __Council__ / __council__ placeholders
 * and `extend type`), its resolvers, its migrations and its demo data, and is listed once in
 * features/index.ts. All three councils get every feature at once.
 *
 * Rule for SDL: object types that are not entities must be marked @shareable, because all three
 * council subgraphs define them identically.
 */
export interface CouncilFeature {
  name: string;
  /** Absolute path of the feature's SDL fragment. */
  schemaFile?: string;
  resolvers?: (names: AuthorityNames) => Record<string, Record<string, unknown>>;
  migrations?: Array<new () => MigrationInterface>;
  /** Adds this feature's demo rows to a council's dataset (deterministic: use the rng given). */
  demo?: (dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, referenceDate: string) => void;
}

export interface DemoRng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** Per-request memo on the context: feature loaders are created on first use and batch for the request. */
export function perRequest<T>(ctx: CouncilContext, key: string, create: () => T): T {
  const bag = ctx.memo;
  if (!bag.has(key)) bag.set(key, create());
  return bag.get(key) as T;
}

export { mergeResolvers } from '../shared/merge-resolvers';
