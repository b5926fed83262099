import { MigrationInterface } from 'typeorm';
import { AuthorityNames } from '../../schema/authorities';
import type { CouncilDataset } from '../../scripts/demo-data';
import type { CouncilContext } from './resolvers';
import type { CaseRow } from './data/cases';

export const CASE_FLAGS = ['REVIEW_OVERDUE', 'MISSING_PLAN', 'AUDIT_OVERDUE', 'FOLLOW_UP_DUE', 'CONTACT_OVERDUE', 'BREACH'] as const;
export type CaseFlag = (typeof CASE_FLAGS)[number];
import type { AuditedType } from '../shared/audit-log';

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
  /**
   * Flags this feature raises on a case (see CaseFlag in schema.graphql). Each check must batch
   * through per-request loaders: the caseload evaluates it for every candidate case at once.
   */
  flags?: Partial<Record<CaseFlag, (c: CaseRow, ctx: CouncilContext) => Promise<boolean>>>;
  /** Adds this feature's demo rows to a council's dataset (deterministic: use the rng given). */
  demo?: (dataset: CouncilDataset, rng: DemoRng, names: AuthorityNames, referenceDate: string) => void;
  /**
   * Record types this feature serves outside the case type (e.g. a report reachable from its own
   * root query): every field read of them is logged as a consultation (s.62). Case fields are
   * logged already.
   */
  audited?: (names: AuthorityNames) => AuditedType[];
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
