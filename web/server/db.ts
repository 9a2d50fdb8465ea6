import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import session from 'express-session';
import type { SqlDb } from '../../common/storage/db';
import { addColumn, migrate, type Migration } from '../../common/storage/migrate';

/** $DATA_DIR/web.sqlite: the dashboard read model and the web app's own small tables (one per web process). */
export function openWebDb(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'web.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Tables every web replica shares (web.sqlite, or the one PostgreSQL database). */
const WEB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1, name: 'sessions',
    up: {
      sqlite: 'CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, data TEXT NOT NULL, expires INTEGER NOT NULL)',
      // Milliseconds since 1970 do not fit an INTEGER (int4).
      postgres: 'CREATE TABLE sessions (sid TEXT PRIMARY KEY, data TEXT NOT NULL, expires BIGINT NOT NULL); CREATE INDEX sessions_expires ON sessions(expires)',
    },
  },
  {
    // What a replica must know of another's requests: a case action's one-time token (a double submit that lands
    // on two replicas sends one message) and the SAML AuthnRequests not yet answered (the IdP's answer may reach
    // another replica than the one that sent the browser there; each request is answered once).
    // SQLite files from before migrations held both tables already (IF NOT EXISTS).
    version: 2, name: 'case action tokens and SAML requests',
    up: async (db) => {
      if (db.dialect === 'postgres') {
        await db.exec(`CREATE TABLE case_action_once (token TEXT PRIMARY KEY, case_ref TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);
          CREATE TABLE saml_requests (id TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL, answered INTEGER NOT NULL DEFAULT 0);
          CREATE INDEX saml_requests_created ON saml_requests(created_at)`);
        return;
      }
      await db.exec(`CREATE TABLE IF NOT EXISTS case_action_once (token TEXT PRIMARY KEY, case_ref TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS saml_requests (id TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL)`);
      await addColumn(db, 'saml_requests', 'answered', 'INTEGER NOT NULL DEFAULT 0');
    },
  },
  {
    // Failed sign-ins per username and per address (web/server/auth/login-guard.ts), shared so that N replicas
    // allow WEB_LOGIN_MAX_FAILURES in all, not N times that. reset_at: milliseconds since 1970, the window's end.
    version: 3, name: 'login failures',
    up: {
      sqlite: 'CREATE TABLE IF NOT EXISTS login_failures (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, reset_at INTEGER NOT NULL)',
      postgres: 'CREATE TABLE login_failures (key TEXT PRIMARY KEY, hits INTEGER NOT NULL, reset_at BIGINT NOT NULL); CREATE INDEX login_failures_reset ON login_failures(reset_at)',
    },
  },
];

export const migrateWeb = (db: SqlDb): Promise<number> => migrate(db, 'web', WEB_MIGRATIONS);

const expiryOf = (s: session.SessionData): number => (s.cookie?.expires ? new Date(s.cookie.expires).getTime() : Date.now() + 8 * 3600_000);

/**
 * express-session store on the product's storage: sessions survive restarts and, on PostgreSQL, are valid on
 * every web replica behind the load balancer. Expired rows are pruned on write.
 */
export class DbSessionStore extends session.Store {
  constructor(private readonly db: SqlDb) {
    super();
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    this.db.get<{ data: string; expires: number }>('SELECT data, expires FROM sessions WHERE sid = ?', [sid])
      .then((row) => cb(null, row && Number(row.expires) > Date.now() ? (JSON.parse(row.data) as session.SessionData) : null), (e: unknown) => cb(e));
  }

  override set(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    (async () => {
      await this.db.run('INSERT INTO sessions (sid, data, expires) VALUES (?, ?, ?) ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires = excluded.expires', [sid, JSON.stringify(s), expiryOf(s)]);
      await this.db.run('DELETE FROM sessions WHERE expires < ?', [Date.now()]);
    })().then(() => cb?.(), (e: unknown) => cb?.(e));
  }

  /**
   * Called by express-session on every request of an unchanged session (resave: false): moves the expiry forward,
   * so an active user stays signed in and only an idle session ends (cookie maxAge after the last request).
   */
  override touch(sid: string, s: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db.run('UPDATE sessions SET expires = ? WHERE sid = ?', [expiryOf(s), sid]).then(() => cb?.(), (e: unknown) => cb?.(e));
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db.run('DELETE FROM sessions WHERE sid = ?', [sid]).then(() => cb?.(), (e: unknown) => cb?.(e));
  }
}
