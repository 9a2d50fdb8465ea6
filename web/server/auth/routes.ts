import { Router, type Request } from 'express';
import { z } from 'zod';
import type { WebConfig } from '../config';
import { UserError } from '../errors';
import { html, landingPage, page } from '../html';
import { csrfToken } from '../security';
import { ownPage, takeTarget } from '../notiser/return-to';
import type { LocalUsers } from './local-users';
import { DEFAULT_LOGIN_LIMITS, loginGuards } from './login-guard';
import { OidcRefused, type OidcLogin } from './oidc';
import { SamlInvalid, SamlRefused, type SamlLogin } from './saml';
import type { SessionUser } from './user';
import type { AuditLog } from '../../../common/audit';
import type { SqlDb } from '../../../common/storage/db';

const LoginBody = z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) });

function regenerate(req: Request, user: SessionUser): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => {
    if (err) return reject(err);
    req.session.user = user;
    csrfToken(req);
    req.session.save((e) => (e ? reject(e) : resolve()));
  }));
}

const save = (req: Request): Promise<void> => new Promise((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));

/** Cookie binding a started SAML sign-in to this browser (the request ID); only sent to the ACS. */
const SAML_COOKIE = 'vk.saml';

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function authRoutes(deps: { config: WebConfig; users?: LocalUsers; oidc?: OidcLogin; saml?: SamlLogin; audit: AuditLog; db: SqlDb }): Router {
  const r = Router();
  const loginPage = (req: Request, error?: string) => page({ title: 'Logga in', csrf: csrfToken(req) }, html`
    <section class="login"><h1>Logga in i Vårdkedjan</h1>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    ${deps.config.authMode !== 'local'
      ? html`<a class="button" href="/login/${deps.config.authMode}">Logga in med organisationens inloggning</a>`
      : html`<form method="post" action="/login">
        <input type="hidden" name="_csrf" value="${csrfToken(req)}">
        <label>Användarnamn <input name="username" autocomplete="username" required></label>
        <label>Lösenord <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Logga in</button></form>`}
    </section>`);

  r.get('/login', (req, res) => { res.send(loginPage(req)); });

  const guards = loginGuards(deps.config.loginLimits ?? DEFAULT_LOGIN_LIMITS, deps.db, async (req, res, scope, minutes) => {
    const actor = typeof req.body?.username === 'string' && req.body.username.trim() ? req.body.username.trim().slice(0, 100) : 'okänd';
    await deps.audit.record({ actor, action: 'auth.login.locked', details: { scope, ip: req.ip } });
    res.status(429).send(loginPage(req, `För många misslyckade inloggningar. Inloggningen är spärrad i upp till ${minutes} minuter; försök igen senare eller kontakta din administratör.`));
  });

  r.post('/login', ...guards, async (req, res, next) => {
    try {
      if (!deps.users) throw new UserError(400, 'Lösenordsinloggning är avstängd. Använd organisationens inloggning.');
      const body = LoginBody.safeParse(req.body);
      if (!body.success) { res.status(400).send(loginPage(req, 'Fyll i användarnamn och lösenord.')); return; }
      const result = await deps.users.verify(body.data.username, body.data.password);
      if (!result.ok && result.reason === 'demo-in-production') {
        await deps.audit.record({ actor: body.data.username, action: 'auth.login.failed', details: { reason: 'demo-user-in-production' } });
        res.status(403).send(loginPage(req, 'Demoanvändare är avstängda i produktion. Logga in med ett riktigt konto eller organisationens inloggning.'));
        return;
      }
      if (!result.ok) {
        await deps.audit.record({ actor: body.data.username, action: 'auth.login.failed' });
        res.status(401).send(loginPage(req, 'Fel användarnamn eller lösenord. Försök igen.'));
        return;
      }
      const user = result.user;
      const target = takeTarget(req);
      await regenerate(req, user);
      await deps.audit.record({ actor: user.id, action: 'auth.login' });
      res.redirect(303, target ?? landingPage(user));
    } catch (e) { next(e); }
  });

  r.get('/login/oidc', async (req, res, next) => {
    try {
      if (!deps.oidc) throw new UserError(404, 'Organisationsinloggning är inte konfigurerad.');
      const { url, pending } = await deps.oidc.start();
      req.session.oidc = pending;
      await save(req);
      res.redirect(303, url);
    } catch (e) { next(e); }
  });

  r.get('/auth/callback', async (req, res, next) => {
    try {
      if (!deps.oidc) throw new UserError(404, 'Organisationsinloggning är inte konfigurerad.');
      // The pending login is used once, whatever the outcome.
      const pending = req.session.oidc;
      delete req.session.oidc;
      let user: SessionUser;
      try {
        user = await deps.oidc.finish(new URL(req.originalUrl, deps.config.oidc!.redirectUri), pending);
      } catch (e) {
        if (e instanceof UserError && e.status < 500) {
          await deps.audit.record({ actor: (e instanceof OidcRefused && e.sub) || 'okänd', action: 'auth.login.failed', details: { mode: 'oidc', status: e.status } });
        }
        if (pending) await save(req);
        throw e;
      }
      const target = takeTarget(req);
      await regenerate(req, user);
      await deps.audit.record({ actor: user.id, action: 'auth.login', details: { mode: 'oidc' } });
      res.redirect(303, target ?? landingPage(user));
    } catch (e) { next(e); }
  });

  r.get('/login/saml', async (req, res, next) => {
    try {
      if (!deps.saml) throw new UserError(404, 'Organisationsinloggning är inte konfigurerad.');
      // The page asked for before sign-in makes the round trip as RelayState: the IdP posts back cross-site, where
      // the session cookie (SameSite=Lax) is not sent.
      const target = takeTarget(req);
      if (target !== undefined) await save(req);
      const { url, requestId } = await deps.saml.start(target ?? '');
      // The IdP posts cross-site, so the cookie must be SameSite=None, which needs Secure: decided by the ACS URL the
      // browser posts to (behind a TLS proxy req.secure can be false). Plain-http ACS only on loopback, same-site.
      const secure = new URL(deps.config.saml!.acsUrl).protocol === 'https:';
      res.cookie(SAML_COOKIE, requestId, { httpOnly: true, path: '/saml/acs', maxAge: 10 * 60_000, secure, sameSite: secure ? 'none' : 'lax' });
      res.redirect(303, url);
    } catch (e) { next(e); }
  });

  // Authenticated by the signed assertion and the request cookie; exempt from the CSRF token (security.ts).
  r.post('/saml/acs', async (req, res, next) => {
    try {
      if (!deps.saml) throw new UserError(404, 'Organisationsinloggning är inte konfigurerad.');
      const requestId = cookieValue(req, SAML_COOKIE);
      res.clearCookie(SAML_COOKIE, { path: '/saml/acs' });
      let user: SessionUser;
      try {
        user = await deps.saml.finish(req.body ?? {}, requestId);
      } catch (e) {
        if (e instanceof UserError && e.status < 500) {
          const actor = (e instanceof SamlRefused && e.subject) || 'okänd';
          const reason = e instanceof SamlInvalid ? e.reason.slice(0, 300) : e instanceof SamlRefused ? 'no-known-group' : 'no-pending-login';
          await deps.audit.record({ actor, action: 'auth.login.failed', details: { mode: 'saml', status: e.status, reason } });
        }
        throw e;
      }
      const target = ownPage(req.body?.RelayState);
      await regenerate(req, user);
      await deps.audit.record({ actor: user.id, action: 'auth.login', details: { mode: 'saml' } });
      res.redirect(303, target ?? landingPage(user));
    } catch (e) { next(e); }
  });

  r.get('/saml/metadata', (_req, res, next) => {
    try {
      if (!deps.saml) throw new UserError(404, 'Organisationsinloggning är inte konfigurerad.');
      res.type('application/samlmetadata+xml').send(deps.saml.metadata());
    } catch (e) { next(e); }
  });

  r.post('/logga-ut', (req, res) => {
    const id = req.session.user?.id;
    req.session.destroy(() => {
      void (async () => {
        if (id) await deps.audit.record({ actor: id, action: 'auth.logout' });
        res.clearCookie('vk.sid');
        res.redirect(303, '/login');
      })().catch((e: unknown) => { console.error('[web] logout audit failed:', (e as Error).message); res.redirect(303, '/login'); });
    });
  });
  return r;
}
