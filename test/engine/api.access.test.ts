/**
 * Engine access (issue 13.1, 13.3): /v2 requires credentials by default in the form the official client speaks
 * (CAMUNDA_AUTH_STRATEGY=BASIC); wrong or missing credentials → 401 problem+json with nothing stored; the health
 * probe stays open; clock control is off unless enabled; ENGINE_AUTH=none only on loopback (the CLI refuses a
 * wider bind); the CLI creates a per-folder secret (mode 0600) when none is configured; one engine per data folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { startEngine, type RunningEngine } from '../../engine';
import { basicAuthHeader } from '../../engine/rest/auth';
import { DataDirLockedError } from '../../engine/lock';
import { createCamundaClient } from '../../common/camunda';
import { bpmnFile, expectProblem, raw, storeSnapshot } from '../helpers/api';
import { testEngineAuth } from '../helpers/engine';
import { freePort } from '../helpers/engine-process';

jest.setTimeout(60_000);

const ROOT = path.join(__dirname, '..', '..');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vk-access-'));
const NO_AUTH = { authorization: '' };

describe('an engine with credentials (the default)', () => {
  let engine: RunningEngine;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    engine = await startEngine({ port: 0, dataDir, auth: testEngineAuth() });
  });
  afterAll(async () => {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the official client with CAMUNDA_AUTH_STRATEGY=BASIC works unchanged', async () => {
    expect(process.env.CAMUNDA_AUTH_STRATEGY).toBe('BASIC');
    const client = createCamundaClient({ restAddress: engine.url });
    expect((await client.getTopology()).brokers?.length).toBe(1);
    const deployed = await client.createDeployment({ resources: [bpmnFile('service-chain')] });
    expect(deployed.processes[0].processDefinitionId).toBe('service-chain');
  });

  test.each([
    ['GET', '/topology', undefined],
    ['POST', '/variables/search', { filter: { value: { $like: '*' } } }],
    ['POST', '/process-instances', { processDefinitionId: 'service-chain', variables: { kommun: 'Växjö' } }],
    ['POST', '/jobs/activation', { type: 'chain.a', maxJobsToActivate: 10, timeout: 60000 }],
    ['PUT', '/clock', { timestamp: Date.now() }],
  ])('%s %s without credentials → 401 problem+json with a Basic challenge, nothing stored', async (method, route, body) => {
    const client = createCamundaClient({ restAddress: engine.url });
    const before = await storeSnapshot(client);
    const res = await raw(engine.url, method, route, body, NO_AUTH);
    expectProblem(res, 401);
    expect(res.body.detail).toMatch(/CAMUNDA_AUTH_STRATEGY=BASIC/);
    expect(await storeSnapshot(client)).toEqual(before);
  });

  test('the 401 carries a Basic challenge, so standard HTTP clients know what to send', async () => {
    const res = await fetch(`${engine.url}/v2/topology`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  });

  test('wrong password, wrong user, a malformed header and a bearer token → 401', async () => {
    const { username, password } = testEngineAuth();
    for (const authorization of [
      basicAuthHeader(username, `${password}x`),
      basicAuthHeader(`${username}x`, password),
      basicAuthHeader(username, ''),
      'Basic not base64 !!',
      `Basic ${Buffer.from(`${username}${password}`).toString('base64')}`,
      'Bearer abc.def.ghi',
    ]) {
      const res = await raw(engine.url, 'GET', '/topology', undefined, { authorization });
      expectProblem(res, 401);
    }
  });

  test('the official client with a wrong password is refused with 401', async () => {
    const config = {
      ZEEBE_REST_ADDRESS: engine.url, CAMUNDA_AUTH_STRATEGY: 'BASIC' as const,
      CAMUNDA_BASIC_AUTH_USERNAME: testEngineAuth().username, CAMUNDA_BASIC_AUTH_PASSWORD: 'not-the-password-at-all',
    };
    const client = new Camunda8(config).getOrchestrationClusterApiClient(config, { cached: false });
    await expect(client.getTopology()).rejects.toMatchObject({ status: 401 });
  });

  test('the health probe GET /v2/status answers without credentials (as on Camunda)', async () => {
    expect((await raw(engine.url, 'GET', '/status', undefined, NO_AUTH)).status).toBe(204);
  });

  test('clock control is off by default: PUT /v2/clock → 403 problem+json, engine time unchanged', async () => {
    const res = await raw(engine.url, 'PUT', '/clock', { timestamp: Date.now() + 365 * 86_400_000 });
    expectProblem(res, 403);
    expect(res.body.detail).toMatch(/ENGINE_CLOCK_CONTROL=true/);
    expectProblem(await raw(engine.url, 'POST', '/clock/reset'), 403);
  });

  test('a second engine on the same data folder is refused with a clear message; the first keeps serving', async () => {
    await expect(startEngine({ port: 0, dataDir, auth: testEngineAuth() })).rejects.toThrow(DataDirLockedError);
    await expect(startEngine({ port: 0, dataDir, auth: testEngineAuth() })).rejects.toThrow(/Another engine is already using the data folder/);
    expect((await raw(engine.url, 'GET', '/topology')).status).toBe(200);
  });
});

test('ENGINE_AUTH none is allowed on loopback and refused on any other address', async () => {
  const dataDir = tempDir();
  const open = await startEngine({ port: 0, host: '127.0.0.1', dataDir, auth: { kind: 'none' } });
  try {
    expect((await raw(open.url, 'GET', '/topology', undefined, NO_AUTH)).status).toBe(200);
  } finally {
    await open.close();
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
    await expect(startEngine({ port: 0, host, dataDir, auth: { kind: 'none' } })).rejects.toThrow(/Refusing to listen on .* without credentials/);
  }
  // The refusal happened before anything was opened: the folder can be used right away.
  const again = await startEngine({ port: 0, dataDir, auth: testEngineAuth() });
  await again.close();
});

/** Runs engine/main.ts with `env` (without the test credentials unless given) until it prints or exits. */
function runCli(env: NodeJS.ProcessEnv) {
  const base = { ...process.env };
  delete base.ENGINE_BASIC_AUTH_USERNAME;
  delete base.ENGINE_BASIC_AUTH_PASSWORD;
  delete base.ENGINE_CLOCK_CONTROL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'main.ts')], {
    cwd: ROOT, env: { ...base, ENGINE_HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += String(d); });
  child.stderr.on('data', (d) => { output += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const serving = async () => {
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      const m = /serving (http:\/\/\S+)\/v2/.exec(output);
      if (m) return m[1];
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`engine did not start: ${output}`);
  };
  return { child, exited, serving, output: () => output };
}

test('CLI: ENGINE_AUTH=none with ENGINE_HOST=0.0.0.0 refuses to start and says why', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'main.ts')], {
    cwd: ROOT, env: { ...process.env, ENGINE_AUTH: 'none', ENGINE_HOST: '0.0.0.0', ENGINE_PORT: '0', DATA_DIR: tempDir() }, encoding: 'utf8', timeout: 30_000,
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without credentials/);
});

test('CLI: without configured credentials it creates a per-folder secret (0600), requires it, and keeps it on restart', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  const first = runCli({ DATA_DIR: dataDir, ENGINE_PORT: String(port) });
  const url = await first.serving();
  const file = path.join(dataDir, 'engine-credentials.json');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const secret = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string };
  expect(secret.password.length).toBeGreaterThanOrEqual(32);
  expect((await raw(url, 'GET', '/topology', undefined, NO_AUTH)).status).toBe(401);
  expect((await raw(url, 'GET', '/topology', undefined, { authorization: basicAuthHeader(secret.username, secret.password) })).status).toBe(200);
  expectProblem(await raw(url, 'PUT', '/clock', { timestamp: 1 }, { authorization: basicAuthHeader(secret.username, secret.password) }), 403);

  // A second engine on the same folder exits with code 3 and a clear message, the first keeps serving.
  const second = runCli({ DATA_DIR: dataDir, ENGINE_PORT: '0' });
  expect(await second.exited).toBe(3);
  expect(second.output()).toMatch(/Another engine is already using the data folder .*\(process \d+\)/);
  expect((await raw(url, 'GET', '/topology', undefined, { authorization: basicAuthHeader(secret.username, secret.password) })).status).toBe(200);

  first.child.kill('SIGTERM');
  expect(await first.exited).toBe(0);
  const again = runCli({ DATA_DIR: dataDir, ENGINE_PORT: String(port) });
  await again.serving();
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(secret);
  again.child.kill('SIGKILL');
  await again.exited;
  // kill -9 leaves no stale lock: the next engine starts at once.
  const afterCrash = runCli({ DATA_DIR: dataDir, ENGINE_PORT: String(port) });
  await afterCrash.serving();
  afterCrash.child.kill('SIGTERM');
  await afterCrash.exited;
});
