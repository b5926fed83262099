import type { DemoRng } from '../../../council/feature';
import type { PoliceDataset } from '../../../../scripts/demo-data';
import { addDays } from '../../../../schema/standard/dates';

/**
 * Demo register events over the last three reporting years, at the scale Tayside reports
 * (a handful of notification breaches, wanted or missing people, recalls and further offences a
 * year; civil orders on roughly one RSO in ten). One RSO with no council case is in custody at
 * HMP Perth now: the demo's and the tests' candidate for a release (DOMAIN scenario 1).
 */

/** SHPOs replaced SOPOs in Scotland from this date (Abusive Behaviour and Sexual Harm (Scotland) Act 2016). */
const SHPO_FROM = '2017-03-08';
const PRISONS = ['HMP Perth', 'HMP Castle Huntly', 'HMP Edinburgh', 'HMP Grampian'];

export function policeAnnualDemo(police: PoliceDataset, rng: DemoRng, today: string): void {
  const supervised = new Set(police.holdings.map((h) => h.offender_id));
  const rsos = police.offenders.filter((o) => o.mappa_category === 1 && o.registered_on);
  const unsupervised = rsos.filter((o) => !supervised.has(o.id));
  const daysBack = (min: number, max: number) => addDays(today, -rng.int(min, max));
  const extra = (table: string) => (police.extra[table] ??= []);

  rsos.forEach((o, i) => {
    extra('rso_notifications').push({
      id: `RN-DEMO-${o.id}`,
      offender_id: o.id,
      kind: 'ANNUAL',
      event_on: o.last_notified_on,
      notified_on: o.last_notified_on,
      due_by: o.last_notified_on,
      late: false,
      council_area: o.council_area,
      establishment: null,
      recorded_by: 'demo',
      idempotency_key: `demo-rn-${o.id}`,
    });
    if (rng.chance(0.1)) {
      const madeOn = addDays(o.registered_on!, rng.int(0, 900));
      if (madeOn <= today) {
        const orderId = `CO-${o.id}`;
        extra('civil_orders').push({ id: orderId, offender_id: o.id, type: madeOn >= SHPO_FROM ? 'SHPO' : 'SOPO', made_on: madeOn, expires_on: rng.chance(0.3) ? addDays(madeOn, 365 * 5) : null });
        if (rng.chance(0.2)) {
          const on = addDays(madeOn, rng.int(30, 700));
          if (on <= today) extra('civil_order_breaches').push({ id: `COB-${o.id}`, order_id: orderId, occurred_on: on });
        }
      }
    }
    if (rng.chance(0.025 * 3)) extra('notification_breaches').push({ id: `NB-DEMO-${o.id}`, offender_id: o.id, occurred_on: daysBack(1, 1095), notification_id: null, detail: 'Failed to notify a change of address within 3 days' });
    if (i % 60 === 17) extra('wanted_missing').push({ id: `WM-${o.id}`, offender_id: o.id, kind: rng.chance(0.5) ? 'WANTED' : 'MISSING', from_on: daysBack(100, 900), to_on: daysBack(10, 90) });
  });

  // Custody: a few earlier sentences, and a few people inside now (never anyone with a council case).
  unsupervised.forEach((o, i) => {
    if (i % 25 === 3) extra('custody_periods').push({ id: `CP-${o.id}-1`, offender_id: o.id, from_on: daysBack(700, 1000), to_on: daysBack(300, 650), establishment: rng.pick(PRISONS) });
    if (i % 40 === 11) extra('custody_periods').push({ id: `CP-${o.id}-2`, offender_id: o.id, from_on: daysBack(250, 900), to_on: null, establishment: rng.pick(PRISONS) });
  });
  const releaseCandidate = unsupervised.find((o) => o.council_area === 'PERTH_AND_KINROSS' && !extra('custody_periods').some((c) => (c as { offender_id: string }).offender_id === o.id));
  if (releaseCandidate) extra('custody_periods').push({ id: `CP-${releaseCandidate.id}-3`, offender_id: releaseCandidate.id, from_on: daysBack(400, 500), to_on: null, establishment: 'HMP Perth' });

  // Open wanted/missing episodes on the day: one each.
  const [wanted, missing] = [unsupervised[5], unsupervised[60]];
  if (wanted) extra('wanted_missing').push({ id: `WM-${wanted.id}-open`, offender_id: wanted.id, kind: 'WANTED', from_on: daysBack(20, 60), to_on: null });
  if (missing) extra('wanted_missing').push({ id: `WM-${missing.id}-open`, offender_id: missing.id, kind: 'MISSING', from_on: daysBack(5, 15), to_on: null });

  // Recalls and further serious offences: people under supervision, a few a year.
  const supervisedRsos = police.offenders.filter((o) => supervised.has(o.id));
  supervisedRsos.forEach((o, i) => {
    if (i % 11 === 7) extra('offender_outcomes').push({ id: `OO-${o.id}-R`, offender_id: o.id, kind: 'RECALL', occurred_on: daysBack(30, 1000) });
    if (i % 37 === 29) extra('offender_outcomes').push({ id: `OO-${o.id}-F`, offender_id: o.id, kind: 'FURTHER_SERIOUS_OFFENCE', occurred_on: daysBack(60, 1000) });
  });
}
