/** Scottish working days, checked against what date-holidays actually returns for GB-SCT. */
import { addWorkingDays, isWorkingDay, scottishBankHolidays } from '../../schema/standard';

describe('Scottish working days', () => {
  it('takes public and bank holidays (with substitute days) from date-holidays, not observances', () => {
    expect([...scottishBankHolidays(2026)].sort()).toEqual([
      '2026-01-01', // New Year's Day
      '2026-01-02', // 2nd January
      '2026-04-03', // Good Friday
      '2026-05-04', // Early May
      '2026-05-25', // Spring
      '2026-08-03', // Summer (first Monday of August in Scotland)
      '2026-11-30', // St Andrew's Day, itself a Monday in 2026
      '2026-12-25',
      '2026-12-26', // Boxing Day falls on a Saturday…
      '2026-12-28', // …so Monday is the substitute
    ]);
    expect(scottishBankHolidays(2026)).toBe(scottishBankHolidays(2026)); // cached per year
  });

  it('knows weekends, bank holidays and the days that are not holidays in Scotland', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true); // Friday
    expect(isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29')).toBe(false); // Sunday
    expect(isWorkingDay('2026-11-30')).toBe(false); // St Andrew's Day
    expect(isWorkingDay('2026-04-06')).toBe(true); // Easter Monday is not a bank holiday in Scotland
    expect(isWorkingDay('2026-08-31')).toBe(true); // nor is the English late-summer holiday
    expect(isWorkingDay('2026-03-15')).toBe(false); // Mother's Day is an observance, but a Sunday anyway
  });

  it.each([
    ['2026-11-27', 1, '2026-12-01'], // Fri + 1 over a weekend and St Andrew's Day
    ['2026-05-01', 1, '2026-05-05'], // Fri + 1 over the early May bank holiday
    ['2026-04-02', 2, '2026-04-07'], // Thu + 2 over Good Friday; Easter Monday counts
    ['2026-12-24', 1, '2026-12-29'], // Christmas Day and the Boxing Day substitute
    ['2026-12-31', 1, '2027-01-05'], // 1 Jan, then the 2 Jan substitute on Monday 4 Jan 2027
    ['2026-11-24', 2, '2026-11-26'], // ordinary week
    ['2026-11-28', 1, '2026-12-01'], // from a Saturday
    ['2026-11-27', 0, '2026-11-27'],
  ])('%s + %i working day(s) = %s', (from, n, expected) => {
    expect(addWorkingDays(from, n)).toBe(expected);
  });

  it('rejects bad input', () => {
    expect(() => addWorkingDays('2026-11-27', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(/Not a valid ISO date/);
  });
});
