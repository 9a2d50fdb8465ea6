/**
 * A real OpenID Provider for tests: panva's certified `oidc-provider` (ESM-only, hence a separate node process
 * started by test/helpers/oidc.ts) on 127.0.0.1 and an ephemeral port, with its development login/consent pages
 * (devInteractions: any login name is accepted, the password is ignored).
 *
 * Configuration: one JSON argument
 *   { clientId, clientSecret, redirectUri, accounts: { <sub>: { name, groups } }, idTokenClaims?: boolean, port?: number }
 * - the client is confidential (client_secret_post, openid-client's default) and the OP requires PKCE (S256);
 * - scope `profile` carries `name` and `groups`; with idTokenClaims false (default, the OP's conformIdTokenClaims)
 *   those claims are only served by userinfo, with true they are also in the ID token;
 * - an unknown login name is an unknown account (the OP refuses it).
 * Prints one line `{"issuer":"http://127.0.0.1:<port>"}` on stdout when it listens; stops on SIGTERM.
 */
import http from 'node:http';
import Provider from 'oidc-provider';

const opts = JSON.parse(process.argv[2] ?? '{}');
const accounts = opts.accounts ?? {};

const server = http.createServer();
await new Promise((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: opts.clientId,
    client_secret: opts.clientSecret,
    redirect_uris: [opts.redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email'] },
  conformIdTokenClaims: !opts.idTokenClaims,
  pkce: { required: () => true },
  cookies: { keys: ['test-only-cookie-key-0123456789'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
});
provider.on('server_error', (_ctx, err) => console.error('[oidc-provider] server_error', err));

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
