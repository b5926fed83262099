import { MigrationInterface } from 'typeorm';
import type { DemoRng } from '../council/feature';
import type { PoliceDataset } from '../../scripts/demo-data';
import type { PoliceContext } from './resolvers';
import type { AuditedType } from '../shared/audit-log';

/**
 * A slice of the police register (breach notices, civil orders, the annual return's police
 * figures, ...), in its own folder under features/ with `schema.graphql` (using `extend type`),
 * resolvers and migrations, listed once in features/index.ts. Same shape as council features.
 */
export interface PoliceFeature {
  name: string;
  resolvers?: () => Record<string, Record<string, unknown>>;
  migrations?: Array<new () => MigrationInterface>;
  /** Adds this feature's demo rows to `police.extra[table]` (deterministic: use the rng given). */
  demo?: (police: PoliceDataset, rng: DemoRng, referenceDate: string) => void;
  /** Record types beyond Offender whose every field read is logged as a consultation (s.62). */
  audited?: AuditedType[];
}

export type { PoliceContext };
