import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { buildSchema, GraphQLEnumType, parse } from 'graphql';
import { authorityNames } from '../../schema/authorities';
import { AUTHORITIES, CONTACT_OUTCOMES, CONTACT_TYPES, RISK_LEVELS, COMPLIANCE_STATUSES, AGENCIES } from '../../schema/domain';
import { caseContractFields, councilSdl } from '../../schema/sdl';
import { composeSupergraph, subgraphDefinitions } from '../../schema/supergraph';

describe('the area-wide contract', () => {
  it('the committed supergraph is what `npm run compose` would write now', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'gateway', 'supergraph.graphql'), 'utf8');
    expect(committed === composeSupergraph()).toBe(true);
  });

  it('every council case type carries every contract field', () => {
    const fields = caseContractFields().map((f) => f.name.value);
    expect(fields).toEqual(expect.arrayContaining(['id', 'authority', 'riskLevel', 'mappaLevel', 'compliance', 'timeline', 'planReviewDate']));
    for (const a of AUTHORITIES) {
      const type = parse(councilSdl(a)).definitions.find((d: any) => d.name?.value === `${authorityNames(a).typePrefix}Case`) as any;
      expect(type.fields.map((f: any) => f.name.value)).toEqual(expect.arrayContaining(fields));
    }
  });

  it('composition fails when a council does not implement the contact standard part of the contract', () => {
    const services = subgraphDefinitions().map((s) => {
      if (s.name !== 'angus') return s;
      // An Angus deployment that dropped `compliance` from its case type.
      const sdl = councilSdl('ANGUS').replace(/\n  compliance: Compliance\n/, '\n');
      return { ...s, typeDefs: parse(sdl) };
    });
    const result = composeServices(services);
    expect(result.errors?.map((e) => e.message).join('\n')).toMatch(/AngusCase.*compliance|compliance.*AngusCase/s);
  });

  it('the GraphQL enums mirror the TypeScript vocabulary', () => {
    const schema = buildSchema(readFileSync(join(__dirname, '..', '..', 'schema', 'contract.graphql'), 'utf8').replace(/@shareable/g, ''));
    const values = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values('Authority')).toEqual([...AUTHORITIES]);
    expect(values('RiskLevel')).toEqual([...RISK_LEVELS]);
    expect(values('ContactType')).toEqual([...CONTACT_TYPES]);
    expect(values('ContactOutcome')).toEqual([...CONTACT_OUTCOMES]);
    expect(values('ComplianceStatus')).toEqual([...COMPLIANCE_STATUSES]);
    expect(values('Agency')).toEqual([...AGENCIES]);
  });
});
