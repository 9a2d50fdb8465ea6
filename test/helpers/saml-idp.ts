/**
 * A real SAML 2.0 identity provider for the web tests, on 127.0.0.1 and an ephemeral port: `samlify` as the IdP
 * (it parses and schema-checks the app's AuthnRequest from the HTTP-Redirect binding, with xmllint compiled to
 * wasm, and signs the responses with xml-crypto), a login page that asks for the account, and the HTTP-POST
 * binding's self-submitting form back to the app's ACS.
 *
 * What the next response looks like is set by `idp.mode`: a genuine signed one, or one of the ways an assertion
 * must be refused (unsigned, signed with a key the app does not trust, altered after signing, expired, for another
 * audience, from another issuer, signed only at the response level, unsolicited). The keys are test-only
 * fixtures in test/fixtures/saml (self-signed, made with openssl).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as samlify from 'samlify';
import * as xmllint from '@authenio/samlify-xmllint-wasm';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'saml');
const pem = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
export const IDP_CERT_FILE = path.join(FIXTURES, 'idp-cert.pem');

samlify.setSchemaValidator(xmllint);

/** NameID → display name and attributes (each with one or more values). */
export interface SamlAccount { attributes: Record<string, string[]> }

export type ResponseMode =
  | 'genuine' | 'unsigned' | 'impostor-key' | 'altered-after-signing' | 'expired' | 'wrong-audience'
  | 'wrong-issuer' | 'response-signed-only' | 'unsolicited';

export interface PostedResponse { acs: string; SAMLResponse: string; RelayState: string }

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  /** The next responses' shape (default 'genuine'). */
  mode: ResponseMode;
  /** Every AuthnRequest ID received, in order. */
  readonly requests: string[];
  /** The last response handed to a browser (for replaying it). */
  last?: PostedResponse;
  stop(): Promise<void>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const NAMEID_FORMAT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

function attributeStatement(attributes: Record<string, string[]>): string {
  const attrs = Object.entries(attributes).map(([name, vals]) =>
    `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${vals.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`).join('')}</saml:Attribute>`).join('');
  return `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>`;
}

/**
 * `spCertFile`: the app has an SP key pair (SAML_SP_KEY_FILE/SAML_SP_CERT_FILE). Then the IdP, as federations
 * commonly require, accepts only AuthnRequests signed with that key (HTTP-Redirect binding signature) and encrypts
 * the assertions to that certificate (AES-256-GCM, RSA-OAEP).
 */
export async function startTestSamlIdp(opts: { spEntityId: string; acsUrl: string; accounts: Record<string, SamlAccount>; spCertFile?: string }): Promise<TestSamlIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = `${origin}/idp`;
  const ssoUrl = `${origin}/sso`;
  const sso = [{ Binding: samlify.Constants.namespace.binding.redirect, Location: ssoUrl }];
  // No logout endpoint: the app signs out locally only (samlify warns about it once per IdP).
  const spCert = opts.spCertFile ? fs.readFileSync(opts.spCertFile, 'utf8') : undefined;
  const idpOf = (id: string, key: string, cert: string) => samlify.IdentityProvider({
    entityID: id, privateKey: pem(key), signingCert: pem(cert), singleSignOnService: sso, nameIDFormat: [NAMEID_FORMAT],
    requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    wantAuthnRequestsSigned: !!spCert, isAssertionEncrypted: !!spCert,
    dataEncryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: samlify.Constants.algorithms.encryption.key.RSA_OAEP_MGF1P,
  } as Parameters<typeof samlify.IdentityProvider>[0]);
  const idp = idpOf(entityId, 'idp-key.pem', 'idp-cert.pem');
  const impostor = idpOf(entityId, 'impostor-key.pem', 'impostor-cert.pem');
  const otherIssuer = idpOf(`${origin}/annan-idp`, 'idp-key.pem', 'idp-cert.pem');
  const spOf = (signAssertion: boolean) => samlify.ServiceProvider({
    entityID: opts.spEntityId, wantAssertionsSigned: signAssertion, wantMessageSigned: true, signingCert: spCert, encryptCert: spCert,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: opts.acsUrl }],
  });
  const sp = spOf(true);
  const spResponseOnly = spOf(false);

  const state: TestSamlIdp = {
    entityId, ssoUrl, mode: 'genuine', requests: [],
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const pending = new Map<string, { requestId: string; relayState: string }>();

  /** The response XML before signing, for the current mode. */
  const fill = (issuer: string, requestId: string, nameId: string, account: SamlAccount) => (template: string) => {
    const now = Date.now();
    const expired = state.mode === 'expired';
    const issued = new Date(expired ? now - 2 * 3600_000 : now).toISOString();
    const until = new Date(expired ? now - 3600_000 : now + 5 * 60_000).toISOString();
    const id = `_${crypto.randomBytes(16).toString('hex')}`;
    const values: Record<string, string> = {
      ID: id, AssertionID: `_${crypto.randomBytes(16).toString('hex')}`, Destination: opts.acsUrl,
      Audience: state.mode === 'wrong-audience' ? 'https://annan-tjanst.example/sp' : opts.spEntityId,
      SubjectRecipient: opts.acsUrl, Issuer: issuer, IssueInstant: issued, StatusCode: samlify.Constants.StatusCode.Success,
      ConditionsNotBefore: issued, ConditionsNotOnOrAfter: until, SubjectConfirmationDataNotOnOrAfter: until,
      NameIDFormat: NAMEID_FORMAT, NameID: nameId, InResponseTo: state.mode === 'unsolicited' ? '' : requestId,
    };
    let xml = template.replace(/\{(\w+)\}/g, (whole, tag: string) => (tag in values ? esc(values[tag]) : whole));
    xml = xml.replace('{AuthnStatement}', `<saml:AuthnStatement AuthnInstant="${issued}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>http://id.sambi.se/loa/loa3</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`);
    xml = xml.replace('{AttributeStatement}', attributeStatement(account.attributes));
    return { id, context: xml };
  };

  async function respond(requestId: string, nameId: string, account: SamlAccount): Promise<string> {
    const mode = state.mode;
    const issuerIdp = mode === 'impostor-key' ? impostor : mode === 'wrong-issuer' ? otherIssuer : idp;
    const replace = fill(issuerIdp.entityMeta.getEntityID(), requestId, nameId, account);
    if (mode === 'unsigned') return Buffer.from(replace(samlify.SamlLib.defaultLoginResponseTemplate.context).context).toString('base64');
    const { context } = await issuerIdp.createLoginResponse(mode === 'response-signed-only' ? spResponseOnly : sp,
      { extract: { request: { id: requestId } } }, 'post', { email: nameId }, { customTagReplacement: replace }) as { context: string };
    if (mode !== 'altered-after-signing') return context;
    // A privilege escalation inside the signed assertion: the digest no longer matches.
    const xml = Buffer.from(context, 'base64').toString('utf8');
    const altered = xml.replace(/(<saml:AttributeValue[^>]*>)[^<]*/, '$1vk-chef-region');
    if (altered === xml) throw new Error('nothing to alter');
    return Buffer.from(altered).toString('base64');
  }

  const send = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body>${body}</body></html>`);
  };

  server.on('request', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', origin);
        if (req.method === 'GET' && url.pathname === '/sso') {
          // The redirect binding signs the query string as sent (SAMLRequest, RelayState, SigAlg, still URL-encoded).
          const octetString = (req.url ?? '').split('?')[1]?.split('&').filter((p) => !p.startsWith('Signature=')).join('&') ?? '';
          const parsed = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(url.searchParams), octetString });
          const requestId = (parsed.extract as { request: { id: string } }).request.id;
          state.requests.push(requestId);
          const token = crypto.randomBytes(12).toString('hex');
          pending.set(token, { requestId, relayState: url.searchParams.get('RelayState') ?? '' });
          send(res, 200, `<h1>Test-IdP</h1><form method="post" action="/sso/login"><input type="hidden" name="pending" value="${token}"><label>Konto <input name="login"></label><button>Logga in</button></form>`);
        } else if (req.method === 'POST' && url.pathname === '/sso/login') {
          const form = new URLSearchParams(body);
          const p = pending.get(form.get('pending') ?? '');
          const login = form.get('login') ?? '';
          const account = Object.hasOwn(opts.accounts, login) ? opts.accounts[login] : undefined;
          if (!p || !account) return send(res, 401, '<p>Okänt konto eller ingen pågående inloggning.</p>');
          pending.delete(form.get('pending')!);
          const SAMLResponse = await respond(p.requestId, login, account);
          state.last = { acs: opts.acsUrl, SAMLResponse, RelayState: p.relayState };
          send(res, 200, `<form method="post" action="${esc(opts.acsUrl)}"><input type="hidden" name="SAMLResponse" value="${SAMLResponse}"><input type="hidden" name="RelayState" value="${esc(p.relayState)}"><noscript><button>Fortsätt</button></noscript></form><script>document.forms[0].submit()</script>`);
        } else {
          send(res, 404, 'not found');
        }
      })().catch((e: unknown) => {
        console.error('[test-saml-idp]', e);
        send(res, 500, `<pre>${esc(String((e as Error)?.stack ?? e))}</pre>`);
      });
    });
  });
  return state;
}
