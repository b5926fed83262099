import type { DemoRng } from '../../council/feature';
import type { DemoDataset } from '../../../scripts/demo-data';
import { authorityNames } from '../../../schema/authorities';
import { Authority } from '../../../schema/domain';
import { addWorkingDays, isWorkingDay } from '../../../schema/standard';
import { addDays } from '../../../schema/standard/dates';
import { firstMeetingDue } from '../rules';

/**
 * The MAPPA unit's demo records, derived from the register and the councils' demo cases so they
 * agree: everyone the register has at Level 2 or 3 was referred by the council holding their case,
 * accepted, given an initial meeting, and since reviewed at joint Level 2 / Level 3 review meetings.
 * Built in so every page of the dashboard has something to show: one first meeting held late,
 * one person escalated from Level 2 to 3, one review overdue, open and overdue actions, a pending
 * and a challenged referral, a person stepped down to Level 1, one executive summary released.
 * Deterministic: same rng and reference date, same rows. Every name is made up.
 */

const FIRST = ['Morag', 'Euan', 'Fiona', 'Graeme', 'Kirsty', 'Alasdair', 'Shona', 'Callum', 'Eilidh', 'Fraser', 'Iona', 'Ross'];
const LAST = ['Balmerino', 'Carmyllie', 'Dunsinane', 'Glamis-Reid', 'Kinloch', 'Lundie', 'Murroes', 'Rossie', 'Tullybaccart', 'Westhall'];
const ACTIONS = [
  'Joint home visit by CJSW and police within 10 days',
  'Confirm the exclusion zone with the victim liaison officer',
  'Review the accommodation with the housing officer',
  'Refer for a psychiatric review',
  'Update the risk management plan after the new assessment',
  'Check the licence conditions with the Parole Board',
];

const L2_REVIEW_DAYS = 70;
const L3_REVIEW_DAYS = 35;

const onWorkingDay = (d: string) => (isWorkingDay(d) ? d : addWorkingDays(d, 1));

interface Person {
  offenderId: string;
  council: Authority;
  category: number;
  referredOn: string;
  initialOn: string;
  level: number;
  /** Referred at Level 2, escalated to 3 at their first review. */
  escalates: boolean;
  /** Left out of the last review: their review is overdue. */
  skipsLastReview: boolean;
}

export function coordinationDemo(data: Omit<DemoDataset, 'coordination'>, rng: DemoRng, today: string): Record<string, object[]> {
  const tables: Record<string, object[]> = {
    referrals: [],
    meetings: [],
    meeting_people: [],
    meeting_attendees: [],
    meeting_decisions: [],
    meeting_actions: [],
    minutes: [],
    mappa_levels: [],
    disclosures: [],
    audit_log: [],
    improvement_progress: [],
  };
  const person = () => `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
  const coordinator = 'Demo MAPPA Co-ordinator';
  const openCaseOf = (offenderId: string) => {
    for (const [authority, council] of Object.entries(data.councils) as [Authority, (typeof data.councils)[Authority]][]) {
      const c = council.cases.find((k) => k.offender_id === offenderId && k.status === 'OPEN');
      if (c) return { authority, case: c };
    }
    return null;
  };
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}-D${String(++serial).padStart(5, '0')}`;

  const addReferral = (p: { offenderId: string; council: Authority; agency: string; category: number; level: number; referredOn: string; status: string; decidedOn: string | null; decisionReason?: string }) => {
    const id = nextId('RF');
    const due = p.status === 'ACCEPTED' ? firstMeetingDue({ setting: 'COMMUNITY', referred_on: p.referredOn, expected_release_on: null }) : null;
    tables.referrals.push({
      id,
      offender_id: p.offenderId,
      council: p.council,
      referring_agency: p.agency,
      referrer_name: person(),
      category: p.category,
      proposed_level: p.level,
      referred_on: p.referredOn,
      setting: 'COMMUNITY',
      expected_release_on: null,
      reason: `Risk of serious harm assessed as high; ${p.level === 3 ? 'the critical few: needs senior multi-agency oversight' : 'needs active multi-agency management'} (demo).`,
      status: p.status,
      decision_reason: p.decisionReason ?? null,
      decided_on: p.decidedOn,
      decided_by: p.decidedOn ? 'demo-mappa-coordinator' : null,
      first_meeting_due: due,
      version: p.decidedOn ? 2 : 1,
      created_by: 'demo',
      idempotency_key: `demo-${id}`,
    });
    if (p.status === 'ACCEPTED') tables.mappa_levels.push({ id: nextId('ML'), offender_id: p.offenderId, level: p.level, from_on: p.decidedOn, council: p.council, source: 'REFERRAL', source_id: id });
    return { id, due };
  };

  const addMeeting = (m: { level: number; kind: 'INITIAL' | 'REVIEW'; on: string; people: { offenderId: string; referralId: string; council: Authority }[]; held: boolean; nextReviewOn?: string | null; decisions?: { offenderId: string; kind: string; levelTo?: number; note?: string }[] }) => {
    const id = nextId('MT');
    tables.meetings.push({
      id,
      level: m.level,
      kind: m.kind,
      status: m.held ? 'HELD' : 'SCHEDULED',
      scheduled_on: m.on,
      held_on: m.held ? m.on : null,
      chair: coordinator,
      next_review_on: m.held ? (m.nextReviewOn ?? null) : null,
      version: m.held ? 2 : 1,
      created_by: 'demo',
      idempotency_key: `demo-${id}`,
    });
    m.people.forEach((p, i) => tables.meeting_people.push({ meeting_id: id, offender_id: p.offenderId, referral_id: p.referralId, position: i + 1 }));
    if (!m.held) return id;
    const councils = [...new Set(m.people.map((p) => p.council))];
    const attendees = [
      { name: coordinator, agency: 'MAPPA_UNIT', role: 'Chair, MAPPA Co-ordinator' },
      { name: `DS ${rng.pick(LAST)}`, agency: 'POLICE', role: 'Offender management unit' },
      ...councils.map((c) => ({ name: person(), agency: c, role: `${authorityNames(c).displayName} CJSW team manager` })),
      ...(rng.chance(0.6) ? [{ name: `Dr ${rng.pick(LAST)}`, agency: 'NHS_TAYSIDE', role: 'Forensic psychiatrist' }] : []),
      ...(rng.chance(0.4) ? [{ name: person(), agency: 'HOUSING', role: 'Housing officer' }] : []),
    ];
    attendees.forEach((a, i) => tables.meeting_attendees.push({ meeting_id: id, position: i + 1, ...a }));
    (m.decisions ?? []).forEach((d, i) => tables.meeting_decisions.push({ meeting_id: id, position: i + 1, offender_id: d.offenderId, kind: d.kind, level_to: d.levelTo ?? null, note: d.note ?? null }));
    let actions = 0;
    for (const p of m.people) {
      if (!rng.chance(0.6)) continue;
      actions += 1;
      const dueOn = addDays(m.on, rng.int(10, 42));
      // Older actions are done; recent ones are open, and some of those are past due.
      const done = dueOn < addDays(today, -20) || (dueOn < today && rng.chance(0.5));
      const agency = rng.pick(['POLICE', p.council, p.council, 'NHS_TAYSIDE', 'HOUSING']);
      tables.meeting_actions.push({
        id: nextId('AC'),
        meeting_id: id,
        offender_id: p.offenderId,
        description: rng.pick(ACTIONS),
        owner_name: agency === 'POLICE' ? `DS ${rng.pick(LAST)}` : person(),
        owner_agency: agency,
        due_on: dueOn,
        completed_on: done ? addDays(dueOn, -rng.int(0, 5)) : null,
        completion_note: done ? 'Done (demo).' : null,
        completed_by: done ? 'demo' : null,
        version: done ? 2 : 1,
      });
    }
    const levelWord = m.level === 3 ? 'Level 3 (MAPPP)' : 'Level 2';
    tables.minutes.push({
      meeting_id: id,
      executive_summary: `${levelWord} ${m.kind === 'INITIAL' ? 'initial meeting' : 'review'} of ${m.people.length} ${m.people.length === 1 ? 'person' : 'people'}. Risk management plans agreed; ${actions} ${actions === 1 ? 'action' : 'actions'} set for partner agencies. Next review ${m.nextReviewOn ?? 'not required'}.`,
      full_minutes: `Present: ${attendees.map((a) => `${a.name} (${a.role})`).join('; ')}. Each person's risk assessment, licence conditions, accommodation and victim safety plan were discussed in full, with police intelligence and health information shared under the MAPPA information-sharing protocol. [Full minutes: restricted to the MAPPA unit.]`,
      recorded_on: m.on,
      recorded_by: 'demo-mappa-coordinator',
    });
    return id;
  };

  // ---- Everyone at Level 2 or 3 on the register ------------------------------------------------
  const managed = data.police.offenders.filter((o) => o.mappa_level >= 2);
  const people: Person[] = [];
  managed.forEach((o, k) => {
    const held = openCaseOf(o.id);
    if (!held) return;
    const council = held.authority;
    const referredOn = onWorkingDay(addDays(held.case.start_date, rng.int(1, 6)));
    const escalates = o.mappa_level === 3 && council === 'PERTH_AND_KINROSS';
    const level = escalates ? 2 : o.mappa_level;
    const decidedOn = addWorkingDays(referredOn, rng.int(1, 3));
    const { id: referralId, due } = addReferral({ offenderId: o.id, council, agency: council, category: o.mappa_category, level, referredOn, status: 'ACCEPTED', decidedOn });
    // The second person's first meeting slipped past the deadline: shown as late.
    const initialOn = k === 1 ? addWorkingDays(due!, 3) : addWorkingDays(referredOn, rng.int(8, 18));
    const p: Person = { offenderId: o.id, council, category: o.mappa_category, referredOn, initialOn, level, escalates, skipsLastReview: k === 0 };
    people.push(p);
    const interval = level === 3 ? L3_REVIEW_DAYS : L2_REVIEW_DAYS;
    addMeeting({
      level,
      kind: 'INITIAL',
      on: initialOn,
      people: [{ offenderId: o.id, referralId, council }],
      held: initialOn < today,
      nextReviewOn: addDays(initialOn, interval),
      decisions: [
        { offenderId: o.id, kind: 'LEVEL_CONFIRMED', note: `Managed at Level ${level}.` },
        { offenderId: o.id, kind: 'PLAN_AGREED', note: 'Risk management plan agreed by all agencies.' },
      ],
    });
    (p as Person & { referralId: string }).referralId = referralId;
  });

  // ---- Joint review meetings: Level 2 every 10 weeks, Level 3 every 5, most recent first ------
  const referralOf = (p: Person) => (p as Person & { referralId: string }).referralId;
  const panels: { level: number; on: string; last: boolean }[] = [];
  const earliest = people.reduce((d, p) => (p.initialOn < d ? p.initialOn : d), today);
  for (const [level, every] of [[2, L2_REVIEW_DAYS], [3, L3_REVIEW_DAYS]] as const) {
    let on = onWorkingDay(addDays(today, -rng.int(5, 20)));
    let last = true;
    while (on > earliest) {
      panels.push({ level, on, last });
      last = false;
      on = onWorkingDay(addDays(on, -every));
    }
  }
  panels.sort((a, b) => a.on.localeCompare(b.on) || a.level - b.level);
  for (const panel of panels) {
    const due = people.filter((p) => p.initialOn < panel.on && p.level === panel.level && !(panel.last && p.skipsLastReview));
    if (!due.length) continue;
    const escalated = due.filter((p) => p.escalates && p.level === 2);
    escalated.forEach((p) => (p.level = 3));
    const decisions = due.map((p) =>
      escalated.includes(p)
        ? { offenderId: p.offenderId, kind: 'LEVEL_CHANGE', levelTo: 3, note: 'Escalated to Level 3: new intelligence of contact with a child.' }
        : { offenderId: p.offenderId, kind: 'LEVEL_CONFIRMED' },
    );
    const highest = Math.max(...due.map((p) => p.level));
    const id = addMeeting({
      level: panel.level,
      kind: 'REVIEW',
      on: panel.on,
      people: due.map((p) => ({ offenderId: p.offenderId, referralId: referralOf(p), council: p.council })),
      held: true,
      nextReviewOn: addDays(panel.on, highest === 3 ? L3_REVIEW_DAYS : L2_REVIEW_DAYS),
      decisions,
    });
    for (const p of escalated) tables.mappa_levels.push({ id: nextId('ML'), offender_id: p.offenderId, level: 3, from_on: panel.on, council: p.council, source: 'MEETING', source_id: id });
  }
  // The calendar: the next review meeting of each level, with everyone now at that level.
  for (const level of [2, 3]) {
    const last = panels.filter((p) => p.level === level).at(-1);
    const due = people.filter((p) => p.level === level);
    if (last && due.length) addMeeting({ level, kind: 'REVIEW', on: onWorkingDay(addDays(last.on, level === 3 ? L3_REVIEW_DAYS : L2_REVIEW_DAYS)), people: due.map((p) => ({ offenderId: p.offenderId, referralId: referralOf(p), council: p.council })), held: false });
  }

  // ---- Other referrals: one waiting, one challenged, one person stepped down to Level 1 -------
  const levelOne = data.police.offenders.filter((o) => o.mappa_level === 1 && openCaseOf(o.id));
  const [waiting, challenged, steppedDown] = [levelOne[4], levelOne[9], levelOne[14]];
  if (waiting) addReferral({ offenderId: waiting.id, council: openCaseOf(waiting.id)!.authority, agency: 'POLICE', category: waiting.mappa_category, level: 2, referredOn: addWorkingDays(addDays(today, -7), 1), status: 'PENDING', decidedOn: null });
  if (challenged) {
    const on = addDays(today, -rng.int(60, 120));
    addReferral({ offenderId: challenged.id, council: openCaseOf(challenged.id)!.authority, agency: openCaseOf(challenged.id)!.authority, category: challenged.mappa_category, level: 2, referredOn: on, status: 'CHALLENGED', decidedOn: addDays(on, 2), decisionReason: 'The risk can be managed at Level 1 by one lead agency with the current plan; refer again if circumstances change.' });
  }
  if (steppedDown) {
    const council = openCaseOf(steppedDown.id)!.authority;
    const referredOn = onWorkingDay(addDays(today, -rng.int(500, 600)));
    const decidedOn = addWorkingDays(referredOn, 2);
    const { id: referralId } = addReferral({ offenderId: steppedDown.id, council, agency: council, category: steppedDown.mappa_category, level: 2, referredOn, status: 'ACCEPTED', decidedOn });
    const initialOn = addWorkingDays(referredOn, 12);
    const who = [{ offenderId: steppedDown.id, referralId, council }];
    addMeeting({ level: 2, kind: 'INITIAL', on: initialOn, people: who, held: true, nextReviewOn: addDays(initialOn, L2_REVIEW_DAYS), decisions: [{ offenderId: steppedDown.id, kind: 'PLAN_AGREED' }] });
    const reviewOn = onWorkingDay(addDays(initialOn, L2_REVIEW_DAYS - 7));
    const reviewId = addMeeting({ level: 2, kind: 'REVIEW', on: reviewOn, people: who, held: true, nextReviewOn: null, decisions: [{ offenderId: steppedDown.id, kind: 'LEVEL_CHANGE', levelTo: 1, note: 'Stable for six months; managed at Level 1 by CJSW.' }] });
    tables.mappa_levels.push({ id: nextId('ML'), offender_id: steppedDown.id, level: 1, from_on: reviewOn, council, source: 'MEETING', source_id: reviewId });
  }

  // ---- One executive summary released to a partner, in the register and the s.62 log ----------
  const released = (tables.meetings as { id: string; status: string; level: number }[]).find((m) => m.status === 'HELD' && m.level === 2);
  if (released) {
    const id = nextId('DS');
    const reason = 'Housing allocation for a Level 2 person: the housing service needs the agreed risk management arrangements.';
    tables.disclosures.push({ id, meeting_id: released.id, recipient_organisation: 'Angus Council Housing Service', reason, item: 'EXECUTIVE_SUMMARY', disclosed_by: 'demo-mappa-coordinator', disclosed_by_name: coordinator, disclosed_by_org: 'MAPPA_UNIT', justification: null, idempotency_key: `demo-${id}` });
    for (const p of (tables.meeting_people as { meeting_id: string; offender_id: string }[]).filter((x) => x.meeting_id === released.id)) {
      tables.audit_log.push({ event: 'DISCLOSURE', outcome: 'ALLOWED', actor_sub: 'demo-mappa-coordinator', actor_name: coordinator, actor_org: 'MAPPA_UNIT', actor_roles: ['MAPPA_COORDINATOR'], justification: reason, record_type: 'MappaMinutes', record_id: released.id, person_id: p.offender_id, fields: ['executiveSummary'], refused_fields: [], recipient: 'Angus Council Housing Service', note: `Release ${id}: executive summary only; full minutes withheld.` });
    }
  }

  // ---- The Tayside improvement actions: 2011 plan and progress since ---------------------------
  const progress = (actionId: string, on: string, note: string, status: string) =>
    tables.improvement_progress.push({ id: nextId('IP'), action_id: actionId, recorded_on: on, note, status, recorded_by: coordinator, idempotency_key: `demo-ip-${serial}` });
  progress('IA-T1', '2011-08-25', 'Multi-agency plan approved at the MAPPA Strategic Oversight Group.', 'IN_PROGRESS');
  progress('IA-T1', addDays(today, -200), 'Tayside contact standard adopted as one versioned document for all three councils and the police; compliance reported per council.', 'COMPLETE');
  progress('IA-T2', '2011-08-25', 'Multi-agency plan approved at the MAPPA Strategic Oversight Group.', 'IN_PROGRESS');
  progress('IA-T2', addDays(today, -90), 'Partner feedback questionnaire piloted with police and NHS Tayside after Level 2 meetings.', 'IN_PROGRESS');
  progress('IA-T3', '2011-08-25', 'Multi-agency plan approved at the MAPPA Strategic Oversight Group.', 'IN_PROGRESS');
  progress('IA-T3', addDays(today, -30), 'Annual report statistics published per council with rates per 100,000 population.', 'IN_PROGRESS');

  // Insertion order matters (foreign keys): drop empty tables, keep the order above.
  return Object.fromEntries(Object.entries(tables).filter(([, rows]) => rows.length));
}
