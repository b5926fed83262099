/** `npm run compose`: writes gateway/supergraph.graphql from the subgraphs' SDL. A test fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph } from '../schema/supergraph';

const target = join(__dirname, '..', 'gateway', 'supergraph.graphql');
writeFileSync(target, composeSupergraph());
console.log(`wrote ${target}`);
