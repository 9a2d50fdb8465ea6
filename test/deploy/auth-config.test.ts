/**
 * The configuration reference of docs/production.md, checked against the real SDK: the SaaS-style OAuth variables
 * and the Self-Managed BASIC variables make the client fetch a token (client-credentials grant) / send BASIC
 * credentials to the configured address. A local HTTP server plays token endpoint and cluster and records requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CamundaClient } from '../../common/camunda';

/** The SDK snapshots the environment when its modules load: load them afresh after setting the variables. */
function createCamundaClient(): CamundaClient {
  let client: CamundaClient | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    client = (require('../../common/camunda') as typeof import('../../common/camunda')).createCamundaClient();
  });
  return client!;
}

interface Seen { path: string; auth?: string; body: string }
let server: http.Server;
let base: string;
const seen: Seen[] = [];
const TOPOLOGY = { brokers: [{ nodeId: 0, host: 'h', port: 26501, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }], version: '8.8.0' }], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0', lastCompletedChangeId: '-1' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      if (req.url === '/oauth/token') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'token-123', token_type: 'Bearer', expires_in: 300 }));
      } else if (req.url === '/cluster-1/v2/topology') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(TOPOLOGY));
      } else { res.statusCode = 404; res.end(); }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  seen.length = 0;
});

test('SaaS-style OAuth: token from CAMUNDA_OAUTH_URL with ZEEBE_CLIENT_ID/SECRET and audience, then Bearer on /v2', async () => {
  Object.assign(process.env, {
    CAMUNDA_AUTH_STRATEGY: 'OAUTH', ZEEBE_REST_ADDRESS: `${base}/cluster-1`, ZEEBE_CLIENT_ID: 'vk-client', ZEEBE_CLIENT_SECRET: 'vk-secret',
    CAMUNDA_OAUTH_URL: `${base}/oauth/token`, ZEEBE_TOKEN_AUDIENCE: 'zeebe.camunda.io', CAMUNDA_TOKEN_DISK_CACHE_DISABLE: 'true',
  });
  const topology = await createCamundaClient().getTopology();
  expect(topology.clusterSize).toBe(1);
  const token = seen.find((s) => s.path === '/oauth/token');
  expect(token).toBeDefined();
  const form = new URLSearchParams(token!.body);
  const basic = token!.auth?.startsWith('Basic ') ? Buffer.from(token!.auth.slice(6), 'base64').toString() : '';
  expect(form.get('grant_type')).toBe('client_credentials');
  expect(form.get('client_id') ?? basic.split(':')[0]).toBe('vk-client');
  expect(form.get('client_secret') ?? basic.split(':')[1]).toBe('vk-secret');
  expect(form.get('audience')).toBe('zeebe.camunda.io');
  expect(seen.find((s) => s.path === '/cluster-1/v2/topology')?.auth).toBe('Bearer token-123');
});

test('Self-Managed BASIC: CAMUNDA_BASIC_AUTH_USERNAME/PASSWORD sent as Basic credentials', async () => {
  Object.assign(process.env, {
    CAMUNDA_AUTH_STRATEGY: 'BASIC', ZEEBE_REST_ADDRESS: `${base}/cluster-1`, CAMUNDA_BASIC_AUTH_USERNAME: 'demo', CAMUNDA_BASIC_AUTH_PASSWORD: 'demo-pw',
  });
  await createCamundaClient().getTopology();
  expect(seen.find((s) => s.path === '/cluster-1/v2/topology')?.auth).toBe(`Basic ${Buffer.from('demo:demo-pw').toString('base64')}`);
  expect(seen.some((s) => s.path === '/oauth/token')).toBe(false);
});

test('NONE: no Authorization header', async () => {
  Object.assign(process.env, { CAMUNDA_AUTH_STRATEGY: 'NONE', ZEEBE_REST_ADDRESS: `${base}/cluster-1` });
  await createCamundaClient().getTopology();
  expect(seen.find((s) => s.path === '/cluster-1/v2/topology')?.auth).toBeUndefined();
});
