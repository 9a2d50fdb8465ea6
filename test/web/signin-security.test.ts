/**
 * Sign-in hardening (issue 13.5) against the real web app and engine: failed sign-ins lead to a temporary lockout
 * per username and per address (also the right password is refused while locked, audited); demo users are refused
 * with NODE_ENV=production; signed-in pages and API answers are `Cache-Control: no-store`; active sessions are
 * touched (expiry moves forward); keys no engine can have issued → 404, malformed CSRF tokens → 403, never 500.
 */
import path from 'node:path';
import { LocalUsers } from '../../web/server/auth/local-users';
import { openStore } from '../../common/storage/open';
import { DbSessionStore } from '../../web/server/db';
import { Agent, PASSWORDS, ROOT, expectLockedOut, loginAttempt, startTestWeb, useEngineAndWeb, type TestWeb } from './helpers';

/** `t.web`: the app with default limits, for everything but the lockouts (which would lock this test's address). */
const t = useEngineAndWeb();

const attempt = loginAttempt;

describe('failed sign-ins', () => {
  let locking: TestWeb;
  beforeAll(async () => {
    locking = await startTestWeb(t.engine.client, { env: { WEB_LOGIN_MAX_FAILURES: '5', WEB_LOGIN_MAX_FAILURES_PER_ADDRESS: '12' } });
  });
  afterAll(() => locking?.stop());
  test('five wrong passwords lock the username: the right password is then refused (429, Swedish), audited; others still sign in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(locking, 'ss-vaxjo-2', `fel-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    await expectLockedOut(locking, 'ss-vaxjo-2');
    expect(await locking.audit.query({ action: 'auth.login.locked', actor: 'ss-vaxjo-2' })).toHaveLength(1);
    expect(await locking.audit.query({ action: 'auth.login.failed', actor: 'ss-vaxjo-2' })).toHaveLength(5);
    // Another user from the same address is not affected by that username's lock.
    expect((await attempt(locking, 'ss-alvesta', PASSWORDS['ss-alvesta'])).status).toBe(303);
  });

  test('many names guessed from one address lock the address', async () => {
    // 5 failures above + 1 refused; the address limit (12 failures) is reached with other usernames.
    for (let i = 0; i < 7; i++) await attempt(locking, `gissning-${i}`, 'x');
    const res = await attempt(locking, 'kp-novus', PASSWORDS['kp-novus']);
    expect(res.status).toBe(429);
    expect((await locking.audit.query({ action: 'auth.login.locked', actor: 'kp-novus' }))[0]?.details).toEqual(expect.objectContaining({ scope: 'address' }));
  });
});

test('with NODE_ENV=production the demo users cannot sign in (403, Swedish message, audited)', async () => {
  // The users file loaded as web/server/main.ts loads it when NODE_ENV=production.
  const prod = await startTestWeb(t.engine.client, { users: LocalUsers.fromFile(path.join(ROOT, 'config', 'users.json'), { production: true }) });
  try {
    const res = await attempt(prod, 'ss-vaxjo', PASSWORDS['ss-vaxjo']);
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/Demoanvändare är avstängda i produktion/);
    expect((await prod.audit.query({ action: 'auth.login.failed', actor: 'ss-vaxjo' }))[0]?.details).toEqual({ reason: 'demo-user-in-production' });
  } finally {
    await prod.stop();
  }
});

describe('signed-in answers', () => {
  let ss: Agent;
  beforeAll(async () => { ss = await Agent.login(t.web.url, 'ss-vaxjo'); });

  test('pages, API answers and the login page are Cache-Control: no-store; static files are cacheable', async () => {
    for (const p of ['/uppgifter', '/api/uppgifter', '/arenden']) {
      const res = await ss.get(p);
      expect({ p, status: res.status < 500, cache: res.headers.get('cache-control') }).toEqual({ p, status: true, cache: 'no-store' });
    }
    expect((await fetch(`${t.web.url}/login`)).headers.get('cache-control')).toBe('no-store');
    const css = await fetch(`${t.web.url}/static/app.css`);
    if (css.status === 200) expect(css.headers.get('cache-control')).not.toBe('no-store');
  });

  test('an active session is touched: each request moves its stored expiry forward', async () => {
    const sid = decodeURIComponent(ss.cookie.split('=')[1]).replace(/^s:/, '').split('.')[0];
    const sessions = openStore(t.web.storage, 'web');
    const expiry = async () => Number((await sessions.get<{ expires: number }>('SELECT expires FROM sessions WHERE sid = ?', [sid]))!.expires);
    const before = await expiry();
    await new Promise((r) => setTimeout(r, 20));
    await ss.get('/api/uppgifter');
    expect(await expiry()).toBeGreaterThan(before);
    await sessions.close();
  });

  test('the store touch() updates only the expiry of that session', async () => {
    const sessions = openStore(t.web.storage, 'web');
    const store = new DbSessionStore(sessions);
    const later = new Date(Date.now() + 3_600_000 * 7);
    await new Promise<void>((resolve, reject) => store.set('touch-test', { cookie: { originalMaxAge: 1, expires: new Date(Date.now() + 1000) } } as never, (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve, reject) => store.touch('touch-test', { cookie: { originalMaxAge: 1, expires: later } } as never, (e) => (e ? reject(e) : resolve())));
    expect(Number((await sessions.get<{ expires: number }>('SELECT expires FROM sessions WHERE sid = ?', ['touch-test']))!.expires)).toBe(later.getTime());
    await sessions.close();
  });

  test.each([
    '/uppgifter/99999999999999999999', '/api/uppgifter/99999999999999999999', '/api/uppgifter/9223372036854775808/formular',
    '/arenden/123456789012345678901234567890', '/api/arenden/99999999999999999999',
  ])('GET %s (no engine key can be that long) → 404, not 500', async (p) => {
    expect((await ss.get(p)).status).toBe(404);
  });

  test.each([
    ['non-ASCII', 'å'.repeat(43)],
    ['too long', 'a'.repeat(5000)],
    ['empty', ''],
    ['same length, wrong', 'x'.repeat(43)],
  ])('a %s CSRF token → 403 with a Swedish message, not 500', async (_what, token) => {
    const res = await fetch(`${t.web.url}/api/arenden`, {
      method: 'POST', headers: { cookie: ss.cookie, 'content-type': 'application/json', 'x-csrf-token': token, accept: 'application/json' },
      body: JSON.stringify({ processId: 'vk-placeringsforfragan' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/CSRF-kontroll/);
  });
});
