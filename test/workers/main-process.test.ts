/**
 * `npm run workers` as a real process: starts against the engine with the dev mailbox, handles a job, and stops
 * gracefully on SIGTERM (exit code 0, databases closed: the WAL is checkpointed and the files reopen).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eventually, NOW } from '../helpers/api';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { chain, task } from './diagrams';

const ROOT = path.resolve(__dirname, '..', '..');
let engine: TestEngine;
beforeAll(async () => { engine = await startTestEngine(); });
afterAll(async () => { await engine?.stop(); });

test('starts, mails through the dev mailbox, stops on SIGTERM', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-main-'));
  // A free port for the dev mailbox: bind 0, read it, release it.
  const net = await import('node:net');
  const port = await new Promise<number>((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => r(p)); }); });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ZEEBE_REST_ADDRESS: engine.url, DATA_DIR: dataDir, DEV_MAILBOX: 'true', SMTP_PORT: String(port), CAMUNDA_SDK_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await eventually(async () => out, (o) => o.includes('[workers] polling'), { what: 'workers started', timeoutMs: 20_000 });
    await engine.client.createDeployment({ resources: [chain('workers-main', [task('Notifiera', 'vk.notify.task', { group: 'remissgruppen' })], ['Notifiera'])] });
    const pi = await engine.client.createProcessInstance({ processDefinitionId: 'workers-main' as never, variables: { caseRef: 'VK-2026-000801' } });
    await eventually(() => engine.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW), (p) => p.state === 'COMPLETED', { what: 'job handled', timeoutMs: 15_000 });
    const index = fs.readFileSync(path.join(dataDir, 'mail', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { to: string[]; file: string });
    expect(index).toHaveLength(1);
    expect(index[0].to).toEqual(['remissgruppen@vardkedjan.local']);
    expect(fs.readFileSync(path.join(dataDir, 'mail', index[0].file), 'utf8')).toContain('VK-2026-000801');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(out).toContain('SIGTERM: stopping');
  const db = new Database(path.join(dataDir, 'workers.sqlite'), { readonly: true });
  expect((db.prepare("SELECT status FROM outbox").all() as Array<{ status: string }>).map((r) => r.status)).toEqual(['sent']);
  db.close();
}, 60_000);
