import { CouncilFeature } from '../../feature';
import type { CouncilContext } from '../../resolvers';
import { CreateAuditLog1764400050000 } from '../../../shared/audit-log';
import { auditLogResolver } from '../../../shared/audit-log-query';

/**
 * The council's data-protection (s.62) log: the table, its chain and the application role come
 * from the shared migration (the police register runs the same one); this feature adds the
 * query inspectors and the council's data-protection officer use. Writing to the log needs no
 * feature code: every case field read is logged by the subgraph, and mutations call `logEvent`.
 */
export const auditLogFeature: CouncilFeature = {
  name: 'audit-log',
  schemaFile: `${__dirname}/schema.graphql`,
  migrations: [CreateAuditLog1764400050000],
  resolvers: (names) => ({
    Query: {
      [`${names.fieldPrefix}AuditLog`]: auditLogResolver<CouncilContext>(names.authority, (ctx) => ctx.deps.db),
    },
  }),
};
