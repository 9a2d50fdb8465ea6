/**
 * SAML 2.0 sign-in (WEB_AUTH_MODE=saml) against a real IdP on loopback (samlify, test/helpers/saml-idp.ts): the
 * app's AuthnRequest over the HTTP-Redirect binding (schema-checked by the IdP), the IdP's login page, the signed
 * response over the HTTP-POST binding to /saml/acs, node-saml's validation, the attribute → group mapping
 * (Sambi attribute names: employeeHsaId, medarbetaruppdrag via commissionHsaId). And every way it must be refused,
 * each audited, with a Swedish page and no session.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Browser, freePort, type Hop } from '../helpers/oidc';
import { IDP_CERT_FILE, startTestSamlIdp, type ResponseMode, type TestSamlIdp } from '../helpers/saml-idp';
import { loadConfig } from '../../web/server/config';
import { startTestWeb, type TestWeb } from './helpers';
import { ARGS, ARTIFACTS, CHROMIUM } from './browser-helpers';

const HSA_ID = 'http://sambi.se/attributes/1/employeeHsaId';
const GIVEN = 'http://sambi.se/attributes/1/givenName';
const SURNAME = 'http://sambi.se/attributes/1/surname';
const COMMISSION = 'http://sambi.se/attributes/1/commissionHsaId';
const MEMBER_OF = 'urn:oid:1.3.6.1.4.1.5923.1.5.1.1';
const SP_ENTITY_ID = 'https://vardkedjan.test/saml';

const ACCOUNTS = {
  anna: { attributes: { [HSA_ID]: ['SE2321000065-E0001'], [GIVEN]: ['Anna'], [SURNAME]: ['Svensson'], [COMMISSION]: ['SE0780-UPPDRAG-SOC-1', 'SE0780-ANNAT'], [MEMBER_OF]: ['vk-okand-grupp'] } },
  chef: { attributes: { [HSA_ID]: ['SE2321000065-E0002'], [GIVEN]: ['Rut'], [SURNAME]: ['Regionsson'], [MEMBER_OF]: ['vk-chef-region', 'alla-anstallda'] } },
  ingen: { attributes: { [HSA_ID]: ['SE2321000065-E0003'], [GIVEN]: ['Utan'], [SURNAME]: ['Grupp'], [COMMISSION]: ['SE0780-ANNAT'], [MEMBER_OF]: ['alla-anstallda'] } },
};

let engine: TestEngine;
let idp: TestSamlIdp;
let web: TestWeb;
let webEnv: Record<string, string>;

beforeAll(async () => {
  engine = await startTestEngine();
  const port = await freePort();
  const acsUrl = `http://127.0.0.1:${port}/saml/acs`;
  idp = await startTestSamlIdp({ spEntityId: SP_ENTITY_ID, acsUrl, accounts: ACCOUNTS });
  const mapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-saml-')), 'attribute-map.json');
  fs.writeFileSync(mapFile, JSON.stringify({ rules: [{ when: { [COMMISSION]: 'SE0780-UPPDRAG-SOC-1' }, groups: ['socialsekreterare-vaxjo'] }] }));
  webEnv = {
    WEB_AUTH_MODE: 'saml', SAML_IDP_SSO_URL: idp.ssoUrl, SAML_IDP_ENTITY_ID: idp.entityId, SAML_IDP_CERT_FILE: IDP_CERT_FILE,
    SAML_SP_ENTITY_ID: SP_ENTITY_ID, SAML_ACS_URL: acsUrl, SAML_ID_ATTRIBUTE: HSA_ID, SAML_GROUP_ATTRIBUTE: MEMBER_OF,
    SAML_GROUP_PREFIX: 'vk-', SAML_ATTRIBUTE_MAP_FILE: mapFile,
  };
  web = await startTestWeb(engine.client, { port, env: webEnv });
}, 60_000);
afterAll(async () => { await web?.stop(); await idp?.stop(); await engine?.stop(); });
beforeEach(() => { idp.mode = 'genuine'; });

const acs = () => `${web.url}/saml/acs`;

/** From the app's login button through the IdP's login page to the app's answer to the POSTed response (not followed). */
async function signIn(b: Browser, login: string, start = `${web.url}/login/saml`): Promise<Hop> {
  const atIdp = await b.follow('GET', start);
  expect(atIdp.url).toMatch(new RegExp(`^${idp.ssoUrl}\\?SAMLRequest=`));
  const autoPost = await b.submit(atIdp, { login });
  expect(autoPost.body).toContain(`action="${acs()}"`);
  return b.submit(autoPost, {}, () => true);
}

async function status(b: Browser, p: string): Promise<number> {
  return (await b.request('GET', web.url + p, undefined, 'application/json')).status;
}

test('a signed assertion signs the user in: id from employeeHsaId, name, groups from the medarbetaruppdrag map and the group attribute', async () => {
  const b = new Browser();
  const loginPage = await b.request('GET', `${web.url}/login`);
  expect(loginPage.body).toContain('href="/login/saml"');
  expect(loginPage.body).toContain('Logga in med organisationens inloggning');
  expect(await status(b, '/api/uppgifter')).toBe(401);
  const before = idp.requests.length;
  const back = await signIn(b, 'anna');
  expect(back.status).toBe(303);
  expect(back.location).toBe(`${web.url}/uppgifter`);
  expect(idp.requests.length).toBe(before + 1); // the IdP parsed (and schema-validated) one AuthnRequest
  expect(await status(b, '/api/uppgifter')).toBe(200);
  expect((await b.request('GET', `${web.url}/uppgifter`)).body).toContain('Anna Svensson');
  expect(await status(b, '/api/oversikt')).toBe(403); // socialsekreterare-vaxjo (from the map) is no manager
  const login = await web.audit.query({ action: 'auth.login', actor: 'SE2321000065-E0001' });
  expect(login.map((e) => e.details)).toEqual([{ mode: 'saml' }]);

  const chef = new Browser();
  const chefBack = await signIn(chef, 'chef');
  expect(chefBack.location).toBe(`${web.url}/oversikt`); // chef-region from the group attribute, prefix stripped
  expect(await status(chef, '/api/oversikt')).toBe(200);
}, 60_000);

test('in Chromium: the button, the IdP\'s page, the self-submitting POST back, the inbox; a refused assertion shows a Swedish page', async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${web.url}/login`);
    await page.getByRole('link', { name: 'Logga in med organisationens inloggning' }).click();
    await page.waitForURL(`${idp.ssoUrl}?**`);
    await page.getByLabel('Konto').fill('anna');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.waitForURL(`${web.url}/uppgifter`);
    await expect(page.getByText('Anna Svensson').first().isVisible()).resolves.toBe(true);

    idp.mode = 'expired';
    const other = await browser.newPage();
    await other.goto(`${web.url}/login/saml`);
    await other.getByLabel('Konto').fill('anna');
    await other.getByRole('button', { name: 'Logga in' }).click();
    await other.waitForURL(acs());
    await expect(other.getByRole('alert').textContent()).resolves.toBe('Inloggningen misslyckades. Börja om från inloggningssidan.');
    await other.screenshot({ path: path.join(ARTIFACTS, 'saml-refused.png') });
    await other.getByRole('link', { name: 'Till inloggningen' }).click();
    await other.waitForURL(`${web.url}/login`);
  } finally {
    await browser.close();
  }
}, 90_000);

test('the page asked for before sign-in makes the round trip through the IdP (RelayState); a foreign target is ignored', async () => {
  const b = new Browser();
  const asked = await b.request('GET', `${web.url}/mina-arenden`);
  expect(asked.location).toBe(`${web.url}/login`);
  const back = await signIn(b, 'anna');
  expect(back.location).toBe(`${web.url}/mina-arenden`);

  const other = new Browser();
  const atIdp = await other.follow('GET', `${web.url}/login/saml`);
  const autoPost = await other.submit(atIdp, { login: 'anna' });
  const response = /name="SAMLResponse" value="([^"]+)"/.exec(autoPost.body)![1];
  const forged = await other.request('POST', acs(), { SAMLResponse: response, RelayState: 'https://angripare.example/' });
  expect(forged.status).toBe(303);
  expect(forged.location).toBe(`${web.url}/uppgifter`);
}, 60_000);

const REFUSED: [ResponseMode, RegExp][] = [
  ['unsigned', /signature/i],
  ['impostor-key', /signature/i],
  ['altered-after-signing', /signature/i],
  ['response-signed-only', /signature/i],
  ['expired', /expired|no valid subject confirmation/i],
  ['wrong-audience', /audience/i],
  ['wrong-issuer', /issuer/i],
  ['unsolicited', /InResponseTo/],
];

test.each(REFUSED)('a %s response is refused with 401, a Swedish page and an audit entry; nobody is signed in', async (mode, reason) => {
  idp.mode = mode;
  const b = new Browser();
  const failedBefore = (await web.audit.query({ action: 'auth.login.failed' })).length;
  const back = await signIn(b, 'anna');
  expect(back.status).toBe(401);
  expect(back.body).toContain('Inloggningen misslyckades. Börja om från inloggningssidan.');
  expect(back.body).toContain('href="/login"');
  expect(await status(b, '/api/uppgifter')).toBe(401);
  const failed = await web.audit.query({ action: 'auth.login.failed' });
  expect(failed.length).toBe(failedBefore + 1);
  const entry = failed.find((e) => e.details?.mode === 'saml' && reason.test(String(e.details?.reason)));
  expect(entry?.details).toMatchObject({ mode: 'saml', status: 401 });
}, 60_000);

test('a response is used once: replayed by the same browser, or by someone holding both the response and the request cookie, it is refused', async () => {
  const b = new Browser();
  expect((await signIn(b, 'anna')).status).toBe(303);
  const used = idp.last!;
  const requestId = idp.requests.at(-1)!;

  // The same browser posts it again (its request cookie was cleared on first use).
  const again = await b.request('POST', acs(), { SAMLResponse: used.SAMLResponse, RelayState: '' });
  expect(again.status).toBe(400);
  expect(again.body).toContain('Börja om från inloggningssidan');

  // An attacker with the captured POST and the cookie: the request was answered once, the app refuses a second answer.
  const attacker = new Browser();
  attacker.cookies(web.url).set('vk.saml', requestId);
  const replay = await attacker.request('POST', acs(), { SAMLResponse: used.SAMLResponse, RelayState: '' });
  expect(replay.status).toBe(401);
  expect(await status(attacker, '/api/uppgifter')).toBe(401);
  const [latest, before] = (await web.audit.query({ action: 'auth.login.failed' })).filter((e) => e.details?.mode === 'saml'); // newest first
  expect(latest.details).toMatchObject({ status: 401, reason: expect.stringMatching(/InResponseTo/) });
  expect(before.details).toMatchObject({ status: 400, reason: 'no-pending-login' });
}, 60_000);

test('behind a load balancer: a sign-in started on replica A is answered on replica B (one store), once', async () => {
  // B: a second web process with the same configuration and store, on a port of its own (the ACS URL is the
  // balancer's, here A's); the balancer sends the IdP's POST to B.
  const b = await startTestWeb(engine.client, { replicaOf: web, env: webEnv });
  try {
    const user = new Browser();
    const atIdp = await user.follow('GET', `${web.url}/login/saml`);
    const requestId = idp.requests.at(-1)!;
    const autoPost = await user.submit(atIdp, { login: 'anna' });
    const response = /name="SAMLResponse" value="([^"]+)"/.exec(autoPost.body)![1];
    user.cookies(b.url).set('vk.saml', requestId);
    const onB = await user.request('POST', `${b.url}/saml/acs`, { SAMLResponse: response, RelayState: '' });
    expect(onB.status).toBe(303);
    expect((await user.request('GET', `${b.url}/api/uppgifter`, undefined, 'application/json')).status).toBe(200);
    // The same answer, replayed to A with the request cookie: the request was answered on B, A refuses it.
    user.cookies(web.url).set('vk.saml', requestId);
    const onA = await user.request('POST', acs(), { SAMLResponse: response, RelayState: '' });
    expect(onA.status).toBe(401);
    const latest = (await web.audit.query({ action: 'auth.login.failed', limit: 1 }))[0];
    expect(latest?.details).toMatchObject({ mode: 'saml', status: 401, reason: expect.stringMatching(/InResponseTo/) });
  } finally {
    await b.stop();
  }
}, 60_000);

test('a valid response to someone else\'s request is refused in a browser that started its own (login CSRF)', async () => {
  const attacker = new Browser();
  const atIdp = await attacker.follow('GET', `${web.url}/login/saml`);
  const autoPost = await attacker.submit(atIdp, { login: 'chef' });
  const stolen = /name="SAMLResponse" value="([^"]+)"/.exec(autoPost.body)![1];

  const victim = new Browser();
  await victim.follow('GET', `${web.url}/login/saml`); // the victim's own pending sign-in
  const planted = await victim.request('POST', acs(), { SAMLResponse: stolen, RelayState: '' });
  expect(planted.status).toBe(401);
  expect(await status(victim, '/api/uppgifter')).toBe(401);
  const entry = (await web.audit.query({ action: 'auth.login.failed', limit: 1 }))[0];
  expect(entry?.details).toMatchObject({ mode: 'saml', status: 401, reason: expect.stringMatching(/did not start/) });
}, 60_000);

test('an account without any group of the care chain gets 403, a Swedish message and an audit entry with its HSA-id; no session', async () => {
  const b = new Browser();
  const back = await signIn(b, 'ingen');
  expect(back.status).toBe(403);
  expect(back.body).toContain('saknar behörighetsgrupper för vårdkedjan');
  expect(await status(b, '/api/uppgifter')).toBe(401);
  expect((await web.audit.query({ action: 'auth.login.failed', actor: 'SE2321000065-E0003' })).map((e) => e.details))
    .toEqual([{ mode: 'saml', status: 403, reason: 'no-known-group' }]);
}, 60_000);

test('a POST to the ACS without a SAMLResponse is a Swedish 400; the SP metadata names the entityID and the ACS', async () => {
  const b = new Browser();
  const empty = await b.request('POST', acs(), { RelayState: '' });
  expect(empty.status).toBe(400);
  expect(empty.body).toContain('Börja om från inloggningssidan');
  const meta = await b.request('GET', `${web.url}/saml/metadata`);
  expect(meta.status).toBe(200);
  expect(meta.body).toContain(`entityID="${SP_ENTITY_ID}"`);
  expect(meta.body).toContain(`Location="${acs()}"`);
});

test('with an SP key pair: the AuthnRequest is signed (the IdP insists), the encrypted assertion is decrypted; unsigned requests are refused by the IdP', async () => {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'saml');
  const port = await freePort();
  const acsUrl = `http://127.0.0.1:${port}/saml/acs`;
  const strictIdp = await startTestSamlIdp({ spEntityId: SP_ENTITY_ID, acsUrl, accounts: ACCOUNTS, spCertFile: path.join(fixtures, 'sp-cert.pem') });
  const env = {
    WEB_AUTH_MODE: 'saml', SAML_IDP_SSO_URL: strictIdp.ssoUrl, SAML_IDP_ENTITY_ID: strictIdp.entityId, SAML_IDP_CERT_FILE: IDP_CERT_FILE,
    SAML_SP_ENTITY_ID: SP_ENTITY_ID, SAML_ACS_URL: acsUrl, SAML_ID_ATTRIBUTE: HSA_ID, SAML_GROUP_ATTRIBUTE: MEMBER_OF, SAML_GROUP_PREFIX: 'vk-',
  };
  const keyed = await startTestWeb(engine.client, { port, env: { ...env, SAML_SP_KEY_FILE: path.join(fixtures, 'sp-key.pem'), SAML_SP_CERT_FILE: path.join(fixtures, 'sp-cert.pem') } });
  try {
    const b = new Browser();
    const atIdp = await b.follow('GET', `${keyed.url}/login/saml`);
    expect(new URL(atIdp.url).searchParams.get('Signature')).toBeTruthy();
    const autoPost = await b.submit(atIdp, { login: 'chef' });
    const response = Buffer.from(/name="SAMLResponse" value="([^"]+)"/.exec(autoPost.body)![1], 'base64').toString('utf8');
    expect(response).toContain('EncryptedAssertion');
    expect(response).not.toContain('vk-chef-region'); // the attributes travel encrypted
    const back = await b.submit(autoPost, {}, () => true);
    expect(back.location).toBe(`${keyed.url}/oversikt`);
    expect((await b.request('GET', `${keyed.url}/api/oversikt`, undefined, 'application/json')).status).toBe(200);
    const meta = (await b.request('GET', `${keyed.url}/saml/metadata`)).body;
    expect(meta).toContain('AuthnRequestsSigned="true"');
    expect(meta).toContain(fs.readFileSync(path.join(fixtures, 'sp-cert.pem'), 'utf8').split('\n')[1]);
  } finally {
    await keyed.stop();
  }
  // The same app without its key: the IdP refuses the unsigned request (a real federation IdP does the same).
  const unkeyed = await startTestWeb(engine.client, { env }); // another port: the closed app's keep-alive sockets stay out of it
  try {
    const refused = await new Browser().follow('GET', `${unkeyed.url}/login/saml`);
    expect(refused.status).toBe(500);
    expect(refused.body).toContain('ERR_MISSING_SIG_ALG');
    expect(refused.url.startsWith(strictIdp.ssoUrl)).toBe(true);
  } finally {
    await unkeyed.stop();
    await strictIdp.stop();
  }
}, 90_000);

test('the request cookie: SameSite=None; Secure for an https ACS (the IdP posts cross-site), Lax for a loopback http ACS', async () => {
  const lax = await fetch(`${web.url}/login/saml`, { redirect: 'manual' });
  expect(lax.headers.getSetCookie().find((c) => c.startsWith('vk.saml='))).toMatch(/Path=\/saml\/acs; .*HttpOnly; SameSite=Lax$/);
  const tls = await startTestWeb(engine.client, {
    env: {
      WEB_AUTH_MODE: 'saml', SAML_IDP_SSO_URL: idp.ssoUrl, SAML_IDP_ENTITY_ID: idp.entityId, SAML_IDP_CERT_FILE: IDP_CERT_FILE,
      SAML_SP_ENTITY_ID: SP_ENTITY_ID, SAML_ACS_URL: 'https://vardkedjan.example.se/saml/acs', SAML_GROUP_ATTRIBUTE: MEMBER_OF,
    },
  });
  try {
    const res = await fetch(`${tls.url}/login/saml`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('vk.saml='));
    expect(cookie).toMatch(/HttpOnly; Secure; SameSite=None$/);
  } finally {
    await tls.stop();
  }
});

test('configuration: https outside loopback, a source of groups, known groups in the map, complete IdP settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-saml-cfg-'));
  const map = (rules: unknown) => { const f = path.join(dir, `${Math.random()}.json`); fs.writeFileSync(f, JSON.stringify({ rules })); return f; };
  const env = {
    WEB_AUTH_MODE: 'saml', SAML_IDP_SSO_URL: 'https://idp.example/sso', SAML_IDP_ENTITY_ID: 'https://idp.example', SAML_IDP_CERT_FILE: IDP_CERT_FILE,
    SAML_SP_ENTITY_ID: SP_ENTITY_ID, SAML_ACS_URL: 'https://vk.example/saml/acs', SAML_GROUP_ATTRIBUTE: MEMBER_OF,
  };
  const load = (e: Record<string, string | undefined>) => loadConfig({ ...env, ...e } as NodeJS.ProcessEnv);
  expect(load({}).saml?.idpCerts).toHaveLength(1);
  expect(() => load({ SAML_IDP_SSO_URL: 'http://idp.example/sso' })).toThrow(/https/);
  expect(() => load({ SAML_ACS_URL: 'https://vk.example/annat' })).toThrow(/\/saml\/acs/);
  expect(() => load({ SAML_IDP_CERT_FILE: undefined })).toThrow(/SAML_IDP_CERT_FILE/);
  expect(() => load({ SAML_IDP_CERT_FILE: map([]) })).toThrow(/no PEM certificate/);
  expect(() => load({ SAML_GROUP_ATTRIBUTE: undefined })).toThrow(/SAML_GROUP_ATTRIBUTE or SAML_ATTRIBUTE_MAP_FILE/);
  expect(() => load({ SAML_ATTRIBUTE_MAP_FILE: map([{ when: { [COMMISSION]: 'x' }, groups: ['socialsekreterare-vaxjo', 'superadmin'] }]) })).toThrow(/superadmin/);
  expect(() => load({ SAML_ATTRIBUTE_MAP_FILE: map([{ when: {}, groups: ['psykiatri'] }]) })).toThrow(/at least one attribute/);
  expect(load({ SAML_ATTRIBUTE_MAP_FILE: map([{ when: { [COMMISSION]: 'x' }, groups: ['psykiatri'] }]) }).saml?.rules).toHaveLength(1);
});
