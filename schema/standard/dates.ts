/**
 * Calendar arithmetic on ISO dates.
 *
 * Dates are civil dates with no time of day, so everything is done on whole "day numbers"
 * (days since 1970-01-01, computed in UTC). That sidesteps every time-zone and BST question.
 */
import type { IsoDate } from '../domain';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01. Throws on anything that is not a real `YYYY-MM-DD` date. */
export function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    // Date.UTC silently rolls 2026-02-30 over to March; a round trip catches it.
    if (fromDayNumber(ms / MS_PER_DAY) === date) return ms / MS_PER_DAY;
  }
  throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Same day of the month `months` later; the 31st of a short month falls back to its last day. */
export function addMonthsToDay(day: number, months: number): number {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDayOfTarget = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDayOfTarget)) / MS_PER_DAY;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCDay();
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}
