/**
 * "Platser och kö" (issue 10 item 3): per home capacity, occupied, free and the ranked queue (position, priority
 * class with its Swedish reason, bistånd decision date, days waiting, link to the case), read from the places store
 * the workers write (common/places.ts in $DATA_DIR/workers.sqlite). Who may see it: remissgruppen and chef-region
 * everything, chef-<kommun> their kommun's entries; others 403, audited. The case page shows the client's place.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '../../common/storage/db';
import { openWorkersStore } from '../helpers/stores';
import { PlacementQueue } from '../../common/places';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, resourceFiles, startTestWeb, type TestWeb } from './helpers';

let engine: TestEngine;
let web: TestWeb;
let db: Store;
const NOW = new Date('2026-12-02T10:00:00Z');

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  // Capacity is configuration (PLACES_CONFIG, as the workers read it): one place per home here.
  const placesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-places-')), 'places.json');
  fs.writeFileSync(placesFile, JSON.stringify({ capacity: { ekeliden: 1, novus: 2 } }));
  process.env.PLACES_CONFIG = placesFile;
  web = await startTestWeb(engine.client, { now: () => NOW });
  // What the workers' vk.queue.* jobs write: the same table, through the same module.
  db = await openWorkersStore(web.storage);
  const q = new PlacementQueue(db, { ekeliden: 1, novus: 2 });
  const at = NOW.toISOString();
  await q.enqueue({ caseRef: 'VK-2026-000001', kommun: 'vaxjo', home: 'ekeliden', priority: 'd', decisionDate: '2026-10-01', now: at });
  await q.admit('ekeliden', 'VK-2026-000001', at);
  await q.enqueue({ caseRef: 'VK-2026-000002', kommun: 'alvesta', home: 'ekeliden', priority: 'd', decisionDate: '2026-11-01', now: at });
  await q.enqueue({ caseRef: 'VK-2026-000003', kommun: 'vaxjo', home: 'ekeliden', priority: 'b', decisionDate: '2026-11-20', now: at });
  await q.enqueue({ caseRef: 'VK-2026-000004', kommun: 'vaxjo', home: 'ekeliden', priority: 'd', decisionDate: '2026-10-15', now: at });
}, 60_000);
afterAll(async () => {
  await db?.close();
  delete process.env.PLACES_CONFIG;
  await web?.stop();
  await engine?.stop();
});

test('remissgruppen sees capacity, occupancy and the queue ranked a–d, then by time since the decision', async () => {
  const remiss = await Agent.login(web.url, 'remiss-anna');
  const res = await remiss.get('/api/platser');
  expect(res.status).toBe(200);
  const ek = res.json.homes.find((h: any) => h.home === 'ekeliden');
  expect(ek).toEqual(expect.objectContaining({ label: 'HVB Ekeliden', capacity: 1, occupied: 1, free: 0 }));
  expect(res.json.homes.find((h: any) => h.home === 'novus')).toEqual(expect.objectContaining({ capacity: 2, occupied: 0, free: 2, queue: [] }));
  expect(ek.queue.map((e: any) => [e.position, e.caseRef, e.priority, e.daysWaiting])).toEqual([
    [1, 'VK-2026-000003', 'b', 12], [2, 'VK-2026-000004', 'd', 48], [3, 'VK-2026-000002', 'd', 31],
  ]);
  const page = await remiss.html('/platser');
  expect(page).toContain('Platser och kö');
  expect(page).toContain('b) Har barn vars perspektiv behöver beaktas');
  expect(page).toContain('href="/arenden/VK-2026-000003"');
  expect(page).toMatch(/0 lediga/);
  expect((await web.audit.query({ actor: 'remiss-anna', action: 'places.read' })).length).toBeGreaterThan(0);
});

test('chef-vaxjo sees only Växjö\'s entries (with their place in the whole queue); a socialsekreterare is refused and audited', async () => {
  const chef = await Agent.login(web.url, 'chef-vaxjo');
  const ek = (await chef.get('/api/platser')).json.homes.find((h: any) => h.home === 'ekeliden');
  expect(ek.queue.map((e: any) => [e.position, e.caseRef])).toEqual([[1, 'VK-2026-000003'], [2, 'VK-2026-000004']]);
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  expect((await ss.get('/api/platser')).status).toBe(403);
  expect(await web.audit.query({ actor: 'ss-vaxjo', action: 'places.read.denied' })).toHaveLength(1);
});
