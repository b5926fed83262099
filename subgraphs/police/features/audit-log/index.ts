import { PoliceFeature } from '../../feature';
import type { PoliceContext } from '../../resolvers';
import { CreateAuditLog1764400050000 } from '../../../shared/audit-log';
import { auditLogResolver } from '../../../shared/audit-log-query';

/**
 * The register's data-protection (s.62) log: the shared table, chain and application role (the
 * councils run the same migration), and the query for inspectors and the police
 * data-protection officer.
 */
export const policeAuditLogFeature: PoliceFeature = {
  name: 'audit-log',
  migrations: [CreateAuditLog1764400050000],
  resolvers: () => ({
    Query: {
      policeAuditLog: auditLogResolver<PoliceContext>('POLICE', (ctx) => ctx.db),
    },
  }),
};
