import 'reflect-metadata';
import { DataSource, Logger, MigrationInterface, QueryRunner } from 'typeorm';
import type { Logger as Pino } from 'pino';
import { types } from 'pg';

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
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = new CountingLogger(options.log);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: options.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logger,
    maxQueryExecutionTime: 1000,
    extra: { max: options.poolSize ?? 8, connectionTimeoutMillis: 10_000 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
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
