import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
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

/** Rejects state-changing requests without the session's token in `x-csrf-token` or the `_csrf` form field. */
export function csrfProtection(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined);
  const expected = req.session?.csrf;
  if (!sent || !expected || sent.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected))) {
    return next(new UserError(403, 'Sidan har gått ut eller skickades inte från Vårdkedjan (CSRF-kontroll). Ladda om sidan och försök igen.'));
  }
  next();
}
