/**
 * The data directory under damage: a torn last write (WAL tail, main-file tail), a truncated database and a full
 * disk. Expected: either the engine recovers to the last intact commit (a torn WAL frame is an unacknowledged
 * write), or it refuses to start with a clear error naming the file and leaves the file untouched — never a
 * silent reset to an empty store. On a full disk, commands fail with a problem+json answer, acknowledged state
 * survives, and the engine works again once space is freed.
 *
 * The disk-full test mounts a small tmpfs and therefore needs root; without it the test is reported as skipped.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEngine, type RunningEngine } from '../../engine';
import { testEngineAuth, engineAuthHeaders } from '../helpers/engine';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'bpmn', 'service-chain.bpmn');
const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vk-datadir-'));

async function call(url: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any; contentType: string }> {
  const res = await fetch(`${url}/v2${route}`, {
    method,
    headers: { ...engineAuthHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed, contentType: res.headers.get('content-type') ?? '' };
}

async function deployChain(url: string): Promise<void> {
  const form = new FormData();
  form.append('resources', new File([fs.readFileSync(FIXTURE)], 'service-chain.bpmn'));
  const res = await fetch(`${url}/v2/deployments`, { method: 'POST', body: form, headers: engineAuthHeaders() });
  expect(res.status).toBe(200);
}

async function startInstances(url: string, n: number, blob = ''): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call(url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variables: { lastType: 'a', blob } });
    expect(r.status).toBe(200);
    keys.push(r.body.processInstanceKey);
  }
  return keys;
}

function count(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs the CLI (engine/main.ts) on a data dir and returns how it ended within a few seconds. */
function runCli(dataDir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'engine', 'main.ts')], {
    cwd: ROOT, env: { ...process.env, ENGINE_PORT: '0', ENGINE_HOST: '127.0.0.1', DATA_DIR: dataDir }, encoding: 'utf8', timeout: 20_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A data dir with 20 instances whose last commits are still in the WAL (as after a kill -9). */
async function dataDirWithWal(): Promise<{ dir: string; file: string; keys: string[] }> {
  const dir = tempDir();
  const engine = await startEngine({ port: 0, dataDir: dir, auth: testEngineAuth() });
  await deployChain(engine.url);
  const keys = await startInstances(engine.url, 20);
  // Copy the files while the engine holds them open: the copy is what a kill -9 leaves (WAL not checkpointed).
  const copy = tempDir();
  for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
  await engine.close();
  return { dir: copy, file: path.join(copy, 'engine.sqlite'), keys };
}

test('a torn last write in the WAL loses at most that unacknowledged write; everything before it is there (no reset)', async () => {
  const { dir, file, keys } = await dataDirWithWal();
  const wal = `${file}-wal`;
  expect(fs.statSync(wal).size).toBeGreaterThan(0);
  // Tear the last frame: cut the WAL in the middle of its last page and garble what remains of it.
  const size = fs.statSync(wal).size;
  fs.truncateSync(wal, size - 2000);
  const fd = fs.openSync(wal, 'r+');
  fs.writeSync(fd, Buffer.alloc(500, 0x5a), 0, 500, size - 2600);
  fs.closeSync(fd);

  let engine: RunningEngine | undefined;
  try {
    engine = await startEngine({ port: 0, dataDir: dir, auth: testEngineAuth() });
    const r = await call(engine.url, 'POST', '/process-instances/search', { page: { limit: 100 } });
    expect(r.status).toBe(200);
    const found = new Set(r.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey));
    // All but the torn (last) commit survive; the store was not reset.
    const present = keys.filter((k) => found.has(k));
    expect(present.length).toBeGreaterThanOrEqual(keys.length - 1);
    expect(present).toEqual(keys.slice(0, present.length));
    // And it keeps working.
    expect((await call(engine.url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variables: { lastType: 'a' } })).status).toBe(200);
  } finally {
    await engine?.close();
  }
});

test('a truncated database file (torn last write of a checkpoint) stops the CLI with a clear error naming the file; the file is untouched', async () => {
  const { dir, file } = await dataDirWithWal();
  // Checkpoint into the main file, then lose its tail.
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = fs.statSync(file).size;
  expect(size).toBeGreaterThan(8192);
  fs.truncateSync(file, Math.floor(size / 2) + 100);
  const before = hash(file);
  const r = runCli(dir);
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull(); // it ended by itself, did not hang
  expect(r.output).toContain(file);
  expect(r.output).toMatch(/Cannot open the engine database/);
  expect(hash(file)).toBe(before);
});

test('a garbled last page of the database file stops the CLI with a clear error; the file is untouched', async () => {
  const { dir, file } = await dataDirWithWal();
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, crypto.randomBytes(4096), 0, 4096, size - 4096);
  fs.closeSync(fd);
  const before = hash(file);
  const r = runCli(dir);
  expect(r.status).not.toBe(0);
  expect(r.status).not.toBeNull();
  expect(r.output).toContain(file);
  expect(hash(file)).toBe(before);
});

function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-diskfull-'));
const canMount = process.getuid?.() === 0 && tryMountTmpfs(mountDir, '4m');
if (!canMount) console.warn('datadir.test.ts: the disk-full test needs root to mount a tmpfs; skipped');

afterAll(() => {
  if (canMount) {
    try {
      execFileSync('umount', [mountDir], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
});

(canMount ? test : test.skip)('a full disk: commands fail with problem+json, acknowledged state survives, the engine works again after space is freed', async () => {
  const dataDir = path.join(mountDir, 'data');
  let engine: RunningEngine | undefined = await startEngine({ port: 0, dataDir, auth: testEngineAuth() });
  const file = path.join(dataDir, 'engine.sqlite');
  const acknowledged: string[] = [];
  const failures: { status: number; contentType: string; title?: string; detail?: string }[] = [];
  try {
    await deployChain(engine.url);
    const blob = 'x'.repeat(20_000);
    // Fill the 4 MB file system with instances carrying 20 kB variables until writes fail.
    for (let i = 0; i < 400 && failures.length < 5; i++) {
      const r = await call(engine.url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variables: { lastType: 'a', blob } });
      if (r.status === 200) acknowledged.push(r.body.processInstanceKey);
      else failures.push({ status: r.status, contentType: r.contentType, title: r.body?.title, detail: r.body?.detail });
    }
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.status).toBe(503); // the client did nothing wrong: UNAVAILABLE until space is freed
      expect(f.contentType).toMatch(/application\/problem\+json/);
      expect(f.detail).toMatch(/full/i); // says why, so an operator knows what to fix
    }
    // Reads still work on a full disk, and every acknowledged instance is there.
    for (const key of acknowledged.slice(-3)) expect((await call(engine.url, 'GET', `/process-instances/${key}`)).status).toBe(200);
    await engine.close();
    engine = undefined;
    // Restart on the still-full disk: it starts (or fails clearly) — it never resets.
    const instancesBefore = count(file, 'process_instances');
    expect(instancesBefore).toBeGreaterThanOrEqual(acknowledged.length);
    try {
      engine = await startEngine({ port: 0, dataDir, auth: testEngineAuth() });
    } catch (e) {
      expect(String((e as Error).message)).toContain(file);
    }
    await engine?.close();
    engine = undefined;
    expect(count(file, 'process_instances')).toBe(instancesBefore);
    // Free space: grow the file system, restart, and everything acknowledged is there and new work succeeds.
    execFileSync('mount', ['-o', 'remount,size=64m', mountDir]);
    engine = await startEngine({ port: 0, dataDir, auth: testEngineAuth() });
    for (const key of acknowledged) expect((await call(engine.url, 'GET', `/process-instances/${key}`)).status).toBe(200);
    expect((await call(engine.url, 'POST', '/process-instances', { processDefinitionId: 'service-chain', variables: { lastType: 'a' } })).status).toBe(200);
  } finally {
    await engine?.close();
  }
});
