import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { Param, SqlDb, Store } from './db';

/**
 * SQLite behind the async interface. better-sqlite3 is synchronous, so a transaction spanning awaits would let
 * other callers' statements slip into it: while one is open every statement from outside it waits for its end.
 * One connection per file and process: a second connection in the same thread would wait for the first one's
 * write lock synchronously (busy_timeout) while the first can never commit.
 */
const connections = new Map<string, { store: SqliteStore; users: number }>();

export function openSqlite(file: string, opts: { synchronousFull?: boolean } = {}): Store {
  const key = file === ':memory:' ? `:memory:${connections.size}:${Math.random()}` : path.resolve(file);
  let entry = connections.get(key);
  if (!entry) { entry = { store: new SqliteStore(file, opts), users: 0 }; connections.set(key, entry); }
  entry.users++;
  const shared = entry.store;
  let closed = false;
  return {
    dialect: 'sqlite',
    all: (sql, params) => shared.all(sql, params),
    get: (sql, params) => shared.get(sql, params),
    run: (sql, params) => shared.run(sql, params),
    exec: (sql) => shared.exec(sql),
    tx: (fn) => shared.tx(fn),
    async close() {
      if (closed) return;
      closed = true;
      const e = connections.get(key);
      if (!e || --e.users > 0) return;
      connections.delete(key);
      await e.store.close();
    },
  };
}

class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Transactions queue on this chain; it resolves when the last one queued has ended. */
  private chain: Promise<void> = Promise.resolve();
  private inTx = false;

  constructor(file: string, opts: { synchronousFull?: boolean } = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    // FULL: a row marked `sent` (outbox) or an audit row must survive a power cut.
    if (opts.synchronousFull) this.db.pragma('synchronous = FULL');
    // The web app and the workers open workers.sqlite and audit.sqlite at the same time.
    this.db.pragma('busy_timeout = 5000');
  }

  /** Runs `f` outside any open transaction: the check and the statement happen in one synchronous step. */
  private async outside<T>(f: () => T): Promise<T> {
    while (this.inTx) await this.chain;
    return f();
  }

  all<T>(sql: string, params: readonly Param[] = []): Promise<T[]> { return this.outside(() => this.allNow<T>(sql, params)); }
  get<T>(sql: string, params: readonly Param[] = []): Promise<T | undefined> { return this.outside(() => this.allNow<T>(sql, params)[0]); }
  run(sql: string, params: readonly Param[] = []): Promise<{ changes: number }> { return this.outside(() => this.runNow(sql, params)); }
  exec(sql: string): Promise<void> { return this.outside(() => { this.db.exec(sql); }); }

  private allNow<T>(sql: string, params: readonly Param[]): T[] {
    const stmt = this.db.prepare(sql);
    if (!stmt.reader) { stmt.run(...params); return []; }
    return stmt.all(...params) as T[];
  }

  private runNow(sql: string, params: readonly Param[]): { changes: number } {
    return { changes: this.db.prepare(sql).run(...params).changes };
  }

  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    const before = this.chain;
    let release!: () => void;
    this.chain = new Promise<void>((r) => { release = r; });
    await before;
    this.inTx = true;
    const inner: SqlDb = {
      dialect: 'sqlite',
      all: async <R>(sql: string, params: readonly Param[] = []) => this.allNow<R>(sql, params),
      get: async <R>(sql: string, params: readonly Param[] = []) => this.allNow<R>(sql, params)[0],
      run: async (sql: string, params: readonly Param[] = []) => this.runNow(sql, params),
      exec: async (sql: string) => { this.db.exec(sql); },
      tx: (f) => f(inner),
    };
    try {
      // IMMEDIATE: take the write lock up front, so a second process waits (busy_timeout) instead of failing at COMMIT.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(inner);
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      this.inTx = false;
      release();
    }
  }

  async close(): Promise<void> {
    await this.outside(() => this.db.close());
  }
}
