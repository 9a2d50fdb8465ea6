import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate';
import { MIGRATIONS } from './schema';

export type Db = Database.Database;

/** Raised when the database file cannot be used; the engine refuses to start rather than reset it. */
export class StoreOpenError extends Error {
  constructor(file: string, reason: string) {
    super(
      `Cannot open the engine database ${file}: ${reason}. ` +
        'The file was left untouched. Restore it from a backup, or move it away to start with an empty engine.',
    );
    this.name = 'StoreOpenError';
  }
}

/**
 * Opens (or creates) the engine database: WAL journal and synchronous=FULL so a committed command
 * survives a kill -9 or power loss; an integrity check so a damaged file fails loudly at start.
 */
export function openStore(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: false });
  } catch (error) {
    throw new StoreOpenError(file, (error as Error).message);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = OFF');
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check failed (${String(check)})`);
    migrate(db, MIGRATIONS, 'engine');
  } catch (error) {
    db.close();
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(file, (error as Error).message);
  }
  return db;
}

const statementCache = new WeakMap<Db, Map<string, Database.Statement>>();
/** Prepared statements kept per database; bounded because search SQL varies with the filters used. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * `db.prepare(sql)` with a cache: preparing is the largest CPU cost of a small command, and the
 * runtime runs the same few statements over and over.
 */
export function prepare(db: Db, sql: string): Database.Statement {
  let cache = statementCache.get(db);
  if (!cache) statementCache.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** Zeebe keys of partition 1 start at 2^51 + 1; keeping that shape makes keys look familiar in logs. */
const FIRST_KEY = 2 ** 51;

/** Next Zeebe-like key from the persistent sequence; call inside the command's transaction. */
export function nextKey(db: Db): number {
  const row = prepare(db, `SELECT value FROM meta WHERE name = 'key_sequence'`).get() as { value: string } | undefined;
  const next = (row ? Number(row.value) : FIRST_KEY) + 1;
  prepare(db, `INSERT INTO meta (name, value) VALUES ('key_sequence', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`).run(String(next));
  return next;
}

export function getMeta(db: Db, name: string): string | undefined {
  const row = prepare(db, `SELECT value FROM meta WHERE name = ?`).get(name) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, name: string, value: string | undefined): void {
  if (value === undefined) db.prepare(`DELETE FROM meta WHERE name = ?`).run(name);
  else db.prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`).run(name, value);
}
