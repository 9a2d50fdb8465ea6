/**
 * Crash safety: the engine runs in a child process under load and is killed with SIGKILL mid-flight.
 * After a restart on the same data directory every acknowledged command is still there, the state is
 * consistent (no half-applied command), and timers that fell due fire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEngine } from '../../engine';
import { testEngineAuth, engineAuthHeaders } from '../helpers/engine';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'bpmn');
const T0 = Date.parse('2026-11-02T08:00:00Z');
const DAY = 86_400_000;

jest.setTimeout(120_000);

function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ENGINE_PORT: '0', ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`engine child did not start: ${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving (http:\/\/[^\s]+)\/v2/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`engine child exited with ${code}: ${output}`)));
  });
}

async function call(url: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/v2${route}`, {
    method,
    headers: { ...engineAuthHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function deploy(url: string, names: string[]): Promise<void> {
  const form = new FormData();
  for (const name of names) form.append('resources', new File([fs.readFileSync(path.join(FIXTURES, `${name}.bpmn`))], `${name}.bpmn`));
  const res = await fetch(`${url}/v2/deployments`, { method: 'POST', body: form, headers: engineAuthHeaders() });
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
}

test('SIGKILL under load loses no acknowledged command and leaves consistent state; due timers fire after restart', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-crash-'));
  const { child, url } = await startChild(dataDir);
  await deploy(url, ['service-chain', 'timer-intermediate']);
  await call(url, 'PUT', '/clock', { timestamp: T0 });

  const started = { chain: [] as string[], timer: [] as string[] };
  const completedJobs: string[] = [];
  let stop = false;
  const starter = async (kind: 'chain' | 'timer') => {
    while (!stop) {
      try {
        const body = kind === 'chain'
          ? { processDefinitionId: 'service-chain', variables: { lastType: 'c' } }
          : { processDefinitionId: 'timer-intermediate', variables: { waitFor: 'P1D' } };
        const result = await call(url, 'POST', '/process-instances', body);
        started[kind].push(result.processInstanceKey);
      } catch {
        return; // the engine died under us
      }
    }
  };
  const worker = async () => {
    while (!stop) {
      try {
        const { jobs } = await call(url, 'POST', '/jobs/activation', { type: 'chain.a', timeout: 600_000, maxJobsToActivate: 5, requestTimeout: 200 });
        for (const job of jobs) {
          await call(url, 'POST', `/jobs/${job.jobKey}/completion`, { variables: { done: job.jobKey } });
          completedJobs.push(job.jobKey);
        }
      } catch {
        return;
      }
    }
  };
  const load = Promise.all([starter('chain'), starter('chain'), starter('timer'), worker(), worker()]);
  await new Promise((r) => setTimeout(r, 2500));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  stop = true;
  await exited;
  await load;
  expect(started.chain.length + started.timer.length).toBeGreaterThan(20);
  expect(completedJobs.length).toBeGreaterThan(0);

  // The file itself is sound after the kill.
  const raw = new Database(path.join(dataDir, 'engine.sqlite'));
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  // Consistency: every active service-chain instance waits on exactly one open job, every timer instance on one timer.
  const broken = raw.prepare(
    `SELECT p.key FROM process_instances p WHERE p.bpmn_process_id = 'service-chain' AND p.state = 'ACTIVE'
       AND (SELECT COUNT(*) FROM jobs j WHERE j.process_instance_key = p.key AND j.state NOT IN ('COMPLETED', 'CANCELED')) <> 1`,
  ).all();
  expect(broken).toEqual([]);
  const timerless = raw.prepare(
    `SELECT p.key FROM process_instances p WHERE p.bpmn_process_id = 'timer-intermediate' AND p.state = 'ACTIVE'
       AND (SELECT COUNT(*) FROM timers t WHERE t.process_instance_key = p.key) <> 1`,
  ).all();
  expect(timerless).toEqual([]);
  raw.close();

  const engine = await startEngine({ port: 0, dataDir, auth: testEngineAuth(), clockControl: true });
  try {
    for (const key of [...started.chain, ...started.timer]) {
      const instance = await call(engine.url, 'GET', `/process-instances/${key}`);
      expect(instance.processInstanceKey).toBe(key);
    }
    for (const jobKey of completedJobs) {
      const { items } = await call(engine.url, 'POST', '/jobs/search', { filter: { jobKey } });
      expect(items[0].state).toBe('COMPLETED');
    }
    // The pinned clock survived the crash; moving it a day ahead makes every waiting timer due.
    await call(engine.url, 'PUT', '/clock', { timestamp: T0 + DAY + 1000 });
    const deadline = Date.now() + 30_000;
    let active = -1;
    while (Date.now() < deadline) {
      const { page } = await call(engine.url, 'POST', '/process-instances/search', { filter: { processDefinitionId: 'timer-intermediate', state: 'ACTIVE' }, page: { limit: 1 } });
      active = page.totalItems;
      if (active === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(active).toBe(0);
    const { page } = await call(engine.url, 'POST', '/process-instances/search', { filter: { processDefinitionId: 'timer-intermediate', state: 'COMPLETED' } });
    expect(page.totalItems).toBeGreaterThanOrEqual(started.timer.length);
  } finally {
    await engine.close();
  }
});
