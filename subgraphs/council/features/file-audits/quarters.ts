import { badInput } from '../../../../schema/errors';

/** A calendar quarter, e.g. 2026-Q3 = 1 July to 30 September 2026. */
export interface Quarter {
  label: string;
  year: number;
  q: 1 | 2 | 3 | 4;
  from: string;
  to: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;
const LAST_DAY = ['03-31', '06-30', '09-30', '12-31'];
const FIRST_DAY = ['01-01', '04-01', '07-01', '10-01'];

export function quarter(year: number, q: number): Quarter {
  return { label: `${year}-Q${q}`, year, q: q as Quarter['q'], from: `${year}-${FIRST_DAY[q - 1]}`, to: `${year}-${LAST_DAY[q - 1]}` };
}

export function parseQuarter(value: string, field: string): Quarter {
  const m = QUARTER.exec(value);
  if (!m || +m[1] < 1990 || +m[1] > 2200) throw badInput(field, `${field}: must be a calendar quarter written like 2026-Q3.`);
  return quarter(+m[1], +m[2]);
}

export function quarterOf(date: string): Quarter {
  return quarter(+date.slice(0, 4), Math.floor((+date.slice(5, 7) - 1) / 3) + 1);
}

export function nextQuarter(x: Quarter): Quarter {
  return x.q === 4 ? quarter(x.year + 1, 1) : quarter(x.year, x.q + 1);
}

export function previousQuarter(x: Quarter): Quarter {
  return x.q === 1 ? quarter(x.year - 1, 4) : quarter(x.year, x.q - 1);
}

/** Quarters from `a` to `b` inclusive; empty when b is before a. */
export function quarterRange(a: Quarter, b: Quarter): Quarter[] {
  const out: Quarter[] = [];
  for (let x = a; x.from <= b.from; x = nextQuarter(x)) out.push(x);
  return out;
}
