import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import type { SqlDb } from '../../../common/storage/db';

/** How many failed sign-ins are allowed before a temporary lockout, and for how long (docs/web.md). */
export interface LoginLimits {
  /** Failed attempts for one username within the window before that username is locked. */
  maxFailuresPerUser: number;
  /** Failed attempts from one address within the window before that address is locked (guessing many names). */
  maxFailuresPerAddress: number;
  /** The window, and so the lockout: it ends when the window that saw the failures ends. */
  windowMinutes: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailuresPerUser: 5, maxFailuresPerAddress: 30, windowMinutes: 15 };

/**
 * express-rate-limit's Store over the web store (web.sqlite, or the PostgreSQL database every web replica shares;
 * table login_failures, web migration 3): a failure counted by one replica counts on all, so N replicas allow the
 * limit in all, not N times it. A window starts with a key's first failure and ends windowMs later (a fixed window,
 * as express-rate-limit's MemoryStore); the counter is raised in one upsert, so failures on two replicas at once
 * both count.
 */
export class DbLoginFailureStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(private readonly db: SqlDb, readonly prefix: string, private readonly now: () => number = Date.now) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.db.get<{ hits: number; reset_at: number }>('SELECT hits, reset_at FROM login_failures WHERE key = ? AND reset_at > ?', [this.prefix + key, this.now()]);
    return row ? { totalHits: Number(row.hits), resetTime: new Date(Number(row.reset_at)) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.now();
    // Other keys' ended windows are pruned here; this key's is restarted by the upsert itself.
    await this.db.run('DELETE FROM login_failures WHERE reset_at <= ? AND key <> ?', [now, this.prefix + key]);
    const row = await this.db.get<{ hits: number; reset_at: number }>(
      `INSERT INTO login_failures (key, hits, reset_at) VALUES (?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN login_failures.reset_at <= ? THEN 1 ELSE login_failures.hits + 1 END,
         reset_at = CASE WHEN login_failures.reset_at <= ? THEN excluded.reset_at ELSE login_failures.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix + key, now + this.windowMs, now, now]);
    return { totalHits: Number(row!.hits), resetTime: new Date(Number(row!.reset_at)) };
  }

  /** A request that turned out successful is taken off again (skipSuccessfulRequests). */
  async decrement(key: string): Promise<void> {
    await this.db.run('UPDATE login_failures SET hits = hits - 1 WHERE key = ? AND hits > 0 AND reset_at > ?', [this.prefix + key, this.now()]);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.run('DELETE FROM login_failures WHERE key = ?', [this.prefix + key]);
  }
}

/** The username a sign-in attempt names, normalised as LocalUsers compares it. */
const attemptedUser = (req: Request): string => (typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase().slice(0, 100) : '');

/**
 * Rate limiting with temporary lockout for POST /login, on express-rate-limit: only failed attempts (answers ≥ 400)
 * count, per username and per client address; once a limit is reached every attempt — also one with the right
 * password — is refused until the window ends. `refuse` answers the locked attempt (Swedish page, audit row).
 * The counters live in `db`, the web store all replicas share (DbLoginFailureStore).
 */
export function loginGuards(limits: LoginLimits, db: SqlDb, refuse: (req: Request, res: Response, scope: 'user' | 'address', minutes: number) => Promise<void>): RequestHandler[] {
  const common = {
    windowMs: limits.windowMinutes * 60_000,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
  };
  const byUser = rateLimit({
    ...common,
    limit: limits.maxFailuresPerUser,
    store: new DbLoginFailureStore(db, 'login:'),
    keyGenerator: (req) => `user:${attemptedUser(req)}`,
    // An empty username is a malformed attempt, counted by address only.
    skip: (req) => attemptedUser(req) === '',
    handler: (req, res, next) => { refuse(req, res, 'user', limits.windowMinutes).catch(next); },
  });
  const byAddress = rateLimit({
    ...common,
    limit: limits.maxFailuresPerAddress,
    store: new DbLoginFailureStore(db, 'login:'),
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    handler: (req, res, next) => { refuse(req, res, 'address', limits.windowMinutes).catch(next); },
  });
  return [byAddress, byUser];
}
