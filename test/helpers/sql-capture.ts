import type Database from 'better-sqlite3';

/** The SQL texts `fn` prepares on `db` (statements cached elsewhere before the call are not seen). */
export function statementsDuring<T>(db: Database.Database, fn: () => T): { result: T; sql: string[] } {
  const sql: string[] = [];
  const original = db.prepare.bind(db);
  db.prepare = ((text: string) => {
    sql.push(text);
    return original(text);
  }) as typeof db.prepare;
  try {
    return { result: fn(), sql };
  } finally {
    db.prepare = original;
  }
}
