/**
 * npm start (scripts/start.ts) as a child process: engine, deployment, workers and web come up on free ports with a
 * temp DATA_DIR, the URLs are printed, SIGTERM stops every child and exits 0; a bad configuration exits 1 with a
 * message.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

const freePort = () => new Promise<number>((resolve, reject) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as net.AddressInfo;
    srv.close(() => resolve(port));
  }).on('error', reject);
});

function runStart(env: NodeJS.ProcessEnv) {
  const proc = spawn(TSX, [path.join(ROOT, 'scripts', 'start.ts')], { cwd: ROOT, env: { ...process.env, ...env } });
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

test('starts engine, deployment, workers and web; SIGTERM stops them all with exit 0', async () => {
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
    const topology = await fetch(`http://127.0.0.1:${enginePort}/v2/topology`);
    expect(topology.status).toBe(200);
    const web = await fetch(`http://127.0.0.1:${webPort}/`, { redirect: 'manual' });
    expect(web.status).toBeLessThan(500);
    expect(fs.existsSync(path.join(dataDir, 'engine.sqlite'))).toBe(true);
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
    expect(await s.exited).toBe(1);
    expect(s.output()).toMatch(/engine exited/);
    expect(s.output()).not.toMatch(/Ctrl\+C stops everything/);
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
}, 90_000);
