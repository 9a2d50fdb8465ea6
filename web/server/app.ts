import path from 'node:path';
import type Database from 'better-sqlite3';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { ZodError } from 'zod';
import type { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import { authRoutes } from './auth/routes';
import type { LocalUsers } from './auth/local-users';
import type { OidcLogin } from './auth/oidc';
import { DbRequestCache, SamlLogin } from './auth/saml';
import { CaseService } from './cases/service';
import { loadStartConfig } from './cases/start';
import { caseRoutes } from './cases/routes';
import { consentPort } from './cases/consent';
import { openPlaces } from '../../common/places';
import { PlacesService } from './places/service';
import { placesRoutes } from './places/routes';
import { openStore } from '../../common/storage/open';
import { migrateWorkers } from '../../common/storage/workers-schema';
import type { WebConfig } from './config';
import { DashboardService } from './dashboard/service';
import { PROJECT_ROOT } from '../../common/paths';
import { dashboardRoutes } from './dashboard/routes';
import { ReadModel } from './dashboard/read-model';
import { DbSessionStore, migrateWeb } from './db';
import { UserError } from './errors';
import { html, landingPage, page } from './html';
import { auditRefusal, csrfProtection, csrfToken, noStore, rejectImpossibleKeys } from './security';
import { TaskService } from './tasks/service';
import { FormCatalog } from './tasks/form-catalog';
import { UserDirectory } from './tasks/names';
import { loadForbiddenText } from './tasks/validate-form';
import { taskRoutes } from './tasks/routes';
import { logReviewRoutes } from './loggkontroll/routes';
import { ModelerService } from './modeler/service';
import { modelerRoutes } from './modeler/routes';
import { statusOf } from './camunda-util';
import { CaseListService } from './mina-arenden/service';
import { ProductClock } from './time/product-time';
import { caseListRoutes } from './mina-arenden/routes';
import { rememberTarget } from './notiser/return-to';
import { NoticeService } from './notiser/service';
import { noticeRoutes } from './notiser/routes';

export interface AppDeps {
  client: CamundaClient;
  config: WebConfig;
  audit: AuditLog;
  db: Database.Database;
  users?: LocalUsers;
  oidc?: OidcLogin;
  now?: () => Date;
  /** The forms and their context sidecars (default: the repository's forms/). */
  forms?: FormCatalog;
}

const ROOT = PROJECT_ROOT;
const nm = (p: string) => path.join(ROOT, 'node_modules', p);
const PUBLIC_PATHS = [/^\/login(\/oidc|\/saml)?$/, /^\/auth\/callback$/, /^\/saml\/(acs|metadata)$/, /^\/static\//, /^\/vendor\//, /^\/healthz$/];

/** Builds the app; opens (and migrates) the shared stores: the workers' tables and the sessions. */
export async function createApp(deps: AppDeps) {
  const now = deps.now ?? (() => new Date());
  // One time for the product (time/product-time.ts): what users see as late follows the engine's timers too.
  const clock = new ProductClock(deps.db, deps.audit, now);
  const productNow = () => clock.now();
  const names = new UserDirectory(deps.db);
  const forms = deps.forms ?? FormCatalog.fromRepo();
  const forbiddenText = loadForbiddenText(deps.config.freeTextFile);
  const tasks = new TaskService({ client: deps.client, audit: deps.audit, now: productNow, dueSoonDays: deps.config.dueSoonDays, forms, names, forbiddenText });
  // Consent registry and places are the workers' tables (workers.sqlite in the same DATA_DIR, or the shared PostgreSQL).
  const workersDb = openStore(deps.config.storage, 'workers');
  await migrateWorkers(workersDb);
  // Read-only use of the workers' places store; capacity from config/places.json or PLACES_CONFIG, as the workers.
  const places = await openPlaces({ storage: deps.config.storage });
  // Sessions, case-action tokens, pending SAML requests and failed sign-ins: web.sqlite, or the shared PostgreSQL so that they hold
  // on every web replica.
  const sessionsDb = openStore(deps.config.storage, 'web');
  await migrateWeb(sessionsDb);
  const saml = deps.config.saml ? new SamlLogin(deps.config.saml, new DbRequestCache(sessionsDb)) : undefined;
  const cases = new CaseService({
    client: deps.client, audit: deps.audit, now: productNow, db: sessionsDb, consent: consentPort(workersDb), userName: (id) => names.nameOf(id), placeOf: (ref) => places.placeOf(ref),
    startable: loadStartConfig(deps.config.startFile), forms, forbiddenText,
  });
  const placesService = new PlacesService({ places, audit: deps.audit, now: productNow });
  const readModel = new ReadModel(deps.db, deps.client, now, deps.config.readModelOverlapSeconds * 1000, deps.config.readModelFullSweepSeconds * 1000);
  const modeler = new ModelerService({ client: deps.client, audit: deps.audit, db: deps.db, now });
  const dashboard = new DashboardService({ db: deps.db, readModel, audit: deps.audit, now, dueSoonDays: deps.config.dueSoonDays, maxAgeMs: Math.max(deps.config.readModelRefreshSeconds, 0) * 1000, productNow });

  const caseList = new CaseListService({ db: deps.db, audit: deps.audit, readModel, now, dueSoonDays: deps.config.dueSoonDays, maxAgeMs: Math.min(deps.config.readModelRefreshSeconds, 10) * 1000, productNow });

  const app = express();
  app.disable('x-powered-by');
  if (deps.config.trustProxy) app.set('trust proxy', 1);
  app.use(helmet({
    contentSecurityPolicy: { directives: {
      'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"], 'font-src': ["'self'", 'data:'],
      // Upgrading requests only makes sense when the app is served over HTTPS (otherwise it breaks plain-http dev use).
      'upgrade-insecure-requests': deps.config.cookieSecure === true ? [] : null,
    } },
  }));
  const stat = (dir: string) => express.static(dir, { index: false, fallthrough: true, maxAge: '1h' });
  app.use('/static', stat(path.join(ROOT, 'web', 'public')));
  app.use('/vendor/form-js', stat(nm('@bpmn-io/form-js/dist')), stat(nm('@bpmn-io/form-js/dist/assets')));
  app.use('/vendor/bpmn-js', stat(nm('bpmn-js/dist')), stat(nm('bpmn-js/dist/assets')));
  app.use('/vendor/chart.js', stat(nm('chart.js/dist')));
  app.use('/vendor/flatpickr', stat(nm('flatpickr/dist')));
  app.get('/healthz', (_req, res) => { res.json({ ok: true }); });
  app.get('/favicon.ico', (_req, res) => { res.status(204).end(); });

  app.use(noStore);
  app.use(rejectImpossibleKeys);
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(express.json({ limit: '200kb' }));
  app.use(session({
    name: 'vk.sid',
    secret: deps.config.sessionSecret,
    store: new DbSessionStore(sessionsDb),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: deps.config.trustProxy,
    cookie: { httpOnly: true, sameSite: 'lax', secure: deps.config.cookieSecure, maxAge: 8 * 3600_000 },
  }));
  app.use(csrfProtection);
  // The product's time (late / at risk) is read from the audit log before the request is handled.
  app.use(async (req, _res, next) => { if (req.session.user) await clock.refresh(); next(); });
  app.use(authRoutes({ config: deps.config, users: deps.users, oidc: deps.oidc, saml, audit: deps.audit, db: sessionsDb }));
  app.use(async (req, res, next) => {
    if (PUBLIC_PATHS.some((p) => p.test(req.path)) || req.session.user) return next();
    await auditRefusal(deps.audit, req, 401, 'not-signed-in');
    if (req.path.startsWith('/api/')) { res.status(401).json({ error: 'Du är inte inloggad. Logga in och försök igen.' }); return; }
    rememberTarget(req);
    res.redirect(303, '/login');
  });
  app.get('/', (req, res) => { res.redirect(303, landingPage(req.session.user!)); });
  app.use(logReviewRoutes(deps.audit));
  app.use(taskRoutes(tasks));
  app.use(caseRoutes(cases));
  app.use(placesRoutes(placesService));
  app.use(dashboardRoutes(dashboard));
  app.use(modelerRoutes(modeler));
  app.use(caseListRoutes(caseList, (id) => names.nameOf(id)));
  app.use(noticeRoutes(new NoticeService({ db: deps.db, audit: deps.audit, client: deps.client, fresh: () => caseList.fresh() })));
  app.use((req, _res, next) => next(new UserError(404, 'Sidan finns inte. Gå tillbaka till uppgifterna.')));
  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let message = 'Något gick fel i Vårdkedjan. Försök igen; kvarstår felet, kontakta support och ange tidpunkten.';
    let details: Record<string, unknown> | undefined;
    if (err instanceof UserError) { status = err.status; message = err.message; details = err.details; }
    else if (err instanceof ZodError) { status = 404; message = 'Sidan finns inte. Kontrollera länken.'; }
    else if ((err as { type?: string })?.type === 'entity.parse.failed') { status = 400; message = 'Begäran kunde inte läsas (ogiltig JSON).'; }
    else if (statusOf(err) === 403 || statusOf(err) === 401) { status = 502; message = 'Vårdkedjan saknar behörighet mot processmotorn. Kontakta support.'; }
    else if (/ECONNREFUSED|fetch failed|ETIMEDOUT/.test(String((err as Error)?.message ?? '') + String((err as { cause?: Error })?.cause?.message ?? ''))) { status = 503; message = 'Processmotorn svarar inte just nu. Försök igen om en stund.'; }
    if (status >= 500) console.error('[web]', req.method, req.path, err);
    // The answer goes out even when the log cannot be written (the failure is in the server log).
    await auditRefusal(deps.audit, req, status, message).catch((e: unknown) => console.error('[web] audit of a refusal failed:', (e as Error).message));
    if (req.path.startsWith('/api/') || req.get('accept')?.includes('application/json')) { res.status(status).json({ error: message, ...details }); return; }
    res.status(status).send(page({ title: 'Fel', user: req.session?.user, csrf: req.session ? csrfToken(req) : '' }, html`<h1>${status === 403 ? 'Ingen behörighet' : status === 404 ? 'Hittades inte' : 'Något gick fel'}</h1><p class="error" role="alert">${message}</p><p>${req.session?.user ? html`<a href="/uppgifter">Till uppgifterna</a>` : html`<a href="/login">Till inloggningen</a>`}</p>`));
  });
  const close = async () => { await places.close(); await workersDb.close(); await sessionsDb.close(); };
  return { app, readModel, tasks, cases, dashboard, workersDb, caseList, places, close };
}
