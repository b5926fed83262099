import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import { z } from 'zod';
import { AuthorityNames } from '../../schema/authorities';
import { CONTACT_OUTCOMES, CONTACT_TYPES, RISK_LEVELS } from '../../schema/domain';
import { badInput, conflict } from '../../schema/errors';
import { User } from '../../schema/identity';
import { Database } from '../shared/database';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../shared/validate';
import { AssessmentRow, ContactRow } from './data/cases';
import { addChronologyEntry } from './features/chronology';
import { applyToolRules, normaliseResult, TOOL_SCALE_NAMES } from './features/risk-tools';
import type { StandardSource } from './features/contact-standard/timeline';
import { addWorkingDays } from '../../schema/standard';
import { insertOnce, notAfterToday, requireWriter, staffMember, writableCase } from './case-access';
import { logEvent } from '../shared/audit-log';

/**
 * A council's case practice as domain functions: validate, authorise, write in one transaction.
 * Resolvers only translate GraphQL arguments into these calls.
 */
export interface CouncilDeps {
  db: Database;
  names: AuthorityNames;
  /** Tells the police register that this council holds a case. Throws a coded error on refusal. */
  notifyCaseHolder(holding: { offenderId: string; caseId: string; holding: boolean }): Promise<void>;
  /** Tells the police register about a breach (missed follow-up). Throws a coded error on failure. */
  notifyBreach(notice: { offenderId: string; caseId: string; failedOn: string; followUpDue: string; raisedOn: string }): Promise<void>;
  /** The contact standard versions this council runs (default: the shared ones). */
  standard: StandardSource;
  today(): string;
}

const ORDER_TYPES = ['LICENCE', 'COMMUNITY_PAYBACK_ORDER', 'SUPERVISED_RELEASE_ORDER', 'EXTENDED_SENTENCE', 'ORDER_FOR_LIFELONG_RESTRICTION', 'RSO_NOTIFICATION_ONLY'] as const;
const RISK_TOOLS = ['RM2000', 'SA07', 'LS_CMI', 'RSVP'] as const;

const openCaseInput = z.object({
  offenderId: id(),
  caseManagerId: id(),
  orderType: z.enum(ORDER_TYPES),
  startDate: isoDate(),
  mappaLevel: z.number().int().min(1, 'must be 1, 2 or 3').max(3, 'must be 1, 2 or 3'),
  initialRiskLevel: z.enum(RISK_LEVELS),
  subjectSex: z.enum(['MALE', 'FEMALE']).nullish(),
  subjectDateOfBirth: isoDate().nullish(),
  indexOffenceSexual: z.boolean().nullish(),
});

const assessmentInput = z.object({
  caseId: id(),
  tool: z.enum(RISK_TOOLS),
  scale: z.enum(TOOL_SCALE_NAMES).nullish(),
  toolResult: z.string().trim().min(1, 'is required').max(50),
  riskLevel: z.enum(RISK_LEVELS),
  assessedOn: isoDate(),
  assessorId: id(),
  nextReviewDue: isoDate().nullish(),
  idempotencyKey: idempotencyKey(),
});

const contactInput = z.object({
  caseId: id(),
  occurredOn: isoDate(),
  type: z.enum(CONTACT_TYPES),
  outcome: z.enum(CONTACT_OUTCOMES),
  staffMemberId: id(),
  jointWithPolice: z.boolean().nullish(),
  notes: freeText(4000).nullish(),
  idempotencyKey: idempotencyKey(),
});





/** The parts an event-recording input collected, by input field name (for the s.62 log). */
const collected = (input: Record<string, unknown>) =>
  Object.keys(input)
    .filter((k) => input[k] != null && k !== 'idempotencyKey' && k !== 'caseId')
    .sort();

/**
 * `alsoInTransaction` lets a caller that opens a case for a special reason (a transfer in) add its
 * own rows to the same transaction, before the police register is told. `justification` is the
 * reason the client gave (s.62), kept in the collection log.
 */
export async function openCase(
  user: User,
  raw: unknown,
  deps: CouncilDeps,
  alsoInTransaction?: (runner: QueryRunner, caseId: string) => Promise<void>,
  justification: string | null = null,
): Promise<string> {
  requireWriter(user, deps);
  const input = parseInput(openCaseInput, raw);
  if (input.subjectDateOfBirth) notAfterToday(input.subjectDateOfBirth, 'subjectDateOfBirth', deps);
  if (input.subjectDateOfBirth && input.subjectDateOfBirth >= input.startDate) throw badInput('subjectDateOfBirth', 'subjectDateOfBirth: must be before startDate.');
  const caseId = `${deps.names.caseIdPrefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
  await deps.db.transaction(async (runner) => {
    const manager = await staffMember(runner, input.caseManagerId, 'caseManagerId');
    if (manager.role !== 'CASE_MANAGER') throw badInput('caseManagerId', 'caseManagerId: must be a case manager.');
    const [existing] = (await runner.query(`SELECT id FROM cases WHERE offender_id = $1 AND status = 'OPEN'`, [input.offenderId])) as { id: string }[];
    if (existing) throw conflict(`${deps.names.displayName} already holds open case ${existing.id} for ${input.offenderId}.`);
    await runner.query(
      `INSERT INTO cases (id, offender_id, case_manager_id, order_type, start_date, status, mappa_level, initial_risk_level, subject_sex, subject_date_of_birth, index_offence_sexual)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $7, $8, $9, $10)`,
      [caseId, input.offenderId, input.caseManagerId, input.orderType, input.startDate, input.mappaLevel, input.initialRiskLevel, input.subjectSex ?? null, input.subjectDateOfBirth ?? null, input.indexOffenceSexual ?? null],
    );
    await addChronologyEntry(runner, {
      caseId,
      occurredOn: input.startDate,
      kind: 'CASE_OPENED',
      summary: `Case opened by ${deps.names.displayName} CJSW: ${input.orderType.toLowerCase().replaceAll('_', ' ')}, MAPPA level ${input.mappaLevel}, initial risk ${input.initialRiskLevel}.`,
      recordedBy: user.sub,
    });
    await alsoInTransaction?.(runner, caseId);
    // Inside the transaction: if the register refuses (unknown nominal) or is down, nothing is kept here.
    await deps.notifyCaseHolder({ offenderId: input.offenderId, caseId, holding: true });
    // Last, so the log's chain lock is held only for the commit, not across the call to the register.
    await logEvent(runner, { event: 'COLLECTION', actor: user, justification, recordType: 'CASE', recordId: caseId, personId: input.offenderId, fields: collected(input) });
  });
  return caseId;
}

export async function recordRiskAssessment(user: User, raw: unknown, deps: CouncilDeps, justification: string | null = null): Promise<AssessmentRow> {
  requireWriter(user, deps);
  const input = parseInput(assessmentInput, raw);
  notAfterToday(input.assessedOn, 'assessedOn', deps);
  if (input.nextReviewDue && input.nextReviewDue <= input.assessedOn) throw badInput('nextReviewDue', 'nextReviewDue: must be after assessedOn.');
  return deps.db.transaction(async (runner) => {
    const found = await writableCase(runner, input.caseId);
    if (input.assessedOn < found.start_date) throw badInput('assessedOn', 'assessedOn: is before the case started.');
    await staffMember(runner, input.assessorId, 'assessorId');
    const rules = await applyToolRules(runner, found, input);
    const [{ risk_level: before }] = (await runner.query('SELECT risk_level FROM case_overview WHERE id = $1', [input.caseId])) as { risk_level: string }[];
    const { row, created } = await insertOnce<AssessmentRow>(
      runner,
      'risk_assessments',
      {
        id: `RA-${randomUUID()}`,
        case_id: input.caseId,
        tool: input.tool,
        tool_result: normaliseResult(input.toolResult),
        scale: input.scale ?? null,
        indicated_risk_level: rules.indicatedRiskLevel,
        assessor_trained: rules.assessorTrained,
        risk_level: input.riskLevel,
        assessed_on: input.assessedOn,
        assessor_id: input.assessorId,
        next_review_due: rules.nextReviewDue,
        idempotency_key: input.idempotencyKey,
      },
      input.idempotencyKey,
    );
    if (created && before !== input.riskLevel) {
      await addChronologyEntry(runner, {
        caseId: input.caseId,
        occurredOn: input.assessedOn,
        kind: 'RISK_LEVEL_CHANGE',
        summary: `Risk of serious harm ${before} → ${input.riskLevel} (${input.tool} ${input.toolResult}).`,
        recordedBy: user.sub,
      });
    }
    if (created) {
      await logEvent(runner, { event: 'COLLECTION', actor: user, justification, recordType: 'RISK_ASSESSMENT', recordId: row.id, personId: found.offender_id, fields: collected(input), note: `case ${input.caseId}` });
    }
    return row;
  });
}

export async function recordContact(user: User, raw: unknown, deps: CouncilDeps, justification: string | null = null): Promise<ContactRow> {
  requireWriter(user, deps);
  const input = parseInput(contactInput, raw);
  notAfterToday(input.occurredOn, 'occurredOn', deps);
  const joint = input.type === 'JOINT_VISIT' || input.jointWithPolice === true;
  return deps.db.transaction(async (runner) => {
    const found = await writableCase(runner, input.caseId);
    if (input.occurredOn < found.start_date) throw badInput('occurredOn', 'occurredOn: is before the case started.');
    await staffMember(runner, input.staffMemberId, 'staffMemberId');
    const { row, created } = await insertOnce<ContactRow>(
      runner,
      'contacts',
      {
        id: `CT-${randomUUID()}`,
        case_id: input.caseId,
        occurred_on: input.occurredOn,
        type: input.type,
        outcome: input.outcome,
        staff_id: input.staffMemberId,
        joint_with_police: joint,
        notes: input.notes ?? null,
        idempotency_key: input.idempotencyKey,
      },
      input.idempotencyKey,
    );
    if (created && input.outcome === 'FAILED_TO_ATTEND') {
      // The failed appointment creates the follow-up obligation the standard enforces.
      await addChronologyEntry(runner, {
        caseId: input.caseId,
        occurredOn: input.occurredOn,
        kind: 'MISSED_APPOINTMENT',
        summary: `Failed to attend (${input.type.toLowerCase().replaceAll('_', ' ')}). Follow-up contact due by ${addWorkingDays(input.occurredOn, 2)}.`,
        recordedBy: user.sub,
      });
    }
    if (created) {
      await logEvent(runner, { event: 'COLLECTION', actor: user, justification, recordType: 'CONTACT', recordId: row.id, personId: found.offender_id, fields: collected(input), note: `case ${input.caseId}` });
    }
    return row;
  });
}

