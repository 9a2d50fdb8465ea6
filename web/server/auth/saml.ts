import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { SAML, ValidateInResponseTo, type CacheItem, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { UserError } from '../errors';
import type { SqlDb } from '../../../common/storage/db';
import { NO_KNOWN_GROUP, knownGroups } from './claims';
import type { SamlConfig } from './saml-config';
import type { SessionUser } from './user';

const RESTART = 'Inloggningen gick inte att slutföra. Börja om från inloggningssidan.';
/** How long a started sign-in may take at the IdP. */
const REQUEST_TTL_MS = 10 * 60_000;

/** The IdP answered, but the account has no group the app knows. */
export class SamlRefused extends UserError {
  constructor(message: string, readonly subject?: string) { super(403, message); }
}

/** A login refused for the assertion itself (signature, time, audience, replay …): 401, with the reason for the audit. */
export class SamlInvalid extends UserError {
  constructor(readonly reason: string) { super(401, 'Inloggningen misslyckades. Börja om från inloggningssidan.'); }
}

/**
 * The AuthnRequest ids this app issued and not yet seen answered, in the web store (web.sqlite, or the PostgreSQL
 * database every web replica shares; table saml_requests, web migration 2): node-saml takes each out when a
 * response names it (accepted or not), so every request can be answered once, on whichever replica the IdP's
 * answer lands, also across a restart.
 */
export class DbRequestCache implements CacheProvider {
  constructor(private readonly db: SqlDb, private readonly ttlMs = REQUEST_TTL_MS) {}

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const createdAt = Date.now();
    await this.db.run('DELETE FROM saml_requests WHERE created_at < ?', [createdAt - this.ttlMs]);
    const inserted = await this.db.run('INSERT INTO saml_requests (id, value, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING', [key, value, createdAt]);
    return inserted.changes ? { value, createdAt } : null;
  }

  async getAsync(key: string): Promise<string | null> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM saml_requests WHERE id = ? AND created_at >= ?', [key, Date.now() - this.ttlMs]);
    return row?.value ?? null;
  }

  /**
   * Marks a pending request as being answered, once: of two replicas handed answers to the same request at once
   * (a replayed POST), one gets true. node-saml's own check (getAsync, then removeAsync) is two statements, so two
   * answers in flight together could both pass it.
   */
  async claim(key: string): Promise<boolean> {
    const r = await this.db.run('UPDATE saml_requests SET answered = 1 WHERE id = ? AND answered = 0 AND created_at >= ?', [key, Date.now() - this.ttlMs]);
    return r.changes === 1;
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (!key) return null;
    const row = await this.db.get<{ value: string }>('DELETE FROM saml_requests WHERE id = ? RETURNING value', [key]);
    return row?.value ?? null;
  }
}

/** Values of an attribute as strings (one value or several). */
function values(profile: Profile, name: string): string[] {
  const v = (profile.attributes as Record<string, unknown> | undefined)?.[name];
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return all.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim());
}

/**
 * Maps a validated assertion to a session user: the id from the configured attribute (e.g. employeeHsaId) or the
 * NameID, the name from the name attributes, the groups from the group attribute (prefix stripped) and from the
 * attribute map's rules (medarbetaruppdrag, vårdgivare …). Groups the app does not know are dropped; none at all
 * refuses the login ({@link SamlRefused}).
 */
export function profileToUser(profile: Profile, cfg: Pick<SamlConfig, 'idAttribute' | 'nameAttributes' | 'groupAttribute' | 'groupPrefix' | 'rules'>): SessionUser {
  const id = cfg.idAttribute ? values(profile, cfg.idAttribute)[0] : profile.nameID;
  if (!id) throw new SamlRefused('Inloggningen saknar användar-id från organisationens inloggning. Kontakta din administratör.');
  const named = cfg.groupAttribute ? values(profile, cfg.groupAttribute) : [];
  const mapped = cfg.rules
    .filter((rule) => Object.entries(rule.when).every(([attribute, value]) => values(profile, attribute).includes(value)))
    .flatMap((rule) => rule.groups);
  const groups = [...new Set([...knownGroups(named, cfg.groupPrefix), ...knownGroups(mapped, '')])];
  if (groups.length === 0) throw new SamlRefused(NO_KNOWN_GROUP, id);
  const name = cfg.nameAttributes.map((a) => values(profile, a)[0]).filter(Boolean).join(' ');
  return { id, name: name || id, groups };
}

/** The ID of an AuthnRequest in a redirect-binding URL (deflated, base64 in SAMLRequest). */
function requestIdOf(url: string): string {
  const encoded = new URL(url).searchParams.get('SAMLRequest');
  const xml = zlib.inflateRawSync(Buffer.from(encoded ?? '', 'base64')).toString('utf8');
  const id = /<samlp:AuthnRequest\b[^>]*\sID="([^"]+)"/.exec(xml)?.[1];
  if (!id) throw new Error('node-saml produced an AuthnRequest without ID');
  return id;
}

/**
 * SP-initiated Web Browser SSO (SAML 2.0) with @node-saml/node-saml: AuthnRequest over HTTP-Redirect, the
 * response over HTTP-POST to /saml/acs. Accepted only when the assertion is signed by a configured IdP
 * certificate, issued by the configured IdP, for this app's entityID, within its time window (and
 * SAML_MAX_ASSERTION_AGE_SECONDS), and in response to a request this app issued in this browser that has not been
 * answered before. Unsolicited (IdP-initiated) responses are refused.
 */
export class SamlLogin {
  private readonly saml: SAML;

  constructor(private readonly cfg: SamlConfig, private readonly cache: CacheProvider & { claim?(key: string): Promise<boolean> }) {
    this.saml = new SAML({
      entryPoint: cfg.entryPoint,
      issuer: cfg.spEntityId,
      audience: cfg.spEntityId,
      callbackUrl: cfg.acsUrl,
      idpCert: cfg.idpCerts,
      idpIssuer: cfg.idpEntityId,
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: cfg.wantResponseSigned,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: REQUEST_TTL_MS,
      cacheProvider: cache,
      acceptedClockSkewMs: cfg.clockSkewMs,
      maxAssertionAgeMs: cfg.maxAssertionAgeMs,
      identifierFormat: null,
      disableRequestedAuthnContext: cfg.authnContext.length === 0,
      authnContext: cfg.authnContext,
      privateKey: cfg.spPrivateKey,
      publicCert: cfg.spCert,
      decryptionPvk: cfg.spPrivateKey,
      signatureAlgorithm: 'sha256',
      generateUniqueId: () => `_${crypto.randomBytes(20).toString('hex')}`,
    });
  }

  /** The IdP URL to send the browser to, and the request's ID (the caller binds it to the browser). */
  async start(relayState: string): Promise<{ url: string; requestId: string }> {
    const url = await this.saml.getAuthorizeUrlAsync(relayState, undefined, {});
    return { url, requestId: requestIdOf(url) };
  }

  /**
   * Validates a POSTed SAMLResponse. `browserRequestId` is the request this browser started (its cookie): a
   * response to any other request (someone else's, replayed into this browser) is refused even when valid.
   */
  async finish(body: Record<string, unknown>, browserRequestId: string | undefined): Promise<SessionUser> {
    const samlResponse = body.SAMLResponse;
    if (typeof samlResponse !== 'string' || samlResponse.length === 0 || samlResponse.length > 500_000) throw new UserError(400, RESTART);
    if (!browserRequestId) throw new UserError(400, RESTART);
    // This browser's request is answered now, by this response or not at all (node-saml takes it out either way).
    if (this.cache.claim && !(await this.cache.claim(browserRequestId))) throw new SamlInvalid('InResponseTo: the request was answered already, has expired or is unknown');
    let profile: Profile | null;
    try {
      ({ profile } = await this.saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      console.warn('[web] SAML login refused:', reason);
      throw new SamlInvalid(reason);
    }
    if (!profile) throw new SamlInvalid('no assertion');
    if (profile.issuer !== this.cfg.idpEntityId) throw new SamlInvalid(`issuer ${profile.issuer} is not ${this.cfg.idpEntityId}`);
    if (profile.inResponseTo !== browserRequestId) throw new SamlInvalid('response to a request this browser did not start');
    return profileToUser(profile, this.cfg);
  }

  /** SP metadata for registering the app at the IdP / federation (entityID, ACS, signing certificate). */
  metadata(): string {
    return this.saml.generateServiceProviderMetadata(this.cfg.spCert ?? null, this.cfg.spCert ?? null);
  }
}
