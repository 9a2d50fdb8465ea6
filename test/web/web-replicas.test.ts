/**
 * Two web replicas on one store (issue 18): what one replica learns of a user's request the other must know. On
 * SQLite (two apps on one DATA_DIR, as on one host) and on PostgreSQL (one shared database, as beside a cluster):
 * a session signed in on A is valid on B; a case action's one-time token submitted to A and B at once sends one
 * message; a SAML request issued by A is answered once, on whichever replica, and not again; failed sign-ins on A
 * and B count together towards one lockout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../common/storage/open';
import { openSqlite } from '../../common/storage/sqlite';
import { DbRequestCache } from '../../web/server/auth/saml';
import { DbLoginFailureStore } from '../../web/server/auth/login-guard';
import { migrateWeb } from '../../web/server/db';
import { newCaseRef } from '../../web/server/cases/service';
import { NOW } from '../helpers/api';
import { Agent, PASSWORDS, expectLockedOut, loginAttempt, startTestWeb, until, useDeployedEngine, type TestWeb } from './helpers';

const ctx = useDeployedEngine();

const token = () => `r${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`.padEnd(24, 'x');

describe.each(['sqlite', 'postgres'] as const)('on %s', (store) => {
  let a: TestWeb;
  let b: TestWeb;
  beforeAll(async () => {
    a = await startTestWeb(ctx.engine.client, { store });
    b = await startTestWeb(ctx.engine.client, { replicaOf: a });
  }, 60_000);
  afterAll(async () => { await b?.stop(); await a?.stop(); });

  test('a session signed in on replica A is valid on replica B, and signing out on B ends it on A', async () => {
    const onA = await Agent.login(a.url, 'ss-vaxjo');
    const onB = new Agent(b.url);
    onB.cookie = onA.cookie;
    onB.csrf = onA.csrf;
    expect((await onB.get('/api/uppgifter')).status).toBe(200);
    expect((await onB.post('/logga-ut', {})).status).toBe(303);
    expect((await onA.get('/api/uppgifter')).status).toBe(401);
  });

  test('one token submitted to both replicas at once: one message, one audit row; later again on B: a duplicate', async () => {
    const caseRef = newCaseRef(new Date());
    const pi = await ctx.engine.client.createProcessInstance({ processDefinitionId: 'vk-under-placering' as never, variables: { caseRef, kommun: 'vaxjo', home: 'ekeliden', admissionDate: new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10), barn: 'nej' } });
    const key = String(pi.processInstanceKey);
    const tasksAt = async (elementId?: string) => ((await ctx.engine.client.searchUserTasks({ filter: { processInstanceKey: key, state: 'CREATED' } as never, page: { limit: 100 } as never }, NOW)).items ?? [])
      .filter((t) => !elementId || t.elementId === elementId);
    // Setup through the API: the case reaches the step that takes an orosanmälan.
    await until(async () => {
      const els = (await ctx.engine.client.searchElementInstances({ filter: { processInstanceKey: key, state: 'ACTIVE' } as never, page: { limit: 100 } as never }, NOW)).items ?? [];
      if (els.some((e) => e.elementId === 'VantaNastaSteg')) return true;
      for (const t of await tasksAt()) await ctx.engine.client.completeUserTask({ userTaskKey: t.userTaskKey, variables: {} }).catch(() => undefined);
      return false;
    }, 'under placering waits for the next step', 20_000);

    const onA = await Agent.login(a.url, 'ss-vaxjo');
    const onB = Object.assign(new Agent(b.url), { cookie: onA.cookie, csrf: onA.csrf });
    const t = token();
    const [ra, rb] = await Promise.all([
      onA.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' }),
      onB.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' }),
    ]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect([ra.json.duplicate, rb.json.duplicate].sort()).toEqual([false, true]);
    expect((await onB.post(`/api/arenden/${caseRef}/atgarder/orosanmalan`, { token: t, confirm: 'ja' })).json.duplicate).toBe(true);
    const created = await until(async () => { const ts = await tasksAt('Orosanmalan_hantera'); return ts.length ? ts : undefined; }, 'orosanmälan task');
    await new Promise((r) => setTimeout(r, 300));
    expect(created).toHaveLength(1);
    expect(await tasksAt('Orosanmalan_hantera')).toHaveLength(1);
    // Both replicas write to one audit log: one action row, whichever replica sent it.
    expect(await a.audit.query({ caseRef, action: 'case.action.orosanmalan' })).toHaveLength(1);
    expect(await b.audit.query({ caseRef, action: 'case.action.orosanmalan' })).toHaveLength(1);
  }, 60_000);

  test('failed sign-ins on A and B count together: WEB_LOGIN_MAX_FAILURES (5) in all locks the username on both', async () => {
    // 3 on A and 2 on B: each replica alone is under the limit, together they reach it.
    const statuses: number[] = [];
    for (const [app, i] of [[a, 0], [b, 1], [a, 2], [b, 3], [a, 4]] as const) statuses.push((await loginAttempt(app, 'ss-alvesta', `fel-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    for (const app of [b, a]) await expectLockedOut(app, 'ss-alvesta');
    expect(await a.audit.query({ action: 'auth.login.failed', actor: 'ss-alvesta' })).toHaveLength(5);
    expect(await a.audit.query({ action: 'auth.login.locked', actor: 'ss-alvesta' })).toHaveLength(2);
    // The username is locked, not the address: another user signs in on either replica.
    expect((await loginAttempt(b, 'kp-novus', PASSWORDS['kp-novus'])).status).toBe(303);
    expect((await loginAttempt(a, 'kp-novus', PASSWORDS['kp-novus'])).status).toBe(303);
  });

  test('the failure counter is one across replicas: concurrent failures all count, a success is taken off, the window ends', async () => {
    const [sa, sb] = [openStore(a.storage, 'web'), openStore(b.storage, 'web')];
    try {
      await migrateWeb(sa);
      const [fa, fb] = [new DbLoginFailureStore(sa, 'login:'), new DbLoginFailureStore(sb, 'login:')];
      for (const f of [fa, fb]) f.init({ windowMs: 300 } as never);
      const key = `user:${token()}`;
      const first = await fa.increment(key);
      expect(first.totalHits).toBe(1);
      expect(first.resetTime!.getTime()).toBeGreaterThan(Date.now());
      const together = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? fa : fb).increment(key)));
      expect(together.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      // The window is the first failure's: later failures do not move its end.
      expect(new Set(together.map((r) => r.resetTime!.getTime()))).toEqual(new Set([first.resetTime!.getTime()]));
      await fb.decrement(key);
      expect(await fa.get(key)).toEqual({ totalHits: 10, resetTime: first.resetTime });
      expect(await fb.get(`user:${token()}`)).toBeUndefined();
      // The window ends: the counter is gone on both, and the next failure starts a new window at 1.
      await new Promise((r) => setTimeout(r, first.resetTime!.getTime() - Date.now() + 20));
      expect(await fa.get(key)).toBeUndefined();
      expect(await fb.get(key)).toBeUndefined();
      const again = await fb.increment(key);
      expect(again.totalHits).toBe(1);
      expect(again.resetTime!.getTime()).toBeGreaterThan(first.resetTime!.getTime());
      expect((await fa.get(key))?.totalHits).toBe(1);
      await fa.resetKey(key);
      expect(await fb.get(key)).toBeUndefined();
    } finally {
      await sa.close();
      await sb.close();
    }
  });

  test('a SAML request saved by A is seen by B, claimed once when two answers arrive together, taken out once', async () => {
    const [sa, sb] = [openStore(a.storage, 'web'), openStore(b.storage, 'web')];
    try {
      await migrateWeb(sa);
      const [ca, cb] = [new DbRequestCache(sa), new DbRequestCache(sb)];
      const id = `_${token()}`;
      expect(await ca.saveAsync(id, '2026-01-01T00:00:00Z')).toMatchObject({ value: '2026-01-01T00:00:00Z' });
      expect(await cb.saveAsync(id, 'other')).toBeNull(); // an id is issued once
      expect(await cb.getAsync(id)).toBe('2026-01-01T00:00:00Z');
      const claims = await Promise.all([ca.claim(id), cb.claim(id), ca.claim(id), cb.claim(id)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await cb.getAsync(id)).toBe('2026-01-01T00:00:00Z'); // node-saml still reads it while validating
      const removed = await Promise.all([ca.removeAsync(id), cb.removeAsync(id)]);
      expect(removed.filter((v) => v !== null)).toEqual(['2026-01-01T00:00:00Z']);
      expect(await ca.getAsync(id)).toBeNull();
      expect(await ca.claim(id)).toBe(false);
      expect(await cb.claim('_never-issued')).toBe(false);
      // Expired requests are neither seen nor claimable.
      const short = new DbRequestCache(sb, 50);
      const old = `_${token()}`;
      await short.saveAsync(old, 'x');
      await new Promise((r) => setTimeout(r, 80));
      expect(await short.getAsync(old)).toBeNull();
      expect(await short.claim(old)).toBe(false);
    } finally {
      await sa.close();
      await sb.close();
    }
  });
});

test('a web.sqlite from before migrations (its own case_action_once and saml_requests) migrates and keeps its rows', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-webdb-')), 'web.sqlite');
  const old = new Database(file);
  old.exec(`CREATE TABLE case_action_once (token TEXT PRIMARY KEY, case_ref TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE saml_requests (id TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL)`);
  old.prepare('INSERT INTO saml_requests VALUES (?, ?, ?)').run('_pending', 'v', Date.now());
  old.close();
  const db = openSqlite(file);
  try {
    expect(await migrateWeb(db)).toBe(3);
    const cache = new DbRequestCache(db);
    expect(await cache.claim('_pending')).toBe(true);
    expect(await cache.claim('_pending')).toBe(false);
  } finally {
    await db.close();
  }
});
