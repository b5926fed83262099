/**
 * Scottish working days: Monday to Friday, less the public and bank holidays that
 * `date-holidays` knows for GB-SCT (including substitute days). Observances such as
 * Mother's Day are not days off, so they are ignored.
 *
 * The holiday list comes from the library, never from a hand-typed table, so a new year
 * (or a one-off bank holiday the library adds) needs no code change here.
 */
import Holidays from 'date-holidays';
import type { IsoDate } from '../domain';
import { dayNumber, fromDayNumber, weekday, yearOf } from './dates';

const DAYS_OFF = new Set(['public', 'bank']);

let scotland: Holidays | undefined;
const holidaysByYear = new Map<number, ReadonlySet<IsoDate>>();

/** Public and bank holidays in Scotland for one calendar year, cached after first use. */
export function scottishBankHolidays(year: number): ReadonlySet<IsoDate> {
  let days = holidaysByYear.get(year);
  if (!days) {
    scotland ??= new Holidays('GB', 'SCT');
    // `date` is the local civil date ("2026-11-30 00:00:00"); taking its first ten characters
    // avoids converting `start` through whatever time zone this process happens to run in.
    days = new Set(
      scotland
        .getHolidays(year)
        .filter((h) => DAYS_OFF.has(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    holidaysByYear.set(year, days);
  }
  return days;
}

function isWorkingDayNumber(day: number): boolean {
  const dow = weekday(day);
  return dow !== 0 && dow !== 6 && !scottishBankHolidays(yearOf(day)).has(fromDayNumber(day));
}

export function isWorkingDay(date: IsoDate): boolean {
  return isWorkingDayNumber(dayNumber(date));
}

/**
 * The date that is `n` working days after `date` (the date itself is never counted, whether
 * or not it is a working day). Friday + 1 = Monday, or Tuesday when Monday is a bank holiday.
 * `n = 0` returns `date` unchanged.
 */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  return fromDayNumber(addWorkingDaysToDay(dayNumber(date), n));
}

/** Day-number form used by the evaluator. */
export function addWorkingDaysToDay(day: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Working days must be a whole number ≥ 0, got ${n}`);
  let result = day;
  for (let counted = 0; counted < n; ) {
    result += 1;
    if (isWorkingDayNumber(result)) counted += 1;
  }
  return result;
}
