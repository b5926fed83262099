import { MigrationInterface, QueryRunner } from 'typeorm';

/** A council's case records. The same migrations build Dundee's, Angus's and Perth & Kinross's databases. */
export class CreateCaseRecords1764400000000 implements MigrationInterface {
  name = 'CreateCaseRecords1764400000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff (
        id text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('CASE_MANAGER','TEAM_MANAGER','SERVICE_MANAGER'))
      )`);
    await q.query(`
      CREATE TABLE cases (
        id text PRIMARY KEY,
        offender_id text NOT NULL,
        case_manager_id text NOT NULL REFERENCES staff(id),
        order_type text NOT NULL,
        start_date date NOT NULL,
        end_date date,
        status text NOT NULL CHECK (status IN ('OPEN','TRANSFERRED_OUT','CLOSED')),
        mappa_level int NOT NULL CHECK (mappa_level BETWEEN 1 AND 3),
        initial_risk_level text NOT NULL,
        transferred_from_case_id text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX cases_offender ON cases (offender_id)`);
    await q.query(`CREATE INDEX cases_newest ON cases (start_date DESC, id DESC)`);
    await q.query(`
      CREATE TABLE risk_assessments (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        tool text NOT NULL,
        tool_result text NOT NULL,
        risk_level text NOT NULL,
        assessed_on date NOT NULL,
        assessor_id text NOT NULL REFERENCES staff(id),
        next_review_due date,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX risk_assessments_case ON risk_assessments (case_id, assessed_on, created_at)`);
    await q.query(`
      CREATE TABLE contacts (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        occurred_on date NOT NULL,
        type text NOT NULL,
        outcome text NOT NULL,
        staff_id text NOT NULL REFERENCES staff(id),
        joint_with_police boolean NOT NULL DEFAULT false,
        notes text,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX contacts_case ON contacts (case_id, occurred_on)`);
    await q.query(`
      CREATE TABLE risk_management_plans (
        id text PRIMARY KEY,
        case_id text NOT NULL REFERENCES cases(id),
        version int NOT NULL,
        status text NOT NULL CHECK (status IN ('DRAFT','APPROVED','SUPERSEDED')),
        review_date date NOT NULL,
        approved_by text REFERENCES staff(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_id, version)
      )`);
    // The current risk level is derived, never stored: the latest assessment, else the level the case opened with.
    await q.query(`
      CREATE VIEW case_overview AS
      SELECT c.*, COALESCE(
        (SELECT a.risk_level FROM risk_assessments a WHERE a.case_id = c.id ORDER BY a.assessed_on DESC, a.created_at DESC LIMIT 1),
        c.initial_risk_level) AS risk_level
      FROM cases c`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP VIEW case_overview; DROP TABLE risk_management_plans, contacts, risk_assessments, cases, staff;');
  }
}

import { COUNCIL_FEATURES } from '../features';

/** Core tables first, then each feature's own migrations in the order features are listed. */
export const councilMigrations = [CreateCaseRecords1764400000000, ...COUNCIL_FEATURES.flatMap((f) => f.migrations ?? [])];
