import { AUTHORITIES } from '../../schema/domain';
import { DEMO_NAME_LISTS, generateDemoData } from '../../scripts/demo-data';

describe('the demo dataset', () => {
  const data = generateDemoData({ referenceDate: '2026-11-27' });

  it('is deterministic: the same reference date gives the same data', () => {
    expect(JSON.stringify(generateDemoData({ referenceDate: '2026-11-27' }))).toBe(JSON.stringify(data));
  });

  it('is at Tayside scale: about 370 nominals, Dundee 168, Angus 102, Perth & Kinross 99', () => {
    const { offenders } = data.police;
    expect(offenders).toHaveLength(369);
    const inArea = (a: string) => offenders.filter((o) => o.council_area === a).length;
    // The 2016 figures, give or take the few demo people who have since moved council.
    expect(Math.abs(inArea('DUNDEE') - 168)).toBeLessThanOrEqual(3);
    expect(Math.abs(inArea('ANGUS') - 102)).toBeLessThanOrEqual(3);
    expect(Math.abs(inArea('PERTH_AND_KINROSS') - 99)).toBeLessThanOrEqual(3);
    expect(offenders.filter((o) => o.mappa_category === 1).length).toBeGreaterThan(350);
  });

  it('has about 130 people under council supervision, a handful at Level 2 and one or two at Level 3', () => {
    const open = AUTHORITIES.flatMap((a) => data.councils[a].cases.filter((c) => c.status === 'OPEN'));
    expect(open.length).toBeGreaterThanOrEqual(125);
    expect(open.length).toBeLessThanOrEqual(140);
    const level = (n: number) => data.police.offenders.filter((o) => o.mappa_level === n).length;
    expect(level(2)).toBeGreaterThanOrEqual(4);
    expect(level(2)).toBeLessThanOrEqual(10);
    expect([1, 2]).toContain(level(3));
  });

  it('includes people who transferred between councils, with both cases and holdings', () => {
    const transferredIn = AUTHORITIES.flatMap((a) => data.councils[a].cases.filter((c) => c.transferred_from_case_id));
    expect(transferredIn.length).toBeGreaterThanOrEqual(3);
    for (const c of transferredIn) {
      const earlier = AUTHORITIES.flatMap((a) => data.councils[a].cases).find((x) => x.id === c.transferred_from_case_id)!;
      expect([earlier.offender_id, earlier.status, earlier.end_date]).toEqual([c.offender_id, 'TRANSFERRED_OUT', c.start_date]);
      expect(data.police.holdings.filter((h) => h.offender_id === c.offender_id).map((h) => h.holding).sort()).toEqual([false, true]);
    }
  });

  it('draws every name from the generator\'s invented lists', () => {
    for (const o of data.police.offenders) {
      expect(DEMO_NAME_LISTS.SURNAMES).toContain(o.last_name);
      expect([...DEMO_NAME_LISTS.FIRST_MALE, ...DEMO_NAME_LISTS.FIRST_FEMALE]).toContain(o.first_name);
    }
  });
});
