import { buildSchema, parse, print } from 'graphql';
import { pageSizesInlined } from '../../gateway/server';

const schema = buildSchema(`
  type Query { people(first: Int = 50, after: String): [Person!]! person(id: ID!): Person }
  type Person { id: ID! visits(last: Int): [String!]! }
`);
const inline = (query: string, variables: Record<string, unknown> = {}) => print(pageSizesInlined(parse(query), schema, variables)).replace(/\s+/g, ' ');

describe('pageSizesInlined (what the cost limit counts)', () => {
  it('writes a variable page size in as the literal the server will use', () => {
    expect(inline('query($n: Int) { people(first: $n) { id } }', { n: 200 })).toContain('people(first: 200)');
  });

  it('uses the variable default, then the schema default, when no value is sent', () => {
    expect(inline('query($n: Int = 30) { people(first: $n) { id } }')).toContain('people(first: 30)');
    expect(inline('{ people { id } }')).toContain('people(first: 50)');
  });

  it('leaves literals, fields without a page size and lists without a default alone', () => {
    expect(inline('{ people(first: 7) { id visits } person(id: "x") { id } }')).toContain('people(first: 7)');
    expect(inline('{ person(id: "x") { visits } }')).toContain('visits }');
  });

  it('applies inside fragments and to every alias', () => {
    const out = inline('query($n: Int) { a: people(first: $n) { id } ...F } fragment F on Query { b: people(first: $n) { id } }', { n: 9 });
    expect(out.match(/first: 9/g)).toHaveLength(2);
  });

  it('ignores a non-integer variable (graphql validation reports it)', () => {
    expect(inline('query($n: Int) { people(first: $n) { id } }', { n: 'lots' })).toContain('people(first: $n)');
  });
});
