/**
 * One client, one case, with the real diagrams and the real workers on the embedded engine (issue 10 items 1 and 3):
 * a placeringsförfrågan admits the client and Under placering starts by itself with the same caseRef and what is
 * known; a second client waits in the full home's queue; ending the first placement frees the place, the waiting
 * client is offered it (plats-ledig), admitted, and gets its own Under placering. User tasks are completed through
 * the official client; every service task runs in the project's workers.
 */
import type { CamundaClient } from '../../common/camunda';
import { openPlaces } from '../../common/places';
import { eventually, NOW } from '../helpers/api';
import { completeTask, deployAll, publish, userTask } from '../processes/helpers';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv({ capacity: { ekeliden: 1, novus: 1 } });

async function rootVars(client: CamundaClient, processInstanceKey: string): Promise<Record<string, unknown>> {
  const { items } = await client.searchVariables({ filter: { processInstanceKey } as never, page: { limit: 200 } } as never, NOW);
  return Object.fromEntries((items ?? []).filter((v: { scopeKey?: unknown }) => String(v.scopeKey) === processInstanceKey).map((v: { name: string; value: string }) => [v.name, JSON.parse(v.value)]));
}

/** Process instances (any state) whose root caseRef is `caseRef`, by process id. */
async function processesOf(client: CamundaClient, caseRef: string): Promise<Map<string, { key: string; state: string }>> {
  const { items } = await client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never, page: { limit: 100 } } as never, NOW);
  const out = new Map<string, { key: string; state: string }>();
  for (const v of items ?? []) {
    if (String(v.scopeKey) !== String(v.processInstanceKey)) continue;
    const pi = await client.getProcessInstance({ processInstanceKey: v.processInstanceKey as never }, NOW);
    out.set(String(pi.processDefinitionId), { key: String(pi.processInstanceKey), state: String(pi.state) });
  }
  return out;
}

async function untilDone(what: string, check: () => Promise<boolean>) {
  await eventually(check, (ok) => ok, { what, timeoutMs: 25_000 });
}

beforeAll(async () => {
  await deployAll(env.engine.client);
  await env.start();
});

/** Runs a placeringsförfrågan to the bistånd decision for Ekeliden; the queue job runs in the worker. */
async function toQueue(client: CamundaClient, caseRef: string, decisionDate: string) {
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-placeringsforfragan' as never, variables: { caseRef, kommun: 'vaxjo' } });
  const key = String(pi.processInstanceKey);
  await completeTask(client, key, 'Utredning', { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'ingen' });
  await completeTask(client, key, 'Uppdragsblankett', { behovsomraden: ['boende'], foreslagenNiva: 'ekeliden', samtyckeRemissgrupp: true });
  await completeTask(client, key, 'Matchning', { home: 'ekeliden', remissmoteDatum: '2026-11-05' });
  await completeTask(client, key, 'Studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await completeTask(client, key, 'Beslut', { beslut: 'bifall', decisionDate });
  return key;
}

test('admission starts Under placering with the same caseRef; ending the placement admits the next client in the queue', async () => {
  const { client } = env.engine;
  const places = await openPlaces({ storage: env.config.storage, capacity: { ekeliden: 1, novus: 1 } });
  const A = 'VK-2026-000901', B = 'VK-2026-000902';

  const a = await toQueue(client, A, '2026-11-12');
  await completeTask(client, a, 'Inskrivning', { admissionDate: '2026-11-13' });
  await untilDone('A: Under placering started by the worker', async () => (await processesOf(client, A)).get('vk-under-placering') !== undefined);
  const chainA = await processesOf(client, A);
  expect(chainA.get('vk-placeringsforfragan')?.state).toBe('COMPLETED');
  const upA = chainA.get('vk-under-placering')!.key;
  expect(await rootVars(client, upA)).toEqual(expect.objectContaining({ caseRef: A, kommun: 'vaxjo', home: 'ekeliden', admissionDate: '2026-11-13', barn: 'ja', lvmStatus: 'ingen', decisionDate: '2026-11-12' }));
  const plan = await userTask(client, upA, 'PlaneraSamverkan'); // nothing asked again: no "Ange boende och inskrivningsdatum"
  expect(plan.candidateGroups).toEqual(['kontaktperson-ekeliden', 'socialsekreterare-vaxjo']);

  // B is decided but Ekeliden is full: B waits in the queue.
  const b = await toQueue(client, B, '2026-11-20');
  await untilDone('B waits for a place', async () => (await rootVars(client, b)).queuePosition === 1);
  expect((await places.overview(new Date('2026-11-25T12:00:00Z')))[0]).toMatchObject({ occupied: 1, free: 0, queue: [expect.objectContaining({ caseRef: B, position: 1, priority: 'b', daysWaiting: 5 })] });

  // A's placement ends (case page "Avsluta placering"): the place is freed and goes to B.
  await client.completeUserTask({ userTaskKey: plan.userTaskKey, variables: { barn: 'ja', samverkanTidpunkt: 'vid-behov', kontaktNyKontaktperson: 'ja', nastaSteg: 'oklart' } });
  await publish(client, 'placering-avslutad', A, { avslutDatum: '2026-11-25', avslutOrsak: 'klienten-avbryter' });
  await untilDone('A: placement ended', async () => (await client.getProcessInstance({ processInstanceKey: upA as never }, NOW)).state === 'COMPLETED');
  await completeTask(client, b, 'Inskrivning', { admissionDate: '2026-11-26' });
  await untilDone('B: Under placering started', async () => (await processesOf(client, B)).get('vk-under-placering') !== undefined);
  expect(await places.placeOf(A)).toMatchObject({ home: 'ekeliden', status: 'discharged' });
  expect(await places.placeOf(B)).toMatchObject({ home: 'ekeliden', status: 'admitted' });
  expect((await places.overview(new Date('2026-11-26T12:00:00Z')))[0]).toMatchObject({ occupied: 1, free: 0, queue: [] });
  const audit = env.apps[0].deps.audit;
  expect(await audit.query({ caseRef: B, action: 'queue.place-offered' })).toHaveLength(1);
  expect(await audit.query({ caseRef: A, action: 'case.process-started' })).toHaveLength(1);
  await places.close();
});
