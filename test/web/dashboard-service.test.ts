/**
 * DashboardService serves the read model stale-while-revalidate: a page view waits for a refresh only when there is no
 * read model yet (or with maxAgeMs 0); a stale model is served at once while one shared refresh runs in the background.
 * The ReadModel is real; its Camunda client is a stub whose searches the test holds open or fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../common/audit';
import type { CamundaClient } from '../../common/camunda';
import type { SessionUser } from '../../web/server/auth/user';
import { ReadModel } from '../../web/server/dashboard/read-model';
import { DashboardService } from '../../web/server/dashboard/service';
import { openWebDb } from '../../web/server/db';

const chef = { id: 'chef-region', name: 'Chef', groups: ['chef-region'] } as unknown as SessionUser;
const all = { allowed: 'all' as const };

/** A client whose every search waits for `release()` (or fails with `fail()`), counting the searches started. */
function heldClient() {
  let gate!: { resolve: () => void; reject: (e: Error) => void };
  let opened = new Promise<void>((resolve, reject) => { gate = { resolve, reject }; });
  const calls: string[] = [];
  const empty = async (name: string) => { calls.push(name); await opened; return { items: [], page: { totalItems: 0 } }; };
  const client = { searchProcessInstances: () => empty('instances'), searchUserTasks: () => empty('tasks'), searchElementInstances: () => empty('elements'), searchVariables: () => empty('variables') } as unknown as CamundaClient;
  return {
    client, calls,
    release: () => gate.resolve(),
    fail: () => gate.reject(new Error('engine down')),
    hold: () => { opened = new Promise<void>((resolve, reject) => { gate = { resolve, reject }; }); },
  };
}

async function setup(maxAgeMs: number, now: () => Date = () => new Date()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-dash-svc-'));
  const db = openWebDb(dir);
  const audit = await AuditLog.open(path.join(dir, 'audit.sqlite'));
  const held = heldClient();
  const readModel = new ReadModel(db, held.client, now, 0);
  const svc = new DashboardService({ db, readModel, audit, now, dueSoonDays: 3, maxAgeMs });
  const setWatermark = (iso: string) => {
    for (const key of ['watermark', 'full_sweep']) db.prepare('INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, iso);
  };
  return { db, audit, held, svc, setWatermark, close: async () => { db.close(); await audit.close(); } };
}

const settled = (p: Promise<unknown>, ms = 150) => Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), ms))]);

test('without a read model the first view waits for the first refresh', async () => {
  const s = await setup(60_000);
  const view = s.svc.dashboard(chef, all);
  expect(await settled(view)).toBe('pending');
  s.held.release();
  const d = await view;
  expect(d.readModelAt).toBeDefined();
  expect(d.refreshing).toBe(false);
  s.close();
});

test('a stale read model is served at once while one shared refresh runs in the background', async () => {
  const s = await setup(60_000);
  const old = new Date(Date.now() - 5 * 60_000).toISOString();
  s.setWatermark(old);
  const [a, b] = await Promise.all([s.svc.dashboard(chef, all), s.svc.dashboard(chef, all)]);
  expect(a.readModelAt).toBe(old);
  expect(a.refreshing).toBe(true);
  expect(b.readModelAt).toBe(old);
  expect(s.held.calls).toHaveLength(1); // both views share one refresh, held at its first search
  s.held.release();
  await new Promise((r) => setTimeout(r, 50));
  const c = await s.svc.dashboard(chef, all);
  expect(Date.parse(c.readModelAt!)).toBeGreaterThan(Date.parse(old));
  expect(c.refreshing).toBe(false);
  // A fresh read model starts no refresh at all.
  const before = s.held.calls.length;
  await s.svc.dashboard(chef, all);
  expect(s.held.calls.length).toBe(before);
  s.close();
});

test('a failing background refresh does not fail the view; the old data stays', async () => {
  const s = await setup(60_000);
  const old = new Date(Date.now() - 5 * 60_000).toISOString();
  s.setWatermark(old);
  const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const d = await s.svc.dashboard(chef, all);
  s.held.fail();
  await new Promise((r) => setTimeout(r, 50));
  expect(d.readModelAt).toBe(old);
  expect(err).toHaveBeenCalledWith(expect.stringContaining('background read model refresh failed'), 'engine down');
  expect((await s.svc.csv(chef, all)).startsWith('\uFEFF')).toBe(true); // tries again in the background, fails again
  await new Promise((r) => setTimeout(r, 50));
  expect(err).toHaveBeenCalledTimes(2);
  err.mockRestore();
  s.close();
});

test('maxAgeMs 0 refreshes synchronously on every view', async () => {
  const s = await setup(0);
  s.setWatermark(new Date().toISOString());
  const view = s.svc.dashboard(chef, all);
  expect(await settled(view)).toBe('pending');
  s.held.release();
  expect((await view).refreshing).toBe(false);
  s.close();
});
