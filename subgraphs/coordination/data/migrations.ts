import { MigrationInterface, QueryRunner } from 'typeorm';
import { CreateAuditLog1764400050000 } from '../../shared/audit-log';

/**
 * The MAPPA unit's own records. No offender or case data lives here: people are named by their
 * register id only, and everything else about them is read from its owner at query time.
 */
export class CreateCoordinationRecords1764400200000 implements MigrationInterface {
  name = 'CreateCoordinationRecords1764400200000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referrals (
        id text PRIMARY KEY,
        offender_id text NOT NULL,
        council text NOT NULL,
        referring_agency text NOT NULL,
        referrer_name text NOT NULL,
        category int NOT NULL CHECK (category BETWEEN 1 AND 3),
        proposed_level int NOT NULL CHECK (proposed_level IN (2, 3)),
        referred_on date NOT NULL,
        setting text NOT NULL CHECK (setting IN ('COMMUNITY','CUSTODY')),
        expected_release_on date,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','ACCEPTED','CHALLENGED')),
        decision_reason text,
        decided_on date,
        decided_by text,
        first_meeting_due date,
        version int NOT NULL DEFAULT 1,
        created_by text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX referrals_offender ON referrals (offender_id, referred_on)');
    await q.query(`
      CREATE TABLE meetings (
        id text PRIMARY KEY,
        level int NOT NULL CHECK (level IN (2, 3)),
        kind text NOT NULL CHECK (kind IN ('INITIAL','REVIEW')),
        status text NOT NULL CHECK (status IN ('SCHEDULED','HELD')),
        scheduled_on date NOT NULL,
        held_on date,
        chair text,
        next_review_on date,
        version int NOT NULL DEFAULT 1,
        created_by text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX meetings_calendar ON meetings (coalesce(held_on, scheduled_on), id)');
    await q.query(`
      CREATE TABLE meeting_people (
        meeting_id text NOT NULL REFERENCES meetings(id),
        offender_id text NOT NULL,
        referral_id text REFERENCES referrals(id),
        position int NOT NULL,
        PRIMARY KEY (meeting_id, offender_id)
      )`);
    await q.query('CREATE INDEX meeting_people_offender ON meeting_people (offender_id)');
    await q.query(`
      CREATE TABLE meeting_attendees (
        meeting_id text NOT NULL REFERENCES meetings(id),
        position int NOT NULL,
        name text NOT NULL,
        agency text NOT NULL,
        role text NOT NULL,
        PRIMARY KEY (meeting_id, position)
      )`);
    await q.query(`
      CREATE TABLE meeting_decisions (
        meeting_id text NOT NULL REFERENCES meetings(id),
        position int NOT NULL,
        offender_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('LEVEL_CONFIRMED','LEVEL_CHANGE','PLAN_AGREED','OTHER')),
        level_to int CHECK (level_to BETWEEN 1 AND 3),
        note text,
        PRIMARY KEY (meeting_id, position)
      )`);
    await q.query(`
      CREATE TABLE meeting_actions (
        id text PRIMARY KEY,
        meeting_id text NOT NULL REFERENCES meetings(id),
        offender_id text,
        description text NOT NULL,
        owner_name text NOT NULL,
        owner_agency text NOT NULL,
        due_on date NOT NULL,
        completed_on date,
        completion_note text,
        completed_by text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX meeting_actions_open ON meeting_actions (offender_id, due_on) WHERE completed_on IS NULL');
    await q.query('CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id)');
    await q.query(`
      CREATE TABLE minutes (
        meeting_id text PRIMARY KEY REFERENCES meetings(id),
        executive_summary text NOT NULL,
        full_minutes text NOT NULL,
        recorded_on date NOT NULL,
        recorded_by text NOT NULL
      )`);
    // Level 2/3 management over time: one row per decision. The latest row per person is their current level.
    await q.query(`
      CREATE TABLE mappa_levels (
        id text PRIMARY KEY,
        offender_id text NOT NULL,
        level int NOT NULL CHECK (level BETWEEN 1 AND 3),
        from_on date NOT NULL,
        council text NOT NULL,
        source text NOT NULL CHECK (source IN ('REFERRAL','MEETING')),
        source_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX mappa_levels_offender ON mappa_levels (offender_id, from_on DESC, created_at DESC)');
    await q.query(`
      CREATE VIEW current_levels AS
      SELECT DISTINCT ON (offender_id) offender_id, level, from_on, council
      FROM mappa_levels ORDER BY offender_id, from_on DESC, created_at DESC, id DESC`);
    // The release register: each executive summary released outside the unit, appended to and
    // never changed (the trigger makes that a property of the database). Every release is also
    // written to the s.62 log (audit_log) in the same transaction.
    await q.query(`
      CREATE TABLE disclosures (
        id text PRIMARY KEY,
        meeting_id text NOT NULL REFERENCES meetings(id),
        recipient_organisation text NOT NULL,
        reason text NOT NULL,
        item text NOT NULL CHECK (item = 'EXECUTIVE_SUMMARY'),
        disclosed_by text NOT NULL,
        disclosed_by_name text NOT NULL,
        disclosed_by_org text NOT NULL,
        justification text,
        disclosed_at timestamptz NOT NULL DEFAULT now(),
        idempotency_key text NOT NULL UNIQUE
      )`);
    await q.query(`
      CREATE FUNCTION disclosures_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the disclosure log is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER disclosures_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON disclosures
      FOR EACH STATEMENT EXECUTE FUNCTION disclosures_append_only()`);
    await q.query(`
      CREATE TABLE improvement_actions (
        id text PRIMARY KEY,
        reference text NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL,
        target_on date,
        version int NOT NULL DEFAULT 1
      )`);
    await q.query(`
      CREATE TABLE improvement_progress (
        id text PRIMARY KEY,
        action_id text NOT NULL REFERENCES improvement_actions(id),
        recorded_on date NOT NULL,
        note text NOT NULL,
        status text NOT NULL CHECK (status IN ('NOT_STARTED','IN_PROGRESS','COMPLETE')),
        recorded_by text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The three Tayside-wide actions of the 2011 self-evaluation (Dundee report 354-2011, 4.4.10):
    // reference data every deployment starts with, so they live in the migration. An action's
    // status is that of its latest progress note (NOT_STARTED before the first).
    await q.query(
      `INSERT INTO improvement_actions (id, reference, title, description) VALUES
       ('IA-T1', 'T1', 'Area-wide contact standards', 'Agreed area wide standards on appropriate levels of contact with high risk of harm offenders.'),
       ('IA-T2', 'T2', 'Partner feedback framework', 'A framework for feedback from partner agencies on Social Work services with high risk of harm offenders.'),
       ('IA-T3', 'T3', 'Public information', 'Enhancing public information on the risk assessment and risk management of high risk of harm offenders.')`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE improvement_progress, improvement_actions, disclosures; DROP FUNCTION disclosures_append_only; DROP VIEW current_levels; DROP TABLE mappa_levels, minutes, meeting_actions, meeting_decisions, meeting_attendees, meeting_people, meetings, referrals',
    );
  }
}

/** The shared s.62 log first (the police register and every council run the same one), then the unit's records. */
export const coordinationMigrations = [CreateAuditLog1764400050000, CreateCoordinationRecords1764400200000];
