import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { parse, validate } from 'graphql';
import { readmeWithTable } from '../../scripts/config-table';

/** The README is a contract: its commands exist and its configuration table is the services' own. */
const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

it('opens with a paragraph and the two commands: one runs the federation, one passes the tests', () => {
  const firstScreen = readme.split('\n').slice(0, 20).join('\n');
  expect(firstScreen).toMatch(/npm start/);
  expect(firstScreen).toMatch(/npm test/);
  expect(pkg.scripts.start).toBeDefined();
  expect(pkg.scripts.test).toBeDefined();
});

it('names only npm scripts that exist', () => {
  for (const [, script] of readme.matchAll(/npm run (?:-s )?([a-z:]+)/g)) expect(Object.keys(pkg.scripts)).toContain(script);
});

it('shows the configuration table the services actually read (npm run docs:config)', () => {
  expect(readmeWithTable(readme) === readme).toBe(true);
});

it('is the test command CI runs', () => {
  expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
});

it('shows example queries that are valid against the public schema', () => {
  const api = Supergraph.build(readFileSync(join(ROOT, 'gateway', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
  const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]);
  const inline = [...readme.matchAll(/-d '\{"query":"(.*?)"\}'/g)].map((m) => m[1].replace(/\\"/g, '"'));
  expect(examples.length + inline.length).toBeGreaterThanOrEqual(2);
  for (const q of [...examples, ...inline]) expect(validate(api, parse(q)).map((e) => e.message)).toEqual([]);
});
