import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

/**
 * Who may call /v2. `basic`: HTTP Basic with one username/password — what the official client sends with
 * CAMUNDA_AUTH_STRATEGY=BASIC and CAMUNDA_BASIC_AUTH_USERNAME/PASSWORD, unchanged. `none`: no check, allowed only
 * when the engine listens on loopback (see assertAuthAllowed).
 */
export type EngineAuth = { kind: 'basic'; username: string; password: string } | { kind: 'none' };

/** Endpoints Camunda serves without authentication: the health probe. */
const OPEN_PATHS = new Set(['/status']);

const digest = (value: string) => crypto.createHash('sha256').update(value, 'utf8').digest();

/** Compares in constant time (over fixed-length digests, so the length of the secret does not leak either). */
function same(given: string, expected: string): boolean {
  return crypto.timingSafeEqual(digest(given), digest(expected));
}

/** Parses `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Middleware for the /v2 router: 401 problem+json (with a Basic challenge) unless the credentials match. */
export function requireAuth(auth: EngineAuth): RequestHandler {
  return (req, res, next) => {
    if (auth.kind === 'none' || OPEN_PATHS.has(req.path)) return next();
    const given = parseBasic(req.headers.authorization);
    // Both comparisons always run, so a wrong username takes as long as a wrong password.
    const userOk = same(given?.username ?? '', auth.username);
    const passwordOk = same(given?.password ?? '', auth.password);
    if (given && userOk && passwordOk) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="vardkedjan-engine", charset="UTF-8"');
    sendProblem(res, 401, 'UNAUTHORIZED',
      given
        ? 'The engine credentials are wrong. Use the CAMUNDA_BASIC_AUTH_USERNAME/PASSWORD the engine was started with (npm start keeps them in $DATA_DIR/engine-credentials.json).'
        : 'The engine requires credentials. Set CAMUNDA_AUTH_STRATEGY=BASIC with CAMUNDA_BASIC_AUTH_USERNAME and CAMUNDA_BASIC_AUTH_PASSWORD (see docs/production.md).',
      req.originalUrl.split('?')[0]);
  };
}

/** Loopback addresses and names: the only binds allowed without credentials. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** Refuses to serve an unauthenticated API beyond this machine. */
export function assertAuthAllowed(auth: EngineAuth, host: string): void {
  if (auth.kind === 'none' && !isLoopback(host)) {
    throw new Error(
      `Refusing to listen on ${host} without credentials: ENGINE_AUTH=none is allowed only on loopback (127.0.0.1, ::1). ` +
        'Remove ENGINE_AUTH=none (credentials are then required) or bind to 127.0.0.1.',
    );
  }
}
