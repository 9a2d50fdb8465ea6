/**
 * npm start as a child process, by default as npm runs it — compiled (tsc -p tsconfig.build.json → node
 * dist/scripts/start.js, children from dist/): engine, deployment, workers and web come up on free ports with a
 * temp DATA_DIR, the URLs are printed, SIGTERM stops every child and exits 0; a bad configuration exits 1 with a
 * message. The engine requires the per-folder secret npm start created and handed to the others (issue 13.1);
 * killing npm or the orchestrator with SIGKILL still stops every child, and a second npm start on a port where
 * an engine answers refuses to start (13.3).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers';


const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as net.AddressInfo;
    srv.close(() => resolve(port));
  }).on('error', reject);
});

/** The test run's environment without its engine credentials and clock control: npm start must bring its own. */
function developerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['ENGINE_BASIC_AUTH_USERNAME', 'ENGINE_BASIC_AUTH_PASSWORD', 'ENGINE_CLOCK_CONTROL', 'CAMUNDA_AUTH_STRATEGY',
    'CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD']) delete env[name];
  return env;
}

beforeAll(() => {
  // what `npm start` does first (npm run build); a type error or a broken build config fails here
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-vendor.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 60_000 });
}, 150_000);

/** `how`: compiled from dist/ (what npm start runs), node running start.ts from the sources, or `npm start` itself. */
function runStart(env: NodeJS.ProcessEnv, how: 'compiled' | 'node' | 'npm' = 'compiled') {
  const [command, args] = how === 'npm' ? ['npm', ['start', '--silent']]
    : how === 'node' ? [process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')]]
    : [process.execPath, [path.join(ROOT, 'dist', 'scripts', 'start.js')]];
  const proc = spawn(command, args, { cwd: ROOT, env: { ...developerEnv(), ...env } });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const waitFor = async (re: RegExp, ms: number) => {
    const end = Date.now() + ms;
    while (!re.test(out)) {
      if (Date.now() > end || proc.exitCode !== null) throw new Error(`did not see ${re} in:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { proc, exited, waitFor, output: () => out };
}

test('compiled: starts engine, deployment, workers and web from dist/; SIGTERM stops them all with exit 0', async () => {
  const [enginePort, webPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-start-'));
  // embedded mode (an address in the developer's environment would select external mode)
  const s = runStart({ ENGINE_PORT: String(enginePort), WEB_PORT: String(webPort), SMTP_PORT: String(smtpPort), DATA_DIR: dataDir, CAMUNDA_MODE: 'embedded' });
  try {
    await s.waitFor(/Ctrl\+C stops everything/, 90_000);
    await s.waitFor(/\[web\].*http:\/\/127\.0\.0\.1:\d+/, 30_000);
    expect(s.output()).toMatch(new RegExp(`web app\\s+http://localhost:${webPort}`));
    expect(s.output()).toMatch(new RegExp(`Camunda API\\s+http://localhost:${enginePort}/v2`));
    expect(s.output()).toMatch(/vk-placeringsforfragan\s+version 1/);
    // The engine requires the secret npm start created for this data folder (0600) and handed to the others.
    const file = path.join(dataDir, 'engine-credentials.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const { username, password } = JSON.parse(fs.readFileSync(file, 'utf8')) as { username: string; password: string };
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    expect((await fetch(`http://127.0.0.1:${enginePort}/v2/topology`)).status).toBe(401);
    const topology = await fetch(`http://127.0.0.1:${enginePort}/v2/topology`, { headers: { authorization } });
    expect(topology.status).toBe(200);
    // Clock control is off in npm start: nobody can fire deadlines by moving time.
    const clock = await fetch(`http://127.0.0.1:${enginePort}/v2/clock`, {
      method: 'PUT', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ timestamp: Date.now() + 86_400_000 * 30 }),
    });
    expect(clock.status).toBe(403);
    // A second npm start finds the engine answering on its port and refuses, leaving the first one running.
    const second = runStart({ ENGINE_PORT: String(enginePort), WEB_PORT: String(await freePort()), DATA_DIR: dataDir, CAMUNDA_MODE: 'embedded' });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already answers on port/);
    expect((await fetch(`http://127.0.0.1:${enginePort}/v2/topology`, { headers: { authorization } })).status).toBe(200);
    const web = await fetch(`http://127.0.0.1:${webPort}/`, { redirect: 'manual' });
    expect(web.status).toBeLessThan(500);
    expect(fs.existsSync(path.join(dataDir, 'engine.sqlite'))).toBe(true);
    // every child runs compiled JavaScript, none through tsx
    const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(s.proc.pid)], { encoding: 'utf8' });
    expect(children).toMatch(/dist\/engine\/main\.js/);
    expect(children).toMatch(/dist\/workers\/main\.js/);
    expect(children).toMatch(/dist\/web\/server\/main\.js/);
    expect(children).not.toMatch(/tsx/);
  } finally {
    s.proc.kill('SIGTERM');
  }
  expect(await s.exited).toBe(0);
  await expect(fetch(`http://127.0.0.1:${enginePort}/v2/topology`)).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${webPort}/`)).rejects.toThrow();
}, 150_000);

test('CAMUNDA_MODE=external without an address exits 1 and says what to set', async () => {
  const s = runStart({ CAMUNDA_MODE: 'external', ZEEBE_REST_ADDRESS: '', CAMUNDA_REST_ADDRESS: '' });
  expect(await s.exited).toBe(1);
  expect(s.output()).toMatch(/CAMUNDA_MODE=external needs ZEEBE_REST_ADDRESS/);
}, 60_000);

test('the engine dying at startup (port taken) stops npm start with exit 1 and points at its log', async () => {
  const blocker = net.createServer((sock) => sock.destroy());
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const s = runStart({ ENGINE_PORT: String(port), WEB_PORT: String(await freePort()), DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'vk-start-')), CAMUNDA_MODE: 'embedded' });
    expect({ code: await s.exited, output: s.output() }).toEqual({ code: 1, output: expect.stringMatching(/engine exited/) });
    expect(s.output()).not.toMatch(/Ctrl\+C stops everything/);
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
}, 90_000);

/** Resolves when nothing accepts connections on `port` any more; throws after `ms`. */
async function closed(port: number, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    } catch (e) {
      if (((e as Error).cause as { code?: string } | undefined)?.code === 'ECONNREFUSED') return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`port ${port} still answers after ${ms} ms`);
}

test.each(['node', 'npm'] as const)('SIGKILL to %s (no handler runs) still stops engine, workers and web', async (how) => {
  const [enginePort, webPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-start-'));
  const s = runStart({ ENGINE_PORT: String(enginePort), WEB_PORT: String(webPort), SMTP_PORT: String(smtpPort), DATA_DIR: dataDir, CAMUNDA_MODE: 'embedded' }, how);
  try {
    await s.waitFor(/Ctrl\+C stops everything/, 90_000);
    await s.waitFor(/\[web\].*http:\/\/127\.0\.0\.1:\d+/, 30_000);
  } catch (e) {
    s.proc.kill('SIGTERM');
    throw e;
  }
  s.proc.kill('SIGKILL');
  await closed(enginePort, 30_000);
  await closed(webPort, 30_000);
  await closed(smtpPort, 30_000);
}, 150_000);
