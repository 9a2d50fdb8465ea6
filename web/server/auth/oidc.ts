import type * as OpenId from 'openid-client';
import type { OidcConfig } from '../config';
import { UserError } from '../errors';
import { claimPath, claimsToUser } from './claims';
import type { SessionUser } from './user';

export { claimsToUser } from './claims';

/** openid-client v6 is ESM-only: loaded on first use (this app is compiled as CommonJS). */
let lib: Promise<typeof OpenId> | undefined;
const openid = () => (lib ??= import('openid-client'));

export interface OidcPending { state: string; codeVerifier: string; nonce: string }

const RESTART = 'Inloggningen gick inte att slutföra. Börja om från inloggningssidan.';

/** The IdP signed the user in, but the account has no group the app knows. */
export class OidcRefused extends UserError {
  constructor(message: string, readonly sub?: string) { super(403, message); }
}

/** Plain-http issuers are accepted only on this machine (a local IdP in development and tests), never over a network. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/**
 * Authorization-code flow with PKCE (S256), state and nonce (openid-client v6). Errors are UserErrors with a Swedish
 * message: 503 when the IdP cannot be reached, 400 when the callback does not belong to the pending login (state),
 * 403 {@link OidcRefused} when the account has no known group, 401 for any other failure (logged).
 */
export class OidcLogin {
  private configuration?: Promise<OpenId.Configuration>;
  constructor(private readonly cfg: OidcConfig) {}

  /** Discovery, cached once it succeeded (a failure is retried on the next login instead of being cached). */
  private config(): Promise<OpenId.Configuration> {
    this.configuration ??= openid().then((client) => {
      const issuer = new URL(this.cfg.issuer);
      return client.discovery(issuer, this.cfg.clientId, this.cfg.clientSecret, undefined,
        isLoopbackHttp(issuer) ? { execute: [client.allowInsecureRequests] } : undefined);
    }).catch((e: unknown) => {
      this.configuration = undefined;
      console.error('[web] OIDC discovery failed:', this.cfg.issuer, e instanceof Error ? e.message : e);
      throw new UserError(503, 'Organisationens inloggning svarar inte just nu. Försök igen om en stund.');
    });
    return this.configuration;
  }

  async start(): Promise<{ url: string; pending: OidcPending }> {
    const client = await openid();
    const config = await this.config();
    const pending = { state: client.randomState(), codeVerifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.cfg.redirectUri,
      scope: this.cfg.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, pending };
  }

  /** `pending` is the login started in this session, if any; it must be removed from the session by the caller. */
  async finish(currentUrl: URL, pending: OidcPending | undefined): Promise<SessionUser> {
    if (!pending || currentUrl.searchParams.get('state') !== pending.state) throw new UserError(400, RESTART);
    const client = await openid();
    const config = await this.config();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (claimPath(claims, this.cfg.groupClaim) === undefined) {
        Object.assign(claims, await client.fetchUserInfo(config, tokens.access_token, String(claims.sub)));
      }
    } catch (e) {
      console.warn('[web] OIDC login failed:', e instanceof Error ? `${e.name}: ${e.message}` : e);
      throw new UserError(401, 'Inloggningen misslyckades. Börja om från inloggningssidan.');
    }
    try {
      return claimsToUser(claims, this.cfg);
    } catch (e) {
      throw new OidcRefused((e as Error).message, typeof claims.sub === 'string' ? claims.sub : undefined);
    }
  }
}
