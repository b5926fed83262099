import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import { z } from 'zod';
import { canCompleteMappaAction, canCoordinate, canMakeReferral, referringAgencyOf } from '../../schema/access';
import { AUTHORITIES } from '../../schema/domain';
import { appError, badInput, conflict, forbidden } from '../../schema/errors';
import { RequestIdentity, User } from '../../schema/identity';
import { logEvent } from '../shared/audit-log';
import { Database } from '../shared/database';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../shared/validate';
import { ActionRow, DisclosureRow, ImprovementActionRow, MeetingRow, MinutesRow, ReferralRow } from './data/records';
import { firstMeetingDue, maxReviewDate } from './rules';

/**
 * The MAPPA unit's practice as domain functions: validate, authorise, write in one transaction.
 * Resolvers only translate GraphQL arguments into these calls.
 */
export interface CoordinationDeps {
  db: Database;
  today(): string;
  /** Tells the police register the level a person is now managed at; throws a coded error on failure. */
  notifyRegisterLevel(notice: { offenderId: string; level: number; since: string }): Promise<void>;
}

export const MAPPA_AGENCIES = ['POLICE', 'DUNDEE', 'ANGUS', 'PERTH_AND_KINROSS', 'SCOTTISH_PRISON_SERVICE', 'NHS_TAYSIDE', 'HOUSING', 'MAPPA_UNIT', 'OTHER'] as const;
const DECISION_KINDS = ['LEVEL_CONFIRMED', 'LEVEL_CHANGE', 'PLAN_AGREED', 'OTHER'] as const;
const IMPROVEMENT_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'COMPLETE'] as const;

const level23 = () => z.number().int().min(2, 'must be 2 or 3').max(3, 'must be 2 or 3');
const version = () => z.number().int().min(1, 'must be the version you read');
const name = () => z.string().trim().min(2, 'is required').max(200);

function requireCoordinator(user: User, what: string): void {
  if (!canCoordinate(user)) throw forbidden(what);
}

function notAfter(date: string, today: string, field: string): void {
  if (date > today) throw badInput(field, `${field}: cannot be in the future.`);
}

/** A one-shot row insert keyed by an idempotency key: a retry returns the first row; a key reused for something else is refused. */
async function insertOnce<T>(runner: QueryRunner, table: string, columns: Record<string, unknown>, same: (first: T) => boolean): Promise<{ row: T; created: boolean }> {
  const names = Object.keys(columns);
  const inserted = (await runner.query(
    `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
    Object.values(columns),
  )) as T[];
  if (inserted[0]) return { row: inserted[0], created: true };
  const [first] = (await runner.query(`SELECT * FROM ${table} WHERE idempotency_key = $1`, [columns.idempotency_key])) as T[];
  if (!same(first)) throw badInput('idempotencyKey', 'idempotencyKey: already used for a different request.');
  return { row: first, created: false };
}

/** Optimistic concurrency: the row changes only if nobody changed it since `expected` was read. */
async function bumpVersion(runner: QueryRunner, table: string, rowId: string, expected: number, set: string, params: unknown[]): Promise<void> {
  // For an UPDATE, TypeORM's postgres driver answers [rows, affected count].
  const [, count] = (await runner.query(`UPDATE ${table} SET ${set}, version = version + 1 WHERE id = $1 AND version = $2`, [rowId, expected, ...params])) as [unknown[], number];
  if (count === 0) throw conflict('Someone else changed this record after you read it. Reload it and try again.');
}

/** The parts an input wrote, by input field name (for the s.62 log): never the values, nor the keys and versions that only steer the write. */
const collected = (input: Record<string, unknown>) =>
  Object.keys(input)
    .filter((k) => input[k] != null && !['idempotencyKey', 'expectedVersion', 'referralId', 'meetingId', 'actionId'].includes(k))
    .sort();

// ---- Referrals -------------------------------------------------------------------------------

const referralInput = z
  .object({
    offenderId: id(),
    council: z.enum(AUTHORITIES),
    referringAgency: z.enum(MAPPA_AGENCIES).nullish(),
    referrerName: name(),
    category: z.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3'),
    proposedLevel: level23(),
    referredOn: isoDate(),
    setting: z.enum(['COMMUNITY', 'CUSTODY']),
    expectedReleaseOn: isoDate().nullish(),
    reason: z.string().trim().min(10, 'must say why Level 2 or 3 is needed').max(4000),
    idempotencyKey: idempotencyKey(),
  })
  .superRefine((v, ctx) => {
    if (v.setting === 'CUSTODY' && !v.expectedReleaseOn) ctx.addIssue({ code: 'custom', path: ['expectedReleaseOn'], message: 'is required for a referral from custody' });
    if (v.setting === 'COMMUNITY' && v.expectedReleaseOn) ctx.addIssue({ code: 'custom', path: ['expectedReleaseOn'], message: 'applies only to a referral from custody' });
  });

export async function makeReferral(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<ReferralRow> {
  if (!canMakeReferral(user)) throw forbidden('MAPPA referrals');
  const input = parseInput(referralInput, raw);
  notAfter(input.referredOn, deps.today(), 'referredOn');
  if (input.expectedReleaseOn && input.expectedReleaseOn < input.referredOn) throw badInput('expectedReleaseOn', 'expectedReleaseOn: cannot be before the referral.');
  const own = referringAgencyOf(user);
  if (own === null && !input.referringAgency) throw badInput('referringAgency', 'referringAgency: say which agency the referral comes from.');
  if (own !== null && input.referringAgency && input.referringAgency !== own) throw badInput('referringAgency', `referringAgency: you refer for ${own} only.`);
  const agency = input.referringAgency ?? own!;
  return deps.db.transaction(async (runner) => {
    const { row, created } = await insertOnce<ReferralRow>(
      runner,
      'referrals',
      {
        id: `RF-${randomUUID().slice(0, 8).toUpperCase()}`,
        offender_id: input.offenderId,
        council: input.council,
        referring_agency: agency,
        referrer_name: input.referrerName,
        category: input.category,
        proposed_level: input.proposedLevel,
        referred_on: input.referredOn,
        setting: input.setting,
        expected_release_on: input.expectedReleaseOn ?? null,
        reason: input.reason,
        status: 'PENDING',
        created_by: user.sub,
        idempotency_key: input.idempotencyKey,
      },
      (first) => first.offender_id === input.offenderId,
    );
    if (created) {
      const [open] = (await runner.query(`SELECT id FROM referrals WHERE offender_id = $1 AND status = 'PENDING' AND id <> $2`, [input.offenderId, row.id])) as { id: string }[];
      if (open) throw conflict(`Referral ${open.id} for ${input.offenderId} is still waiting for a decision.`);
      await logEvent(runner, { event: 'COLLECTION', actor: user, justification, recordType: 'MappaReferral', recordId: row.id, personId: input.offenderId, fields: collected({ ...input, referringAgency: agency }) });
    }
    return row;
  });
}

const decideInput = z
  .object({
    referralId: id(),
    expectedVersion: version(),
    decision: z.enum(['ACCEPT', 'CHALLENGE']),
    reason: freeText(4000).trim().nullish(),
    decidedOn: isoDate().nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'CHALLENGE' && (!v.reason || v.reason.length < 10)) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'must say why the referral is challenged (at least 10 characters)' });
  });

/** Accepting starts Level 2/3 management at the proposed level and sets the first-meeting deadline. */
export async function decideReferral(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<string> {
  requireCoordinator(user, 'decisions on MAPPA referrals');
  const input = parseInput(decideInput, raw);
  const decidedOn = input.decidedOn ?? deps.today();
  notAfter(decidedOn, deps.today(), 'decidedOn');
  await deps.db.transaction(async (runner) => {
    const [referral] = (await runner.query('SELECT * FROM referrals WHERE id = $1 FOR UPDATE', [input.referralId])) as ReferralRow[];
    if (!referral) throw appError('NOT_FOUND', `Referral ${input.referralId} was not found.`, { field: 'referralId' });
    if (referral.version !== input.expectedVersion) throw conflict('Someone else changed this referral after you read it. Reload it and try again.');
    if (referral.status !== 'PENDING') throw conflict(`Referral ${referral.id} was already ${referral.status.toLowerCase()}.`);
    if (decidedOn < referral.referred_on) throw badInput('decidedOn', 'decidedOn: cannot be before the referral.');
    const accepted = input.decision === 'ACCEPT';
    const due = accepted ? firstMeetingDue(referral) : null;
    await bumpVersion(runner, 'referrals', referral.id, input.expectedVersion, 'status = $3, decision_reason = $4, decided_on = $5, decided_by = $6, first_meeting_due = $7', [
      accepted ? 'ACCEPTED' : 'CHALLENGED',
      input.reason ?? null,
      decidedOn,
      user.sub,
      due,
    ]);
    if (accepted) {
      await runner.query(`INSERT INTO mappa_levels (id, offender_id, level, from_on, council, source, source_id) VALUES ($1, $2, $3, $4, $5, 'REFERRAL', $6)`, [
        `ML-${randomUUID()}`,
        referral.offender_id,
        referral.proposed_level,
        decidedOn,
        referral.council,
        referral.id,
      ]);
      // One level everywhere: the register follows the MAPPA unit's decision, or nothing is kept.
      await deps.notifyRegisterLevel({ offenderId: referral.offender_id, level: referral.proposed_level, since: decidedOn });
    }
    await logEvent(runner, {
      event: 'ALTERATION',
      actor: user,
      justification,
      recordType: 'MappaReferral',
      recordId: referral.id,
      personId: referral.offender_id,
      fields: collected({ decision: input.decision, reason: input.reason, decidedOn }),
      note: accepted ? 'accepted: MAPPA management starts at the proposed level' : 'challenged',
    });
  });
  return input.referralId;
}

// ---- Meetings --------------------------------------------------------------------------------

const scheduleInput = z.object({
  level: level23(),
  kind: z.enum(['INITIAL', 'REVIEW']),
  scheduledOn: isoDate(),
  chair: name().nullish(),
  offenderIds: z.array(id()).min(1, 'must name at least one person').max(30, 'at most 30 people per meeting'),
  idempotencyKey: idempotencyKey(),
});

export async function scheduleMeeting(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<MeetingRow> {
  requireCoordinator(user, 'the MAPPA meeting calendar');
  const input = parseInput(scheduleInput, raw);
  if (new Set(input.offenderIds).size !== input.offenderIds.length) throw badInput('offenderIds', 'offenderIds: each person once.');
  return deps.db.transaction(async (runner) => {
    // Everyone discussed must have an accepted referral: that is what puts them in front of a Level 2/3 meeting.
    const referrals = (await runner.query(
      `SELECT DISTINCT ON (offender_id) id, offender_id FROM referrals WHERE offender_id = ANY($1) AND status = 'ACCEPTED' ORDER BY offender_id, referred_on DESC, created_at DESC`,
      [input.offenderIds],
    )) as { id: string; offender_id: string }[];
    const missing = input.offenderIds.filter((o) => !referrals.some((r) => r.offender_id === o));
    if (missing.length) throw badInput('offenderIds', `offenderIds: no accepted MAPPA referral for ${missing.join(', ')}.`);
    const { row, created } = await insertOnce<MeetingRow & { created_by: string }>(
      runner,
      'meetings',
      {
        id: `MT-${randomUUID().slice(0, 8).toUpperCase()}`,
        level: input.level,
        kind: input.kind,
        status: 'SCHEDULED',
        scheduled_on: input.scheduledOn,
        chair: input.chair ?? null,
        created_by: user.sub,
        idempotency_key: input.idempotencyKey,
      },
      (first) => first.scheduled_on === input.scheduledOn && first.level === input.level,
    );
    if (created) {
      await runner.query(
        `INSERT INTO meeting_people (meeting_id, offender_id, referral_id, position)
         SELECT $1, p.offender_id, r.id, p.position FROM unnest($2::text[]) WITH ORDINALITY AS p(offender_id, position)
         JOIN unnest($3::text[], $4::text[]) AS r(offender_id, id) ON r.offender_id = p.offender_id`,
        [row.id, input.offenderIds, referrals.map((r) => r.offender_id), referrals.map((r) => r.id)],
      );
      // One entry per person to be discussed, so a search by person finds it.
      for (const personId of input.offenderIds) {
        await logEvent(runner, { event: 'COLLECTION', actor: user, justification, recordType: 'MappaMeeting', recordId: row.id, personId, fields: collected(input) });
      }
    }
    return row;
  });
}

const outcomeInput = z.object({
  meetingId: id(),
  expectedVersion: version(),
  heldOn: isoDate(),
  attendees: z
    .array(z.object({ name: name(), agency: z.enum(MAPPA_AGENCIES), role: z.string().trim().min(2, 'is required').max(200) }))
    .min(2, 'a MAPPA meeting has at least two attendees')
    .max(40),
  decisions: z.array(z.object({ offenderId: id(), kind: z.enum(DECISION_KINDS), levelTo: z.number().int().min(1).max(3).nullish(), note: freeText(2000).nullish() })).max(100),
  actions: z
    .array(z.object({ offenderId: id().nullish(), description: z.string().trim().min(5, 'must say what is to be done').max(2000), ownerName: name(), ownerAgency: z.enum(MAPPA_AGENCIES), dueOn: isoDate() }))
    .max(100),
  nextReviewOn: isoDate().nullish(),
  minutes: z.object({
    executiveSummary: z.string().trim().min(20, 'must summarise the meeting (at least 20 characters)').max(4000),
    fullMinutes: z.string().trim().min(20, 'are required (at least 20 characters)').max(100_000),
  }),
});

/** Records a held meeting in one transaction: attendees, decisions (level changes included), actions, minutes, next review. */
export async function recordMeetingOutcome(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<string> {
  requireCoordinator(user, 'MAPPA meeting records');
  const input = parseInput(outcomeInput, raw);
  notAfter(input.heldOn, deps.today(), 'heldOn');
  if (new Set(input.attendees.map((a) => a.agency)).size < 2) throw badInput('attendees', 'attendees: a MAPPA meeting is multi-agency; at least two agencies must attend.');
  input.decisions.forEach((d, i) => {
    if (d.kind === 'LEVEL_CHANGE' && !d.levelTo) throw badInput(`decisions.${i}.levelTo`, `decisions.${i}.levelTo: a level change says the new level.`);
    if (d.kind !== 'LEVEL_CHANGE' && d.levelTo) throw badInput(`decisions.${i}.levelTo`, `decisions.${i}.levelTo: only a level change sets a level.`);
  });
  input.actions.forEach((a, i) => {
    if (a.dueOn < input.heldOn) throw badInput(`actions.${i}.dueOn`, `actions.${i}.dueOn: cannot be before the meeting.`);
  });
  await deps.db.transaction(async (runner) => {
    const [meeting] = (await runner.query('SELECT * FROM meetings WHERE id = $1 FOR UPDATE', [input.meetingId])) as MeetingRow[];
    if (!meeting) throw appError('NOT_FOUND', `Meeting ${input.meetingId} was not found.`, { field: 'meetingId' });
    if (meeting.version !== input.expectedVersion) throw conflict('Someone else changed this meeting after you read it. Reload it and try again.');
    if (meeting.status !== 'SCHEDULED') throw conflict(`Meeting ${meeting.id} is already recorded as held.`);
    const people = ((await runner.query('SELECT offender_id FROM meeting_people WHERE meeting_id = $1', [meeting.id])) as { offender_id: string }[]).map((p) => p.offender_id);
    input.decisions.forEach((d, i) => {
      if (!people.includes(d.offenderId)) throw badInput(`decisions.${i}.offenderId`, `decisions.${i}.offenderId: ${d.offenderId} was not discussed at this meeting.`);
    });
    input.actions.forEach((a, i) => {
      if (a.offenderId && !people.includes(a.offenderId)) throw badInput(`actions.${i}.offenderId`, `actions.${i}.offenderId: ${a.offenderId} was not discussed at this meeting.`);
    });
    // Everyone who stays at Level 2 or 3 needs a review date, no later than the level allows.
    const current = (await runner.query('SELECT offender_id, level, council FROM current_levels WHERE offender_id = ANY($1)', [people])) as { offender_id: string; level: number; council: string }[];
    const levelAfter = (o: string) => [...input.decisions].reverse().find((d) => d.offenderId === o && d.kind === 'LEVEL_CHANGE')?.levelTo ?? current.find((c) => c.offender_id === o)?.level ?? meeting.level;
    const highest = Math.max(...people.map(levelAfter));
    if (highest >= 2) {
      if (!input.nextReviewOn) throw badInput('nextReviewOn', 'nextReviewOn: required while anyone discussed stays at Level 2 or 3.');
      if (input.nextReviewOn <= input.heldOn) throw badInput('nextReviewOn', 'nextReviewOn: must be after the meeting.');
      const latest = maxReviewDate(highest, input.heldOn);
      if (input.nextReviewOn > latest) throw badInput('nextReviewOn', `nextReviewOn: Level ${highest} must be reviewed by ${latest}.`);
    }
    await bumpVersion(runner, 'meetings', meeting.id, input.expectedVersion, `status = 'HELD', held_on = $3, next_review_on = $4`, [input.heldOn, input.nextReviewOn ?? null]);
    if (input.attendees.length) {
      await runner.query(
        `INSERT INTO meeting_attendees (meeting_id, position, name, agency, role) SELECT $1, a.position, a.name, a.agency, a.role
         FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS a(name, agency, role, position)`,
        [meeting.id, input.attendees.map((a) => a.name), input.attendees.map((a) => a.agency), input.attendees.map((a) => a.role)],
      );
    }
    if (input.decisions.length) {
      await runner.query(
        `INSERT INTO meeting_decisions (meeting_id, position, offender_id, kind, level_to, note) SELECT $1, d.position, d.offender_id, d.kind, d.level_to, d.note
         FROM unnest($2::text[], $3::text[], $4::int[], $5::text[]) WITH ORDINALITY AS d(offender_id, kind, level_to, note, position)`,
        [meeting.id, input.decisions.map((d) => d.offenderId), input.decisions.map((d) => d.kind), input.decisions.map((d) => d.levelTo ?? null), input.decisions.map((d) => d.note ?? null)],
      );
      const changes = input.decisions.filter((d) => d.kind === 'LEVEL_CHANGE');
      if (changes.length) {
        await runner.query(
          `INSERT INTO mappa_levels (id, offender_id, level, from_on, council, source, source_id)
           SELECT c.id, c.offender_id, c.level_to, $1, coalesce(l.council, r.council), 'MEETING', $2
           FROM unnest($3::text[], $4::text[], $5::int[]) WITH ORDINALITY AS c(id, offender_id, level_to, position)
           JOIN meeting_people mp ON mp.meeting_id = $2 AND mp.offender_id = c.offender_id
           JOIN referrals r ON r.id = mp.referral_id
           LEFT JOIN current_levels l ON l.offender_id = c.offender_id
           ORDER BY c.position`,
          [input.heldOn, meeting.id, changes.map(() => `ML-${randomUUID()}`), changes.map((c) => c.offenderId), changes.map((c) => c.levelTo)],
        );
        for (const c of changes) await deps.notifyRegisterLevel({ offenderId: c.offenderId, level: c.levelTo!, since: input.heldOn });
      }
    }
    if (input.actions.length) {
      await runner.query(
        `INSERT INTO meeting_actions (id, meeting_id, offender_id, description, owner_name, owner_agency, due_on)
         SELECT a.id, $1, a.offender_id, a.description, a.owner_name, a.owner_agency, a.due_on
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[]) AS a(id, offender_id, description, owner_name, owner_agency, due_on)`,
        [
          meeting.id,
          input.actions.map(() => `AC-${randomUUID().slice(0, 8).toUpperCase()}`),
          input.actions.map((a) => a.offenderId ?? null),
          input.actions.map((a) => a.description),
          input.actions.map((a) => a.ownerName),
          input.actions.map((a) => a.ownerAgency),
          input.actions.map((a) => a.dueOn),
        ],
      );
    }
    await runner.query('INSERT INTO minutes (meeting_id, executive_summary, full_minutes, recorded_on, recorded_by) VALUES ($1, $2, $3, $4, $5)', [
      meeting.id,
      input.minutes.executiveSummary,
      input.minutes.fullMinutes,
      deps.today(),
      user.sub,
    ]);
    // One entry per person discussed, naming the parts of the record that concern them.
    for (const personId of people) {
      const fields = [
        ...(input.actions.some((a) => a.offenderId === personId) ? ['actions'] : []),
        'attendees',
        ...(input.decisions.some((d) => d.offenderId === personId) ? ['decisions'] : []),
        'heldOn',
        'minutes',
        ...(input.nextReviewOn ? ['nextReviewOn'] : []),
      ];
      await logEvent(runner, { event: 'ALTERATION', actor: user, justification, recordType: 'MappaMeeting', recordId: meeting.id, personId, fields, note: 'recorded as held' });
    }
  });
  return input.meetingId;
}

const completeInput = z.object({
  actionId: id(),
  expectedVersion: version(),
  completedOn: isoDate(),
  note: freeText(2000).nullish(),
});

export async function completeAction(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<string> {
  const input = parseInput(completeInput, raw);
  notAfter(input.completedOn, deps.today(), 'completedOn');
  await deps.db.transaction(async (runner) => {
    const [action] = (await runner.query('SELECT a.*, m.held_on FROM meeting_actions a JOIN meetings m ON m.id = a.meeting_id WHERE a.id = $1 FOR UPDATE OF a', [input.actionId])) as (ActionRow & {
      held_on: string;
    })[];
    if (!action) throw appError('NOT_FOUND', `Action ${input.actionId} was not found.`, { field: 'actionId' });
    if (!canCompleteMappaAction(user, action.owner_agency)) throw forbidden(`action ${action.id}`);
    if (action.completed_on) throw conflict(`Action ${action.id} was already completed on ${action.completed_on}.`);
    if (input.completedOn < action.held_on) throw badInput('completedOn', 'completedOn: cannot be before the meeting that set the action.');
    await bumpVersion(runner, 'meeting_actions', action.id, input.expectedVersion, 'completed_on = $3, completion_note = $4, completed_by = $5', [input.completedOn, input.note ?? null, user.sub]);
    await logEvent(runner, { event: 'ALTERATION', actor: user, justification, recordType: 'MappaAction', recordId: action.id, personId: action.offender_id, fields: collected(input) });
  });
  return input.actionId;
}

// ---- Minutes and disclosure --------------------------------------------------------------------

const releaseInput = z.object({
  meetingId: id(),
  recipientOrganisation: z.string().trim().min(3, 'must name the organisation').max(200),
  reason: z.string().trim().min(10, 'must give the lawful purpose of sharing (at least 10 characters)').max(1000),
  idempotencyKey: idempotencyKey(),
});

/**
 * Releases the executive summary, and only that, to a named partner organisation, and writes the
 * disclosure log entry (who, to whom, why, when) in the same transaction: no release without
 * its log entry.
 */
export async function releaseExecutiveSummary(identity: RequestIdentity, raw: unknown, deps: CoordinationDeps): Promise<{ disclosure: DisclosureRow; summary: string }> {
  const user = identity.user;
  requireCoordinator(user, 'releases of MAPPA minutes');
  const input = parseInput(releaseInput, raw);
  return deps.db.transaction(async (runner) => {
    const [minutes] = (await runner.query('SELECT * FROM minutes WHERE meeting_id = $1', [input.meetingId])) as MinutesRow[];
    if (!minutes) {
      const [meeting] = (await runner.query('SELECT id FROM meetings WHERE id = $1', [input.meetingId])) as { id: string }[];
      if (!meeting) throw appError('NOT_FOUND', `Meeting ${input.meetingId} was not found.`, { field: 'meetingId' });
      throw conflict(`Meeting ${input.meetingId} has no minutes yet: there is nothing to release.`);
    }
    const { row, created } = await insertOnce<DisclosureRow>(
      runner,
      'disclosures',
      {
        id: `DS-${randomUUID().slice(0, 8).toUpperCase()}`,
        meeting_id: input.meetingId,
        recipient_organisation: input.recipientOrganisation,
        reason: input.reason,
        item: 'EXECUTIVE_SUMMARY',
        disclosed_by: user.sub,
        disclosed_by_name: user.name,
        disclosed_by_org: user.org,
        justification: identity.justification,
        idempotency_key: input.idempotencyKey,
      },
      (first) => first.meeting_id === input.meetingId && first.recipient_organisation === input.recipientOrganisation,
    );
    if (created) {
      // The s.62 disclosure log, one entry per person discussed so a subject access search finds it.
      const people = ((await runner.query('SELECT offender_id FROM meeting_people WHERE meeting_id = $1 ORDER BY position', [input.meetingId])) as { offender_id: string }[]).map((p) => p.offender_id);
      for (const personId of people.length ? people : [null]) {
        await logEvent(runner, {
          event: 'DISCLOSURE',
          actor: user,
          justification: input.reason,
          recordType: 'MappaMinutes',
          recordId: input.meetingId,
          personId,
          fields: ['executiveSummary'],
          recipient: input.recipientOrganisation,
          note: `Release ${row.id}: executive summary only; full minutes withheld.`,
        });
      }
    }
    return { disclosure: row, summary: minutes.executive_summary };
  });
}

// ---- Tayside improvement actions -------------------------------------------------------------

const progressInput = z
  .object({
    actionId: id(),
    recordedOn: isoDate(),
    note: z.string().trim().min(5, 'must say what progress was made').max(4000),
    status: z.enum(IMPROVEMENT_STATUSES).nullish(),
    expectedVersion: version().nullish(),
    idempotencyKey: idempotencyKey(),
  })
  .superRefine((v, ctx) => {
    if (v.status && !v.expectedVersion) ctx.addIssue({ code: 'custom', path: ['expectedVersion'], message: 'is required to change the status' });
  });

export async function recordImprovementProgress(user: User, raw: unknown, deps: CoordinationDeps, justification: string | null = null): Promise<string> {
  requireCoordinator(user, 'the Tayside improvement plan');
  const input = parseInput(progressInput, raw);
  notAfter(input.recordedOn, deps.today(), 'recordedOn');
  await deps.db.transaction(async (runner) => {
    const [action] = (await runner.query('SELECT * FROM improvement_actions WHERE id = $1 FOR UPDATE', [input.actionId])) as ImprovementActionRow[];
    if (!action) throw appError('NOT_FOUND', `Improvement action ${input.actionId} was not found.`, { field: 'actionId' });
    const [latest] = (await runner.query('SELECT status FROM improvement_progress WHERE action_id = $1 ORDER BY recorded_on DESC, created_at DESC LIMIT 1', [action.id])) as { status: string }[];
    const current = latest?.status ?? 'NOT_STARTED';
    // A status change is an edit of the action: two people changing it at once must not both win.
    if (input.status && input.status !== current && input.expectedVersion !== action.version) throw conflict('Someone else changed this action after you read it. Reload it and try again.');
    const { created } = await insertOnce<{ action_id: string }>(
      runner,
      'improvement_progress',
      {
        id: `IP-${randomUUID()}`,
        action_id: action.id,
        recorded_on: input.recordedOn,
        note: input.note,
        status: input.status ?? current,
        recorded_by: user.name,
        idempotency_key: input.idempotencyKey,
      },
      (first) => first.action_id === action.id,
    );
    if (created && input.status && input.status !== current) await runner.query('UPDATE improvement_actions SET version = version + 1 WHERE id = $1', [action.id]);
    // Not about any person: logged for self-monitoring only.
    if (created) await logEvent(runner, { event: 'ALTERATION', actor: user, justification, recordType: 'TaysideImprovementAction', recordId: action.id, personId: null, fields: collected(input) });
  });
  return input.actionId;
}
