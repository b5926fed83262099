import { z } from 'zod';

/** Organisations a user can belong to: a council, the police, or the MAPPA unit. */
export const ORGANISATIONS = ['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS', 'POLICE', 'MAPPA_UNIT'] as const;
export type Organisation = (typeof ORGANISATIONS)[number];

export const ROLES = [
  'CASE_MANAGER',
  'TEAM_MANAGER',
  'SERVICE_MANAGER',
  'POLICE_OFFENDER_MANAGER',
  'MAPPA_COORDINATOR',
  'INSPECTOR',
  /** Reads the data-protection (s.62) log of their own organisation; sees no case content by this role. */
  'DATA_PROTECTION_OFFICER',
] as const;
export type Role = (typeof ROLES)[number];

/** The verified user, as the gateway forwards it to every subgraph. */
export const userSchema = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  org: z.enum(ORGANISATIONS),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
});
export type User = z.infer<typeof userSchema>;

/** What the gateway knows about one request, beyond who asks: why they ask (s.62 justification). */
export interface RequestIdentity {
  user: User;
  justification: string | null;
}
