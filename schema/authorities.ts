import { Authority } from './domain';

/**
 * How each council appears in names: GraphQL type prefixes (`AngusCase`), root-field prefixes
 * (`angusCaseload`), subgraph names and environment-variable prefixes. Derived once so that
 * the SDL generator, the gateway and docker-compose cannot drift apart.
 */
export interface AuthorityNames {
  authority: Authority;
  /** Human name for messages: "Perth & Kinross". */
  displayName: string;
  /** GraphQL type prefix: "PerthAndKinross". */
  typePrefix: string;
  /** Root field prefix: "perthAndKinross". */
  fieldPrefix: string;
  /** Subgraph / service name: "perth-and-kinross". */
  serviceName: string;
  /** Environment variable prefix: "PERTH_AND_KINROSS". */
  envPrefix: string;
  /** Prefix of case ids minted by this council, so an id alone says who owns it. */
  caseIdPrefix: string;
}

const DISPLAY: Record<Authority, { displayName: string; caseIdPrefix: string }> = {
  DUNDEE: { displayName: 'Dundee City', caseIdPrefix: 'DC' },
  ANGUS: { displayName: 'Angus', caseIdPrefix: 'AC' },
  PERTH_AND_KINROSS: { displayName: 'Perth & Kinross', caseIdPrefix: 'PK' },
};

export function authorityNames(authority: Authority): AuthorityNames {
  const words = authority.toLowerCase().split('_');
  const typePrefix = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    authority,
    displayName: DISPLAY[authority].displayName,
    typePrefix,
    fieldPrefix: typePrefix[0].toLowerCase() + typePrefix.slice(1),
    serviceName: words.join('-'),
    envPrefix: authority,
    caseIdPrefix: DISPLAY[authority].caseIdPrefix,
  };
}

export function authorityOfCaseTypename(typename: string): Authority | undefined {
  return (['DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS'] as const).find(
    (a) => `${authorityNames(a).typePrefix}Case` === typename,
  );
}
