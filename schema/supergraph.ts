import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { authorityNames } from './authorities';
import { AUTHORITIES } from './domain';
import { coordinationSdl, councilSdl, policeSdl } from './sdl';

/** Every subgraph of the federation: name, default local URL and SDL. */
export function subgraphDefinitions() {
  return [
    { name: 'police', url: 'http://127.0.0.1:4001/graphql', typeDefs: parse(policeSdl()) },
    ...AUTHORITIES.map((a, i) => ({ name: authorityNames(a).serviceName, url: `http://127.0.0.1:${4002 + i}/graphql`, typeDefs: parse(councilSdl(a)) })),
    { name: 'coordination', url: 'http://127.0.0.1:4005/graphql', typeDefs: parse(coordinationSdl()) },
  ];
}

/** Composes the supergraph with @apollo/composition; throws with every composition error listed. */
export function composeSupergraph(): string {
  const result = composeServices(subgraphDefinitions());
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `  ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}
