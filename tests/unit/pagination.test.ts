import { decodeCursor, encodeCursor, isDateIdKey, pageSize } from '../../subgraphs/shared/pagination';

describe('cursors', () => {
  it('round-trips a key', () => {
    expect(decodeCursor(encodeCursor('2026-11-01|DC-000001'), isDateIdKey)).toBe('2026-11-01|DC-000001');
  });

  it('refuses a well-encoded cursor whose key has the wrong shape, as BAD_USER_INPUT on `after`', () => {
    for (const key of ["' OR 1=1 --|x", '2026-02-30|DC-1', '2026-11-01|DC-1|extra', '2026-11-01|', '2026-11-01|a b']) {
      expect(() => decodeCursor(encodeCursor(key), isDateIdKey)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) }));
    }
  });

  it('refuses non-canonical base64 and empty cursors', () => {
    expect(() => decodeCursor("'; DROP TABLE offenders; --")).toThrow('The cursor is not valid.');
    expect(() => decodeCursor('')).toThrow('The cursor is not valid.');
  });

  it('bounds page sizes', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(() => pageSize(201)).toThrow(/between 1 and 200/);
    expect(() => pageSize(0)).toThrow(/between 1 and 200/);
  });
});

describe('date parts of any cursor', () => {
  it('an impossible date in a key is refused even when the caller checks nothing', () => {
    expect(() => decodeCursor(encodeCursor('2026-02-30|HB-1'))).toThrow('The cursor is not valid.');
    expect(decodeCursor(encodeCursor('2026-02-28|HB-1'))).toBe('2026-02-28|HB-1');
  });
});
