/**
 * Web test helpers: the web app (createApp) on 127.0.0.1:0 against a real embedded engine, and a tiny cookie-aware
 * HTTP client that signs in like a browser (GET /login for the CSRF token, POST the form, keep the session cookie).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type Database from 'better-sqlite3';
import { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import { createApp } from '../../web/server/app';
import { LocalUsers } from '../../web/server/auth/local-users';
import { OidcLogin } from '../../web/server/auth/oidc';
import { loadConfig } from '../../web/server/config';
import { openWebDb } from '../../web/server/db';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { resourceFiles } from '../processes/helpers';
import { testStorage } from '../helpers/stores';
import type { StorageConfig } from '../../common/storage/config';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Demo passwords as documented in docs/web.md. */
export const PASSWORDS: Record<string, string> = {
  'ss-vaxjo': 'vaxjo2026', 'ss-vaxjo-2': 'vaxjo2026b', 'ss-alvesta': 'alvesta2026', 'remiss-anna': 'remiss2026', 'kp-ekeliden': 'ekeliden2026', 'kp-novus': 'novus2026',
  'psyk-remissport': 'psykiatri2026', koordinator: 'koordinator2026', 'chef-vaxjo': 'chefvaxjo2026', 'chef-region': 'chefregion2026', 'logg-granskare': 'logg2026',
};

export interface TestWeb { url: string; audit: AuditLog; db: Database.Database; dataDir: string; storage: StorageConfig; app: Awaited<ReturnType<typeof createApp>>; stop(): Promise<void> }

/**
 * `env` overrides the configuration (default: the read model is refreshed synchronously on every dashboard view);
 * with WEB_AUTH_MODE=oidc the app signs in through OIDC_ISSUER. `port` (default: ephemeral) lets a test know the
 * URL before the app starts, as an OIDC redirect URI needs. `store` overrides VK_TEST_STORE; `replicaOf` starts a
 * second web replica on another app's store.
 */
export async function startTestWeb(client: CamundaClient, opts: { now?: () => Date; env?: Record<string, string>; port?: number; users?: LocalUsers; store?: 'sqlite' | 'postgres'; replicaOf?: TestWeb } = {}): Promise<TestWeb> {
  // A replica shares the other app's store: on PostgreSQL from a data directory of its own (another host), on
  // SQLite in the same one (the files are the store).
  const shareDir = opts.replicaOf && !opts.replicaOf.storage.databaseUrl;
  const dataDir = shareDir ? opts.replicaOf!.dataDir : fs.mkdtempSync(path.join(os.tmpdir(), 'vk-web-'));
  const config = loadConfig({ DATA_DIR: dataDir, WEB_PORT: '0', WEB_READMODEL_REFRESH_SECONDS: '0', WEB_COOKIE_SECURE: 'auto', ...opts.env } as NodeJS.ProcessEnv);
  const db = openWebDb(dataDir);
  config.storage = opts.replicaOf?.storage ?? await testStorage(dataDir, opts.store);
  const audit = await AuditLog.open(config.storage);
  const app = await createApp({
    client, config, audit, db, now: opts.now,
    users: config.authMode === 'local' ? opts.users ?? LocalUsers.fromFile(path.join(ROOT, 'config', 'users.json')) : undefined,
    oidc: config.oidc ? new OidcLogin(config.oidc) : undefined,
  });
  const server: Server = await new Promise((resolve) => { const s = app.app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, audit, db, dataDir, app, storage: config.storage,
    stop: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); db.close(); await audit.close(); await app.close(); },
  };
}

/** Every diagram and form of the project, as deployment resources (shared with the process tests). */
export { resourceFiles };

/** A real embedded engine with every diagram and form deployed, and the web app in front of it. */
export async function startWebEnv(): Promise<{ engine: TestEngine; web: TestWeb }> {
  const engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  return { engine, web: await startTestWeb(engine.client) };
}

/** A signed-in user agent: keeps the session cookie, sends the CSRF token on writes. */
export class Agent {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async req(method: string, p: string, body?: unknown, opts: { csrf?: boolean; form?: boolean } = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (opts.csrf !== false && this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    let payload: string | undefined;
    if (body !== undefined) {
      if (opts.form) { headers['content-type'] = 'application/x-www-form-urlencoded'; payload = new URLSearchParams(body as Record<string, string>).toString(); }
      else { headers['content-type'] = 'application/json'; payload = JSON.stringify(body); }
    }
    const res = await fetch(this.base + p, { method, headers, body: payload, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text, headers: res.headers };
  }

  get(p: string) { return this.req('GET', p); }
  post(p: string, body?: unknown, opts?: { csrf?: boolean; form?: boolean }) { return this.req('POST', p, body ?? {}, opts); }

  async html(p: string): Promise<string> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(this.base + p, { headers, redirect: 'manual' });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return res.text();
  }

  static async login(base: string, user: string, password = PASSWORDS[user]): Promise<Agent> {
    const a = new Agent(base);
    const page = await a.html('/login');
    a.csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const res = await a.req('POST', '/login', { username: user, password, _csrf: a.csrf }, { form: true, csrf: false });
    if (res.status !== 303) throw new Error(`login ${user} failed: ${res.status}`);
    const inbox = await a.html('/uppgifter');
    a.csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(inbox)![1];
    return a;
  }
}

/** One sign-in attempt from a fresh browser; the status of the POST /login answer and its page. */
export async function loginAttempt(app: { url: string }, username: string, password: string): Promise<{ status: number; text: string }> {
  const a = new Agent(app.url);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await a.html('/login'))![1];
  const res = await a.req('POST', '/login', { username, password, _csrf: csrf }, { form: true, csrf: false });
  return { status: res.status, text: res.text };
}

/** Signing in as `username` with the right password is refused as locked out (429, the Swedish page). */
export async function expectLockedOut(app: { url: string }, username: string): Promise<void> {
  const locked = await loginAttempt(app, username, PASSWORDS[username]);
  expect(locked.status).toBe(429);
  expect(locked.text).toMatch(/För många misslyckade inloggningar/);
}

/** Polls until `fn` returns a truthy value (bounded). */
export async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One engine with every diagram and form deployed (and with `withWeb` one web app on it), for the tests of a file
 * (beforeAll / afterAll). Read the fields inside tests and hooks only.
 */
export function useDeployedEngine(withWeb = false): { engine: TestEngine; web?: TestWeb } {
  const ctx = {} as { engine: TestEngine; web?: TestWeb };
  beforeAll(async () => {
    ctx.engine = await startTestEngine();
    await ctx.engine.client.createDeployment({ resources: resourceFiles() });
    if (withWeb) ctx.web = await startTestWeb(ctx.engine.client);
  }, 60_000);
  afterAll(async () => {
    await ctx.web?.stop();
    await ctx.engine?.stop();
  });
  return ctx;
}

/** {@link useDeployedEngine} with one web app on the engine. */
export const useEngineAndWeb = (): { engine: TestEngine; web: TestWeb } => useDeployedEngine(true) as { engine: TestEngine; web: TestWeb };
