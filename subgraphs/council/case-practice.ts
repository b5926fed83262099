import { randomUUID } from 'node:crypto';
import { QueryRunner } from 'typeorm';
import { z } from 'zod';
import { canChangeCase } from '../../schema/access';
import { AuthorityNames } from '../../schema/authorities';
import { CONTACT_OUTCOMES, CONTACT_TYPES, RISK_LEVELS } from '../../schema/domain';
import { appError, badInput, conflict, forbidden } from '../../schema/errors';
import { User } from '../../schema/identity';
import { Database } from '../shared/database';
import { freeText, id, idempotencyKey, isoDate, parseInput } from '../shared/validate';
import { AssessmentRow, CaseRow, ContactRow, StaffRow } from './data/cases';

/**
 * A council's case practice as domain functions: validate, authorise, write in one transaction.
 * Resolvers only translate GraphQL arguments into these calls.
 */
export interface CouncilDeps {
  db: Database;
  names: AuthorityNames;
  /** Tells the police register that this council holds a case. Throws a coded error on refusal. */
  notifyCaseHolder(holding: { offenderId: string; caseId: string; holding: boolean }): Promise<void>;
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
});

const assessmentInput = z.object({
  caseId: id(),
  tool: z.enum(RISK_TOOLS),
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

function requireWriter(user: User, deps: CouncilDeps): void {
  if (!canChangeCase(user, deps.names.authority)) throw forbidden(`${deps.names.displayName} cases`);
}

async function staffMember(runner: QueryRunner, staffId: string, field: string): Promise<StaffRow> {
  const [row] = (await runner.query('SELECT * FROM staff WHERE id = $1', [staffId])) as StaffRow[];
  if (!row) throw badInput(field, `${field}: no staff member ${staffId} in this council.`);
  return row;
}

/** Locks the case row for the write, and refuses history kept read-only after a transfer or closure. */
async function openCaseForUpdate(runner: QueryRunner, caseId: string): Promise<CaseRow> {
  const [row] = (await runner.query('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [caseId])) as CaseRow[];
  if (!row) throw appError('NOT_FOUND', `Case ${caseId} was not found.`, { field: 'caseId' });
  if (row.status !== 'OPEN') throw conflict(`Case ${caseId} is ${row.status.toLowerCase().replace('_', ' ')} and read-only.`);
  return row;
}

function notAfterToday(date: string, field: string, deps: CouncilDeps): void {
  if (date > deps.today()) throw badInput(field, `${field}: cannot be in the future.`);
}

export async function openCase(user: User, raw: unknown, deps: CouncilDeps): Promise<string> {
  requireWriter(user, deps);
  const input = parseInput(openCaseInput, raw);
  const caseId = `${deps.names.caseIdPrefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
  await deps.db.transaction(async (runner) => {
    const manager = await staffMember(runner, input.caseManagerId, 'caseManagerId');
    if (manager.role !== 'CASE_MANAGER') throw badInput('caseManagerId', 'caseManagerId: must be a case manager.');
    const [existing] = (await runner.query(`SELECT id FROM cases WHERE offender_id = $1 AND status = 'OPEN'`, [input.offenderId])) as { id: string }[];
    if (existing) throw conflict(`${deps.names.displayName} already holds open case ${existing.id} for ${input.offenderId}.`);
    await runner.query(
      `INSERT INTO cases (id, offender_id, case_manager_id, order_type, start_date, status, mappa_level, initial_risk_level)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $7)`,
      [caseId, input.offenderId, input.caseManagerId, input.orderType, input.startDate, input.mappaLevel, input.initialRiskLevel],
    );
    // Inside the transaction: if the register refuses (unknown nominal) or is down, nothing is kept here.
    await deps.notifyCaseHolder({ offenderId: input.offenderId, caseId, holding: true });
  });
  return caseId;
}

/**
 * Inserts an event row once per idempotency key. A retry with the same key returns the first row;
 * the same key reused for a different case is a client bug and is refused.
 */
async function insertOnce<T extends { case_id: string }>(runner: QueryRunner, table: string, columns: Record<string, unknown>, key: string): Promise<T> {
  const names = Object.keys(columns);
  const inserted = (await runner.query(
    `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`,
    Object.values(columns),
  )) as T[];
  if (inserted[0]) return inserted[0];
  const [first] = (await runner.query(`SELECT * FROM ${table} WHERE idempotency_key = $1`, [key])) as T[];
  if (first.case_id !== columns.case_id) throw badInput('idempotencyKey', 'idempotencyKey: already used for another case.');
  return first;
}

export async function recordRiskAssessment(user: User, raw: unknown, deps: CouncilDeps): Promise<AssessmentRow> {
  requireWriter(user, deps);
  const input = parseInput(assessmentInput, raw);
  notAfterToday(input.assessedOn, 'assessedOn', deps);
  if (input.nextReviewDue && input.nextReviewDue <= input.assessedOn) throw badInput('nextReviewDue', 'nextReviewDue: must be after assessedOn.');
  return deps.db.transaction(async (runner) => {
    const found = await openCaseForUpdate(runner, input.caseId);
    if (input.assessedOn < found.start_date) throw badInput('assessedOn', 'assessedOn: is before the case started.');
    await staffMember(runner, input.assessorId, 'assessorId');
    return insertOnce<AssessmentRow>(
      runner,
      'risk_assessments',
      {
        id: `RA-${randomUUID()}`,
        case_id: input.caseId,
        tool: input.tool,
        tool_result: input.toolResult,
        risk_level: input.riskLevel,
        assessed_on: input.assessedOn,
        assessor_id: input.assessorId,
        next_review_due: input.nextReviewDue ?? null,
        idempotency_key: input.idempotencyKey,
      },
      input.idempotencyKey,
    );
  });
}

export async function recordContact(user: User, raw: unknown, deps: CouncilDeps): Promise<ContactRow> {
  requireWriter(user, deps);
  const input = parseInput(contactInput, raw);
  notAfterToday(input.occurredOn, 'occurredOn', deps);
  const joint = input.type === 'JOINT_VISIT' || input.jointWithPolice === true;
  return deps.db.transaction(async (runner) => {
    const found = await openCaseForUpdate(runner, input.caseId);
    if (input.occurredOn < found.start_date) throw badInput('occurredOn', 'occurredOn: is before the case started.');
    await staffMember(runner, input.staffMemberId, 'staffMemberId');
    return insertOnce<ContactRow>(
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
  });
}

