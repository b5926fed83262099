import { maskError, withoutSuggestions } from '../../schema/errors';

describe('maskError', () => {
  it('drops every form of "Did you mean" graphql-js produces', () => {
    expect(withoutSuggestions('Cannot query field "offendrs" on type "Query". Did you mean "offenders"?')).toBe('Cannot query field "offendrs" on type "Query".');
    expect(withoutSuggestions('Value "DUNDE" does not exist in "Authority" enum. Did you mean the enum value "DUNDEE"?')).toBe('Value "DUNDE" does not exist in "Authority" enum.');
    expect(withoutSuggestions('Unknown argument "frist". Did you mean "first" or "after"?')).toBe('Unknown argument "frist".');
  });

  it('keeps coded errors without stack or exception detail, and masks uncoded ones', () => {
    expect(maskError({ message: 'No.', extensions: { code: 'FORBIDDEN', stacktrace: ['at x'], exception: { sql: 'SELECT' } } })).toEqual({ message: 'No.', extensions: { code: 'FORBIDDEN' } });
    expect(maskError({ message: 'relation "cases" does not exist', extensions: {} })).toEqual({ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(maskError({ message: 'connect ECONNREFUSED 127.0.0.1:4003', extensions: { code: 'SOMETHING_ELSE' } }).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});
