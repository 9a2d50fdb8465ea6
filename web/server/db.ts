import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import session from 'express-session';

/** $DATA_DIR/web.sqlite: sessions and the dashboard read model. */
export function openWebDb(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'web.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, data TEXT NOT NULL, expires INTEGER NOT NULL);`);
  return db;
}

const expiryOf = (s: session.SessionData): number => (s.cookie?.expires ? new Date(s.cookie.expires).getTime() : Date.now() + 8 * 3600_000);

/** express-session store on SQLite (sessions survive restarts; expired rows are pruned on write). */
export class SqliteSessionStore extends session.Store {
  constructor(private readonly db: Database.Database) {
    super();
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    try {
      const row = this.db.prepare('SELECT data, expires FROM sessions WHERE sid = ?').get(sid) as { data: string; expires: number } | undefined;
      cb(null, row && row.expires > Date.now() ? (JSON.parse(row.data) as session.SessionData) : null);
    } catch (e) { cb(e); }
  }

  override set(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    try {
      const expires = expiryOf(s);
      this.db.prepare('INSERT INTO sessions (sid, data, expires) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires = excluded.expires').run(sid, JSON.stringify(s), expires);
      this.db.prepare('DELETE FROM sessions WHERE expires < ?').run(Date.now());
      cb?.();
    } catch (e) { cb?.(e); }
  }

  /**
   * Called by express-session on every request of an unchanged session (resave: false): moves the expiry forward,
   * so an active user stays signed in and only an idle session ends (cookie maxAge after the last request).
   */
  override touch(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    try {
      this.db.prepare('UPDATE sessions SET expires = ? WHERE sid = ?').run(expiryOf(s), sid);
      cb?.();
    } catch (e) { cb?.(e); }
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    try {
      this.db.prepare('DELETE FROM sessions WHERE sid = ?').run(sid);
      cb?.();
    } catch (e) { cb?.(e); }
  }
}
