import { entitiesShapeProblem } from '../../subgraphs/shared/http';

describe('entitiesShapeProblem: the only _entities shape a subgraph accepts is the gateway\'s', () => {
  it('accepts the gateway shape and operations without _entities', () => {
    expect(entitiesShapeProblem('query($representations: [_Any!]!) { _entities(representations: $representations) { ... on DundeeCase { id } } }')).toBeNull();
    expect(entitiesShapeProblem('{ dundeeCase(id: "_entities") { id } }')).toBeNull();
    expect(entitiesShapeProblem(undefined)).toBeNull();
  });

  it('refuses a renamed variable, a literal list and a missing argument', () => {
    expect(entitiesShapeProblem('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }')).toMatch(/\$representations/);
    expect(entitiesShapeProblem('{ _entities(representations: [{ __typename: "DundeeCase", id: "1" }]) { __typename } }')).toMatch(/\$representations/);
    expect(entitiesShapeProblem('{ _entities { __typename } }')).toMatch(/\$representations/);
  });

  it('refuses _entities repeated under aliases or in fragments', () => {
    expect(entitiesShapeProblem('query($representations: [_Any!]!) { a: _entities(representations: $representations) { __typename } b: _entities(representations: $representations) { __typename } }')).toMatch(/One _entities/);
    expect(
      entitiesShapeProblem('query($representations: [_Any!]!) { ...A ...B } fragment A on Query { a: _entities(representations: $representations) { __typename } } fragment B on Query { b: _entities(representations: $representations) { __typename } }'),
    ).toMatch(/One _entities/);
  });

  it('leaves unparseable text to Apollo (which answers the syntax error)', () => {
    expect(entitiesShapeProblem('{ _entities(')).toBeNull();
  });
});
