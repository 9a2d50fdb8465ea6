import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AuditLog } from '../../common/audit';
import { UserError } from './errors';

declare module 'express-session' {
  interface SessionData {
    csrf?: string;
    user?: import('./auth/user').SessionUser;
    oidc?: import('./auth/oidc').OidcPending;
    flash?: string;
    /** The page asked for before sign-in (notiser/return-to.ts). */
    returnTo?: string;
  }
}

/** The session's CSRF token (synchronizer-token pattern), created on first use. */
export function csrfToken(req: Request): string {
  req.session.csrf ??= crypto.randomBytes(32).toString('base64url');
  return req.session.csrf;
}

/** Whether `sent` is the session's token; any other value (wrong, empty, non-ASCII, any length) is simply false. */
export function csrfMatches(sent: unknown, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || !expected) return false;
  // Compared as bytes: a non-ASCII character makes the byte length differ from the string length.
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Rejects state-changing requests without the session's token in `x-csrf-token` or the `_csrf` form field. */
export function csrfProtection(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  // The IdP posts the SAML response from its own site: no token can be there. The signed assertion, answering a
  // request this browser started (auth/saml.ts), is what authenticates that POST.
  if (req.method === 'POST' && req.path === '/saml/acs') return next();
  const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined);
  if (!csrfMatches(sent, req.session?.csrf)) {
    return next(new UserError(403, 'Sidan har gått ut eller skickades inte från Vårdkedjan (CSRF-kontroll). Ladda om sidan och försök igen.'));
  }
  next();
}

/** Largest key the engine can have issued (Zeebe keys are signed 64-bit). */
const MAX_KEY = 9223372036854775807n;

/**
 * A path segment of digits that cannot be an engine key (over 19 digits or above 2^63-1) names nothing: 404 here,
 * before any route passes it to the engine (which would refuse it as a bad argument and end as a 500).
 */
export function rejectImpossibleKeys(req: Request, _res: Response, next: NextFunction): void {
  const impossible = req.path.split('/').some((segment) => /^\d+$/.test(segment) && (segment.length > 19 || BigInt(segment) > MAX_KEY));
  if (impossible) return next(new UserError(404, 'Sidan finns inte. Kontrollera länken.'));
  next();
}

/**
 * Pages and API answers carry case data and the CSRF token: never kept by the browser or a proxy (the back
 * button after logging out must not show them). Static files keep their own caching.
 */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

/** Paths that name a task or a case (pages and API): every refused request for one is audited. */
const TASK_OR_CASE_PATH = /^\/(api\/)?(uppgifter|arenden|mina-arenden)(\/|$|\?)/;

/**
 * Writes `access.denied` for a refused request (401/403) for a task or a case, whoever sent it and whichever
 * check refused it (group, kommun, CSRF, not signed in), so log review sees attempts as well as reads. The path
 * is kept without its query string (search terms can hold personal data).
 */
export async function auditRefusal(audit: AuditLog, req: Request, status: number, reason: string): Promise<void> {
  if ((status !== 401 && status !== 403) || !TASK_OR_CASE_PATH.test(req.path)) return;
  await audit.record({ actor: req.session?.user?.id ?? 'anonym', action: 'access.denied', details: { method: req.method, path: req.path, status, reason } });
}
