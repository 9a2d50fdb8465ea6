import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';

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

/** The username a sign-in attempt names, normalised as LocalUsers compares it. */
const attemptedUser = (req: Request): string => (typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase().slice(0, 100) : '');

/**
 * Rate limiting with temporary lockout for POST /login, on express-rate-limit: only failed attempts (answers ≥ 400)
 * count, per username and per client address; once a limit is reached every attempt — also one with the right
 * password — is refused until the window ends. `refuse` answers the locked attempt (Swedish page, audit row).
 */
export function loginGuards(limits: LoginLimits, refuse: (req: Request, res: Response, scope: 'user' | 'address', minutes: number) => Promise<void>): RequestHandler[] {
  const common = {
    windowMs: limits.windowMinutes * 60_000,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8' as const,
    legacyHeaders: false,
  };
  const byUser = rateLimit({
    ...common,
    limit: limits.maxFailuresPerUser,
    keyGenerator: (req) => `user:${attemptedUser(req)}`,
    // An empty username is a malformed attempt, counted by address only.
    skip: (req) => attemptedUser(req) === '',
    handler: (req, res, next) => { refuse(req, res, 'user', limits.windowMinutes).catch(next); },
  });
  const byAddress = rateLimit({
    ...common,
    limit: limits.maxFailuresPerAddress,
    keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
    handler: (req, res, next) => { refuse(req, res, 'address', limits.windowMinutes).catch(next); },
  });
  return [byAddress, byUser];
}
