import 'reflect-metadata';
import { DataSource, Logger, MigrationInterface, QueryRunner } from 'typeorm';
import type { Logger as Pino } from 'pino';
import { types } from 'pg';
import { APP_ROLE } from './audit-log';

// Calendar dates stay 'YYYY-MM-DD' strings end to end; a JS Date would shift them across time zones.
types.setTypeParser(1082, (value: string) => value);

/**
 * One PostgreSQL database per data owner, reached through TypeORM (connections, migrations,
 * transactions) over `pg`. The same code path serves embedded PGlite and a real server.
 * Every SQL statement is counted, so tests can prove that a federated query does not grow
 * its statement count with the number of people (no N+1).
 */
export interface Database {
  dataSource: DataSource;
  /** Total statements sent since start; tests compare before/after one request. */
  statementCount(): number;
  /** Runs `work` in one transaction: all or nothing. */
  transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

class CountingLogger implements Logger {
  count = 0;
  constructor(private readonly pino?: Pino) {}
  logQuery(): void {
    this.count += 1;
  }
  logQueryError(error: string | Error): void {
    // Logged here, never returned to a client: the message may contain SQL.
    this.pino?.warn({ err: String(error) }, 'query failed');
  }
  logQuerySlow(time: number): void {
    this.pino?.warn({ ms: time }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.pino?.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.pino?.warn(String(message));
  }
}

export interface DatabaseOptions {
  url: string;
  migrations: Array<new () => MigrationInterface>;
  log?: Pino;
  /** Pool size. Embedded PGlite serialises everything anyway; a real server gets a few. */
  poolSize?: number;
  /**
   * The role the service's own queries run as once migrations (run as the URL's user, the owner)
   * are done. Default: APP_ROLE when this database has the audit log (it cannot change or delete
   * log rows), else the owner. null keeps the owner.
   */
  runtimeRole?: string | null;
}

/** Migrations need the owner; the service afterwards must not be it (see audit-log.ts). */
async function runMigrationsAsOwner(options: DatabaseOptions, logger: CountingLogger): Promise<string | null> {
  const migrator = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: options.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger,
    extra: { max: 1, connectionTimeoutMillis: 30_000 },
  });
  await migrator.initialize();
  try {
    await migrator.runMigrations();
    if (options.runtimeRole !== undefined) return options.runtimeRole;
    const [{ audited }] = (await migrator.query(
      `SELECT to_regclass('public.audit_log') IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS audited`,
      [APP_ROLE],
    )) as { audited: boolean }[];
    return audited ? APP_ROLE : null;
  } finally {
    await migrator.destroy();
  }
}

/**
 * A real server applies the role at connection start-up (the `role` option), so no pooled
 * connection ever runs as the owner. Embedded PGlite ignores start-up options and multiplexes
 * every connection onto one session, so the role is set on that session. Either way the result
 * is checked: a service that would run as a superuser does not start.
 */
async function assumeRole(dataSource: DataSource, role: string): Promise<void> {
  await dataSource.query(`SET ROLE ${role}`);
  const [who] = (await dataSource.query('SELECT current_user AS name, rolsuper AS super FROM pg_roles WHERE rolname = current_user')) as { name: string; super: boolean }[];
  if (who?.name !== role || who.super) throw new Error(`The service must run as the non-superuser role ${role}, not ${who?.name}.`);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.log);
  const role = await runMigrationsAsOwner(options, logger);
  if (role && !/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`Invalid runtime role name: ${role}`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    synchronize: false,
    logger,
    maxQueryExecutionTime: 1000,
    extra: { max: options.poolSize ?? 8, connectionTimeoutMillis: 30_000, ...(role ? { options: `-c role=${role}` } : {}) },
  });
  await dataSource.initialize();
  if (role) await assumeRole(dataSource, role);
  return {
    dataSource,
    statementCount: () => logger.count,
    async transaction(work) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        const result = await work(runner);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      } finally {
        await runner.release();
      }
    },
    query: (sql, params) => dataSource.query(sql, params),
    close: () => dataSource.destroy(),
  };
}

/**
 * Runs an UPDATE ... RETURNING and gives back the returned rows. TypeORM's runner.query answers an
 * UPDATE or DELETE with [rows, rowCount] rather than rows, so `const [row] = await runner.query(...)`
 * would take the rows array itself for a row (and an array of length 2 is never "0 rows").
 */
export async function updateReturning<T>(runner: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await runner.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
