import DataLoader from 'dataloader';
import { Database } from '../../shared/database';
import { groupBy, indexBy } from '../../shared/group';

export interface ReferralRow {
  id: string;
  offender_id: string;
  council: string;
  referring_agency: string;
  referrer_name: string;
  category: number;
  proposed_level: number;
  referred_on: string;
  setting: 'COMMUNITY' | 'CUSTODY';
  expected_release_on: string | null;
  reason: string;
  status: 'PENDING' | 'ACCEPTED' | 'CHALLENGED';
  decision_reason: string | null;
  decided_on: string | null;
  decided_by: string | null;
  first_meeting_due: string | null;
  version: number;
  created_by: string;
}

export interface MeetingRow {
  id: string;
  level: number;
  kind: 'INITIAL' | 'REVIEW';
  status: 'SCHEDULED' | 'HELD';
  scheduled_on: string;
  held_on: string | null;
  chair: string | null;
  next_review_on: string | null;
  version: number;
}

export interface MeetingPersonRow {
  meeting_id: string;
  offender_id: string;
  referral_id: string | null;
  position: number;
}

export interface AttendeeRow {
  meeting_id: string;
  position: number;
  name: string;
  agency: string;
  role: string;
}

export interface DecisionRow {
  meeting_id: string;
  position: number;
  offender_id: string;
  kind: string;
  level_to: number | null;
  note: string | null;
}

export interface ActionRow {
  id: string;
  meeting_id: string;
  offender_id: string | null;
  description: string;
  owner_name: string;
  owner_agency: string;
  due_on: string;
  completed_on: string | null;
  completion_note: string | null;
  version: number;
}

export interface MinutesRow {
  meeting_id: string;
  executive_summary: string;
  full_minutes: string;
  recorded_on: string;
}

export interface DisclosureRow {
  id: string;
  meeting_id: string;
  recipient_organisation: string;
  reason: string;
  item: string;
  disclosed_by: string;
  disclosed_by_name: string;
  disclosed_by_org: string;
  disclosed_at: Date;
}

/** A person's Level 2/3 management: current level plus where their meetings stand. */
export interface ManagementRow {
  offender_id: string;
  level: number;
  from_on: string;
  council: string;
  last_meeting_on: string | null;
  last_next_review_on: string | null;
  next_meeting_on: string | null;
  /** The first-meeting deadline of the latest accepted referral (until a first meeting is held). */
  first_meeting_due: string | null;
}

export interface ImprovementActionRow {
  id: string;
  reference: string;
  title: string;
  description: string;
  target_on: string | null;
  version: number;
}

export interface ImprovementProgressRow {
  action_id: string;
  recorded_on: string;
  note: string;
  status: string;
  recorded_by: string;
}

const MANAGEMENT_SQL = `
  SELECT l.offender_id, l.level, l.from_on, l.council,
    h.last_meeting_on, h.last_next_review_on, s.next_meeting_on, r.first_meeting_due
  FROM current_levels l
  LEFT JOIN LATERAL (
    SELECT m.held_on AS last_meeting_on, m.next_review_on AS last_next_review_on
    FROM meeting_people mp JOIN meetings m ON m.id = mp.meeting_id
    WHERE mp.offender_id = l.offender_id AND m.status = 'HELD'
    ORDER BY m.held_on DESC, m.created_at DESC LIMIT 1) h ON true
  LEFT JOIN LATERAL (
    SELECT min(m.scheduled_on) AS next_meeting_on
    FROM meeting_people mp JOIN meetings m ON m.id = mp.meeting_id
    WHERE mp.offender_id = l.offender_id AND m.status = 'SCHEDULED') s ON true
  LEFT JOIN LATERAL (
    SELECT first_meeting_due FROM referrals
    WHERE offender_id = l.offender_id AND status = 'ACCEPTED'
    ORDER BY referred_on DESC, created_at DESC LIMIT 1) r ON true
  WHERE l.offender_id = ANY($1)`;

/**
 * The agencies involved with a person: who referred them (once the co-ordinator has accepted the
 * referral: a referral alone must not open a person's MAPPA history to whoever made it), the
 * council responsible for them, and every agency that attended a meeting about them. Drives what
 * partners may read.
 */
const PERSON_INVOLVEMENT_SQL = `
  SELECT offender_id, array_agg(DISTINCT org) AS orgs FROM (
    SELECT offender_id, council AS org FROM referrals WHERE offender_id = ANY($1) AND status = 'ACCEPTED'
    UNION SELECT offender_id, referring_agency FROM referrals WHERE offender_id = ANY($1) AND status = 'ACCEPTED'
    UNION SELECT offender_id, council FROM mappa_levels WHERE offender_id = ANY($1)
    UNION SELECT mp.offender_id, a.agency FROM meeting_people mp JOIN meeting_attendees a ON a.meeting_id = mp.meeting_id WHERE mp.offender_id = ANY($1)
  ) x GROUP BY offender_id`;

/** The agencies involved with a meeting: those that attended, and those involved with anyone discussed. */
const MEETING_INVOLVEMENT_SQL = `
  SELECT meeting_id, array_agg(DISTINCT org) AS orgs FROM (
    SELECT meeting_id, agency AS org FROM meeting_attendees WHERE meeting_id = ANY($1)
    UNION SELECT mp.meeting_id, l.council FROM meeting_people mp JOIN mappa_levels l ON l.offender_id = mp.offender_id WHERE mp.meeting_id = ANY($1)
    UNION SELECT mp.meeting_id, r.council FROM meeting_people mp JOIN referrals r ON r.offender_id = mp.offender_id AND r.status = 'ACCEPTED' WHERE mp.meeting_id = ANY($1)
    UNION SELECT mp.meeting_id, r.referring_agency FROM meeting_people mp JOIN referrals r ON r.offender_id = mp.offender_id AND r.status = 'ACCEPTED' WHERE mp.meeting_id = ANY($1)
  ) x GROUP BY meeting_id`;

const orgsBy = (rows: { key: string; orgs: string[] }[], keys: readonly string[]) => {
  const found = indexBy(rows, (r) => r.key, keys);
  return found.map((r) => r?.orgs ?? []);
};

/** Per-request loaders: every relation and `__resolveReference` is one batched statement. */
export function coordinationLoaders(db: Database) {
  return {
    referral: new DataLoader<string, ReferralRow | null>(async (ids) => indexBy(await db.query<ReferralRow>('SELECT * FROM referrals WHERE id = ANY($1)', [ids]), (r) => r.id, ids)),
    referralsByOffender: new DataLoader<string, ReferralRow[]>(async (ids) =>
      groupBy(await db.query<ReferralRow>('SELECT * FROM referrals WHERE offender_id = ANY($1) ORDER BY referred_on DESC, created_at DESC', [ids]), (r) => r.offender_id, ids),
    ),
    meeting: new DataLoader<string, MeetingRow | null>(async (ids) => indexBy(await db.query<MeetingRow>('SELECT * FROM meetings WHERE id = ANY($1)', [ids]), (r) => r.id, ids)),
    meetingsByOffender: new DataLoader<string, MeetingRow[]>(async (ids) =>
      groupBy(
        await db.query<MeetingRow & { offender_id: string }>(
          `SELECT m.*, mp.offender_id FROM meeting_people mp JOIN meetings m ON m.id = mp.meeting_id
           WHERE mp.offender_id = ANY($1) ORDER BY coalesce(m.held_on, m.scheduled_on) DESC, m.id`,
          [ids],
        ),
        (r) => r.offender_id,
        ids,
      ),
    ),
    people: new DataLoader<string, MeetingPersonRow[]>(async (ids) =>
      groupBy(await db.query<MeetingPersonRow>('SELECT * FROM meeting_people WHERE meeting_id = ANY($1) ORDER BY position', [ids]), (r) => r.meeting_id, ids),
    ),
    attendees: new DataLoader<string, AttendeeRow[]>(async (ids) =>
      groupBy(await db.query<AttendeeRow>('SELECT * FROM meeting_attendees WHERE meeting_id = ANY($1) ORDER BY position', [ids]), (r) => r.meeting_id, ids),
    ),
    decisions: new DataLoader<string, DecisionRow[]>(async (ids) =>
      groupBy(await db.query<DecisionRow>('SELECT * FROM meeting_decisions WHERE meeting_id = ANY($1) ORDER BY position', [ids]), (r) => r.meeting_id, ids),
    ),
    actionsByMeeting: new DataLoader<string, ActionRow[]>(async (ids) =>
      groupBy(await db.query<ActionRow>('SELECT * FROM meeting_actions WHERE meeting_id = ANY($1) ORDER BY due_on, id', [ids]), (r) => r.meeting_id, ids),
    ),
    openActionsByOffender: new DataLoader<string, ActionRow[]>(async (ids) =>
      groupBy(
        await db.query<ActionRow & { offender_id: string }>('SELECT * FROM meeting_actions WHERE offender_id = ANY($1) AND completed_on IS NULL ORDER BY due_on, id', [ids]),
        (r) => r.offender_id,
        ids,
      ),
    ),
    minutes: new DataLoader<string, MinutesRow | null>(async (ids) => indexBy(await db.query<MinutesRow>('SELECT * FROM minutes WHERE meeting_id = ANY($1)', [ids]), (r) => r.meeting_id, ids)),
    disclosures: new DataLoader<string, DisclosureRow[]>(async (ids) =>
      groupBy(await db.query<DisclosureRow>('SELECT * FROM disclosures WHERE meeting_id = ANY($1) ORDER BY disclosed_at DESC, id', [ids]), (r) => r.meeting_id, ids),
    ),
    management: new DataLoader<string, ManagementRow | null>(async (ids) => indexBy(await db.query<ManagementRow>(MANAGEMENT_SQL, [ids]), (r) => r.offender_id, ids)),
    /** The first meeting held for each accepted referral: the earliest held meeting about that person on or after the referral date. */
    firstMeeting: new DataLoader<string, string | null>(async (ids) => {
      const rows = await db.query<{ id: string; first_on: string | null }>(
        `SELECT r.id, (SELECT min(m.held_on) FROM meeting_people mp JOIN meetings m ON m.id = mp.meeting_id
                       WHERE mp.offender_id = r.offender_id AND m.status = 'HELD' AND m.held_on >= r.referred_on) AS first_on
         FROM referrals r WHERE r.id = ANY($1)`,
        [ids],
      );
      return indexBy(rows, (r) => r.id, ids).map((r) => r?.first_on ?? null);
    }),
    personInvolvement: new DataLoader<string, string[]>(async (ids) =>
      orgsBy((await db.query<{ offender_id: string; orgs: string[] }>(PERSON_INVOLVEMENT_SQL, [ids])).map((r) => ({ key: r.offender_id, orgs: r.orgs })), ids),
    ),
    meetingInvolvement: new DataLoader<string, string[]>(async (ids) =>
      orgsBy((await db.query<{ meeting_id: string; orgs: string[] }>(MEETING_INVOLVEMENT_SQL, [ids])).map((r) => ({ key: r.meeting_id, orgs: r.orgs })), ids),
    ),
    improvementProgress: new DataLoader<string, ImprovementProgressRow[]>(async (ids) =>
      groupBy(await db.query<ImprovementProgressRow>('SELECT * FROM improvement_progress WHERE action_id = ANY($1) ORDER BY recorded_on, created_at', [ids]), (r) => r.action_id, ids),
    ),
  };
}
export type CoordinationLoaders = ReturnType<typeof coordinationLoaders>;

/** People currently managed at Level 2 or 3 (optionally one level), in id order. One statement. */
export async function managedPeople(db: Database, level: number | null): Promise<string[]> {
  const rows = await db.query<{ offender_id: string }>(
    `SELECT offender_id FROM current_levels WHERE level >= 2 AND ($1::int IS NULL OR level = $1) ORDER BY offender_id`,
    [level],
  );
  return rows.map((r) => r.offender_id);
}

/** Level 2 and 3 counts per council as at one date, from the level history. */
export async function levelCountsAt(db: Database, asOf: string): Promise<{ council: string; level: number; n: number }[]> {
  return db.query(
    `SELECT council, level, count(*)::int AS n FROM (
       SELECT DISTINCT ON (offender_id) offender_id, level, council FROM mappa_levels
       WHERE from_on <= $1 ORDER BY offender_id, from_on DESC, created_at DESC, id DESC) x
     WHERE level >= 2 GROUP BY council, level`,
    [asOf],
  );
}
