import pg from 'pg';
import type { Param, SqlDb, Store } from './db';

/** `?` placeholders → `$1, $2, …` (the stores' SQL has no `?` inside string literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// COUNT(*) and SUM() are bigint (int8) in PostgreSQL; every count the product keeps fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

type Queryable = pg.Pool | pg.PoolClient;

function handle(q: Queryable, txFn: SqlDb['tx']): SqlDb {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly Param[] = []) => (await q.query(numberPlaceholders(sql), params as unknown[])).rows as T[],
    get: async <T>(sql: string, params: readonly Param[] = []) => (await q.query(numberPlaceholders(sql), params as unknown[])).rows[0] as T | undefined,
    run: async (sql: string, params: readonly Param[] = []) => ({ changes: (await q.query(numberPlaceholders(sql), params as unknown[])).rowCount ?? 0 }),
    exec: async (sql: string) => { await q.query(sql); },
    tx: txFn,
  };
}

/** Serialization failures and deadlocks: the transaction is retried from the start (another replica won). */
const RETRYABLE = new Set(['40001', '40P01']);

/** One pool per database URL, shared by the areas of one process (workers + audit in the worker process). */
const pools = new Map<string, { pool: pg.Pool; users: number }>();

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly db: SqlDb;
  private closed = false;

  constructor(private readonly url: string, opts: { max?: number } = {}) {
    let entry = pools.get(url);
    if (!entry) {
      const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: 'vardkedjan' });
      // An idle connection dropped by the server (failover, restart) must not crash the process; the next query reconnects.
      pool.on('error', (e) => console.error(`[storage] PostgreSQL connection lost: ${e.message}`));
      entry = { pool, users: 0 };
      pools.set(url, entry);
    }
    entry.users++;
    this.pool = entry.pool;
    this.db = handle(this.pool, (fn) => this.tx(fn));
  }

  all<T>(sql: string, params?: readonly Param[]): Promise<T[]> { return this.db.all<T>(sql, params); }
  get<T>(sql: string, params?: readonly Param[]): Promise<T | undefined> { return this.db.get<T>(sql, params); }
  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }> { return this.db.run(sql, params); }
  exec(sql: string): Promise<void> { return this.db.exec(sql); }

  async tx<T>(fn: (db: SqlDb) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      const inner: SqlDb = handle(client, (f) => f(inner));
      try {
        await client.query('BEGIN');
        const out = await fn(inner);
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < 5 && RETRYABLE.has((e as { code?: string }).code ?? '')) continue;
        throw e;
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const entry = pools.get(this.url);
    if (!entry || --entry.users > 0) return;
    pools.delete(this.url);
    await entry.pool.end();
  }
}
