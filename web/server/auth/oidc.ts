import type * as OpenId from 'openid-client';
import type { OidcConfig } from '../config';
import { claimPath, claimsToUser } from './claims';
import type { SessionUser } from './user';

export { claimsToUser } from './claims';

/** openid-client v6 is ESM-only: loaded on first use (this app is compiled as CommonJS). */
let lib: Promise<typeof OpenId> | undefined;
const openid = () => (lib ??= import('openid-client'));

export interface OidcPending { state: string; codeVerifier: string; nonce: string }

/** Authorization-code flow with PKCE, state and nonce (openid-client v6). */
export class OidcLogin {
  private configuration?: Promise<OpenId.Configuration>;
  constructor(private readonly cfg: OidcConfig) {}

  private config(): Promise<OpenId.Configuration> {
    this.configuration ??= openid().then((client) => client.discovery(new URL(this.cfg.issuer), this.cfg.clientId, this.cfg.clientSecret));
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

  async finish(currentUrl: URL, pending: OidcPending): Promise<SessionUser> {
    const client = await openid();
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true,
    });
    const claims = { ...(tokens.claims() ?? {}) } as Record<string, unknown>;
    if (claimPath(claims, this.cfg.groupClaim) === undefined) {
      Object.assign(claims, await client.fetchUserInfo(config, tokens.access_token, String(claims.sub)));
    }
    return claimsToUser(claims, this.cfg);
  }
}
