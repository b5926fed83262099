import { MigrationInterface, QueryRunner } from 'typeorm';

/** The police register's schema. Migrations only ever move forward; `synchronize` is never used. */
export class CreateRegister1764400000000 implements MigrationInterface {
  name = 'CreateRegister1764400000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE offenders (
        id text PRIMARY KEY,
        first_name text NOT NULL,
        last_name text NOT NULL,
        date_of_birth date NOT NULL,
        sex text NOT NULL CHECK (sex IN ('MALE','FEMALE')),
        mappa_category int NOT NULL CHECK (mappa_category BETWEEN 1 AND 3),
        mappa_level int NOT NULL CHECK (mappa_level BETWEEN 1 AND 3),
        council_area text NOT NULL,
        responsible_authority text NOT NULL,
        police_risk_level text NOT NULL,
        registered_on date,
        notification_period_ends date,
        notification_indefinite boolean NOT NULL DEFAULT false,
        last_notified_on date,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE case_holdings (
        case_id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        authority text NOT NULL,
        holding boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_holdings_offender ON case_holdings (offender_id)`);
    await q.query(`
      CREATE TABLE police_visits (
        id text PRIMARY KEY,
        offender_id text NOT NULL REFERENCES offenders(id),
        visited_on date NOT NULL,
        type text NOT NULL,
        outcome text NOT NULL,
        officer text NOT NULL
      )`);
    await q.query(`CREATE INDEX police_visits_offender ON police_visits (offender_id, visited_on)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE police_visits; DROP TABLE case_holdings; DROP TABLE offenders;');
  }
}

import { POLICE_FEATURES } from '../features';

export const policeMigrations = [CreateRegister1764400000000, ...POLICE_FEATURES.flatMap((f) => f.migrations ?? [])];
