/**
 * The product's own data (consent register, queue, outbox, escalation steps, audit log, sessions, read model)
 * behind one small async SQL interface, so the same stores run on an embedded SQLite file per area (the default)
 * or on one shared PostgreSQL database (several worker and web replicas beside a Camunda 8 cluster).
 *
 * Statements use `?` placeholders; the PostgreSQL implementation numbers them. SQL that differs between the two
 * (locking, date arithmetic) is chosen by `dialect`.
 */
export type Dialect = 'sqlite' | 'postgres';

export type Param = string | number | boolean | null | bigint | Buffer;

export interface SqlDb {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(sql: string, params?: readonly Param[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly Param[]): Promise<T | undefined>;
  /** A statement without result rows; `changes` is the number of rows it inserted, updated or deleted. */
  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }>;
  /** Several statements without parameters (schema migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection (committed when it resolves, rolled back when it throws).
   * Statements inside must go through the handle passed to `fn`.
   */
  tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T>;
}

/** One opened store: the handle and how to let it go (a shared PostgreSQL pool closes with its last user). */
export interface Store extends SqlDb {
  close(): Promise<void>;
}

/** The product's areas, each a SQLite file of its own or a set of tables in the one PostgreSQL database. */
export type Area = 'workers' | 'audit' | 'web';
