/**
 * Sign-in through a real OpenID Provider (oidc-provider, certified OP, on loopback) — the authorization-code flow
 * with PKCE, state and nonce as openid-client runs it in production: discovery, the login and consent pages, the
 * callback, the code exchange, ID-token validation, userinfo. Plus the ways it goes wrong: an account without a
 * known group, a forged or replayed callback, an IdP that does not answer.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Browser, freePort, startTestOidcProvider, type TestOidcProvider } from '../helpers/oidc';
import { loadConfig } from '../../web/server/config';
import { startTestWeb, type TestWeb } from './helpers';

const CLIENT = { clientId: 'vardkedjan-web', clientSecret: 'test-secret-0123456789' };
const ACCOUNTS = {
  'anna.svensson': { name: 'Anna Svensson', groups: ['vk-socialsekreterare-vaxjo', 'vk-okand-grupp', 'alla-anstallda'] },
  'chef.region': { name: 'Regionchef', groups: ['vk-chef-region'] },
  'ingen.grupp': { name: 'Utan Grupp', groups: ['alla-anstallda'] },
};

let engine: TestEngine;

beforeAll(async () => { engine = await startTestEngine(); }, 60_000);
afterAll(async () => { await engine?.stop(); });

/**
 * Runs `body` against the web app in OIDC mode and a fresh provider (or `issuer`, when given, with no provider
 * started), with a new browser; both are stopped afterwards. `idTokenClaims`: groups in the ID token, else only in
 * userinfo.
 */
async function withApp(opts: { idTokenClaims?: boolean; issuer?: string }, body: (web: TestWeb, b: Browser) => Promise<void>): Promise<void> {
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/auth/callback`;
  const op = opts.issuer ? undefined : await startTestOidcProvider({ ...CLIENT, redirectUri, accounts: ACCOUNTS, idTokenClaims: opts.idTokenClaims });
  const web = await startTestWeb(engine.client, {
    port,
    env: {
      WEB_AUTH_MODE: 'oidc', OIDC_ISSUER: opts.issuer ?? op!.issuer, OIDC_CLIENT_ID: CLIENT.clientId, OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_REDIRECT_URI: redirectUri, OIDC_GROUP_CLAIM: 'groups', OIDC_GROUP_PREFIX: 'vk-', OIDC_SCOPE: 'openid profile',
    },
  });
  try {
    await body(web, new Browser());
  } finally {
    await web.stop();
    await op?.stop();
  }
}

const isCallback = (web: TestWeb) => (location: string) => location.startsWith(`${web.url}/auth/callback`);

/**
 * From the app's login button to the provider's redirect back to the app (not followed): the callback URL.
 * A browser that already has a session at the IdP is sent straight back without the login page.
 */
async function signInAtProvider(b: Browser, web: TestWeb, login: string): Promise<string> {
  const loginPage = await b.follow('GET', `${web.url}/login`);
  expect(loginPage.body).toContain('Logga in med organisationens inloggning');
  let hop = await b.follow('GET', `${web.url}/login/oidc`, undefined, isCallback(web));
  const authUrl = new URL(b.hops.filter((h) => h.url === `${web.url}/login/oidc`).at(-1)!.location!);
  // PKCE S256, state and nonce, as docs/web.md promises.
  expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authUrl.searchParams.get('state')).toBeTruthy();
  expect(authUrl.searchParams.get('nonce')).toBeTruthy();
  const done = () => hop.location !== undefined && isCallback(web)(hop.location);
  if (!done()) {
    expect(hop.body).toContain('name="login"');
    hop = await b.submit(hop, { login, password: 'ignored' }, isCallback(web));
  }
  if (!done()) hop = await b.submit(hop, {}, isCallback(web)); // consent page
  if (!done()) throw new Error(`no redirect back to the app: ${hop.status} ${hop.url} ${hop.body.slice(0, 300)}`);
  return hop.location!;
}

async function api(b: Browser, web: TestWeb, p: string): Promise<{ status: number; json: any }> {
  const hop = await b.request('GET', web.url + p, undefined, 'application/json');
  return { status: hop.status, json: hop.body ? JSON.parse(hop.body) : undefined };
}

test('a user signs in at the IdP; groups come from userinfo, the prefix is stripped, unknown groups dropped', async () => {
  await withApp({}, async (web, b) => {
    expect((await api(b, web, '/api/uppgifter')).status).toBe(401);
    const callback = await signInAtProvider(b, web, 'anna.svensson');
    const back = await b.request('GET', callback);
    expect(back.status).toBe(303);
    expect(back.location).toBe(`${web.url}/uppgifter`);
    expect((await api(b, web, '/api/uppgifter')).status).toBe(200);
    const page = await b.request('GET', `${web.url}/uppgifter`);
    expect(page.body).toContain('Anna Svensson');
    // socialsekreterare-vaxjo is not a manager: the dashboard is refused.
    expect((await api(b, web, '/api/oversikt')).status).toBe(403);
    const logins = await web.audit.query({ action: 'auth.login', actor: 'anna.svensson' });
    expect(logins.map((e) => e.details?.mode)).toEqual(['oidc']);
  });
}, 60_000);

test('groups in the ID token are used without asking userinfo; a regional manager reaches the dashboard', async () => {
  await withApp({ idTokenClaims: true }, async (web, b) => {
    const back = await b.request('GET', await signInAtProvider(b, web, 'chef.region'));
    expect(back.location).toBe(`${web.url}/oversikt`); // managers land on the dashboard
    expect((await api(b, web, '/api/oversikt')).status).toBe(200);
  });
}, 60_000);

test('an account without any group of the care chain is refused with 403, a Swedish message and an audit entry; no session', async () => {
  await withApp({}, async (web, b) => {
    const back = await b.request('GET', await signInAtProvider(b, web, 'ingen.grupp'));
    expect(back.status).toBe(403);
    expect(back.body).toContain('saknar behörighetsgrupper');
    expect((await api(b, web, '/api/uppgifter')).status).toBe(401);
    expect((await web.audit.query({ action: 'auth.login.failed', actor: 'ingen.grupp' })).map((e) => e.details)).toEqual([{ mode: 'oidc', status: 403 }]);
  });
}, 60_000);

test('a forged state, a callback without a pending login and a replayed code are refused; nobody is signed in', async () => {
  await withApp({}, async (web, b) => {
    const callback = new URL(await signInAtProvider(b, web, 'anna.svensson'));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state');
    const refused = await b.request('GET', forged.href);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('Börja om från inloggningssidan');
    // The pending login was used up by the forged attempt: the genuine callback cannot complete either.
    expect((await b.request('GET', callback.href)).status).toBe(400);
    expect((await api(b, web, '/api/uppgifter')).status).toBe(401);

    // Another browser (no pending login in its session) replaying someone's callback URL.
    const other = new Browser();
    const c2 = await signInAtProvider(b, web, 'anna.svensson');
    expect((await other.request('GET', c2)).status).toBe(400);
    expect((await api(other, web, '/api/uppgifter')).status).toBe(401);
    // The rightful browser can still use it once — and a second use of the same code is refused by the IdP.
    expect((await b.request('GET', c2)).status).toBe(303);
    expect((await api(b, web, '/api/uppgifter')).status).toBe(200);
    const b2 = new Browser();
    const c3 = new URL(await signInAtProvider(b2, web, 'anna.svensson'));
    expect((await b2.request('GET', c3.href)).status).toBe(303);
    await b2.follow('GET', `${web.url}/login/oidc`, undefined, isCallback(web)); // a new pending login in b2's session…
    const pendingState = new URL(b2.hops.filter((h) => h.url === `${web.url}/login/oidc`).at(-1)!.location!).searchParams.get('state')!;
    c3.searchParams.set('state', pendingState); // …whose state is paired with the already redeemed code
    const replay = await b2.request('GET', c3.href);
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('Inloggningen misslyckades');
  });
}, 90_000);

test('an IdP that does not answer gives 503 with a Swedish message; discovery is retried once it answers', async () => {
  const idpPort = await freePort();
  let op: TestOidcProvider | undefined;
  try {
    await withApp({ issuer: `http://127.0.0.1:${idpPort}` }, async (web, b) => {
      const first = await b.request('GET', `${web.url}/login/oidc`);
      expect(first.status).toBe(503);
      expect(first.body).toContain('svarar inte just nu');
      expect((await b.request('GET', `${web.url}/login/oidc`)).status).toBe(503);
      op = await startTestOidcProvider({ ...CLIENT, redirectUri: `${web.url}/auth/callback`, accounts: ACCOUNTS, port: idpPort });
      const back = await b.request('GET', await signInAtProvider(b, web, 'anna.svensson'));
      expect(back.location).toBe(`${web.url}/uppgifter`);
    });
  } finally { await op?.stop(); }
}, 60_000);

test('configuration: a plain-http issuer is accepted only on loopback', () => {
  const env = { WEB_AUTH_MODE: 'oidc', OIDC_CLIENT_ID: 'web', OIDC_CLIENT_SECRET: 's', OIDC_REDIRECT_URI: 'https://vk.example/auth/callback' };
  expect(() => loadConfig({ ...env, OIDC_ISSUER: 'http://idp.example/realms/vk' } as NodeJS.ProcessEnv)).toThrow(/https/);
  expect(loadConfig({ ...env, OIDC_ISSUER: 'http://127.0.0.1:8081' } as NodeJS.ProcessEnv).oidc?.issuer).toBe('http://127.0.0.1:8081');
  expect(loadConfig({ ...env, OIDC_ISSUER: 'https://idp.example/realms/vk' } as NodeJS.ProcessEnv).oidc?.issuer).toBe('https://idp.example/realms/vk');
});
