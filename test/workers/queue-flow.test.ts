/**
 * The queue moves (issue 10 item 3), with the real workers on the embedded engine: positions are rewritten in every
 * waiting case after each join, leave and admission; utskrivning (vk.place.release), a move (vk.place.move) and a
 * withdrawn case (vk.queue.remove) give the free place to the first of that home's queue (plats-ledig) in priority
 * order a–d, then by bistånd decision date; the read model for the web app (common/places.ts) shows it all.
 * Also vk.process.start (Under placering at admission) and vk.message.publish, each at most once per job.
 */
import type { CamundaClient } from '../../common/camunda';
import { openPlaces } from '../../common/places';
import { eventually, NOW } from '../helpers/api';
import { flow, processXml } from '../helpers/bpmn-xml';
import { processStart } from '../../workers/handlers/process-start';
import { chain, PRIORITY_TASK, priorityDmn, task } from './diagrams';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv({ capacity: { ekeliden: 1, novus: 1 } });

/** A placeringsförfrågan in miniature: priority (decision table) → enqueue → place free? → wait for plats-ledig → admit. */
const waitingCase = new File([processXml(`<bpmn:startEvent id="start" />
${PRIORITY_TASK}
${task('StallIKo', 'vk.queue.enqueue')}
<bpmn:exclusiveGateway id="gw" default="fWait" />
<bpmn:receiveTask id="VantaPlats" messageRef="m" />
<bpmn:exclusiveGateway id="join" />
${task('Inskriv', 'vk.queue.admit')}
<bpmn:endEvent id="end" />
${flow('f0', 'start', 'BestamPrioritet')}${flow('f1', 'BestamPrioritet', 'StallIKo')}${flow('f2', 'StallIKo', 'gw')}${flow('fNow', 'gw', 'join', '=placeAvailable = true')}${flow('fWait', 'gw', 'VantaPlats')}
${flow('f3', 'VantaPlats', 'join')}${flow('f4', 'join', 'Inskriv')}${flow('f5', 'Inskriv', 'end')}`,
'<bpmn:message id="m" name="plats-ledig"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>', 'qf-case')], 'qf-case.bpmn', { type: 'application/xml' });

async function state(client: CamundaClient, key: string) {
  return (await client.getProcessInstance({ processInstanceKey: key as never }, NOW)).state;
}
async function variable(client: CamundaClient, key: string, name: string): Promise<unknown> {
  const { items } = await client.searchVariables({ filter: { processInstanceKey: key, name } as never } as never, NOW);
  const own = (items ?? []).find((v: { scopeKey?: unknown }) => String(v.scopeKey) === key) as { value: string } | undefined;
  return own ? JSON.parse(own.value) : undefined;
}
async function until(what: string, check: () => Promise<boolean>) {
  await eventually(check, (ok) => ok, { what, timeoutMs: 20_000 });
}

test('join, leave, admission, utskrivning and a move: the queue moves in priority order and positions stay current', async () => {
  const { client } = env.engine;
  await client.createDeployment({ resources: [priorityDmn(), waitingCase,
    chain('qf-release', [task('FrigorPlats', 'vk.place.release', { reason: 'utskriven' })], ['FrigorPlats']),
    chain('qf-remove', [task('TaBortUrKo', 'vk.queue.remove')], ['TaBortUrKo']),
    chain('qf-move', [task('FlyttaPlats', 'vk.place.move')], ['FlyttaPlats']),
  ] });
  const app = await env.start();
  const places = await openPlaces({ storage: env.config.storage, capacity: { ekeliden: 1, novus: 1 } });
  const run = async (id: string, variables: Record<string, unknown>) => String((await client.createProcessInstance({ processDefinitionId: id as never, variables })).processInstanceKey);
  const enqueue = (caseRef: string, extra: Record<string, unknown>) => run('qf-case', { caseRef, kommun: 'vaxjo', home: 'ekeliden', ...extra });

  // A takes the only place at Ekeliden.
  const a = await enqueue('VK-2026-000801', { decisionDate: '2026-08-01' });
  await until('A admitted', async () => (await state(client, a)) === 'COMPLETED');
  // B (d, decided 1 Oct), C (b: children, decided 20 Oct), D (d, decided 1 Sep) join: order C, D, B.
  const b = await enqueue('VK-2026-000802', { decisionDate: '2026-10-01' });
  await until('B waits', async () => (await variable(client, b, 'queuePosition')) === 1);
  const c = await enqueue('VK-2026-000803', { decisionDate: '2026-10-20', barn: 'ja' });
  const d = await enqueue('VK-2026-000804', { decisionDate: '2026-09-01' });
  await until('positions C1 D2 B3 written into the waiting cases', async () =>
    (await variable(client, c, 'queuePosition')) === 1 && (await variable(client, d, 'queuePosition')) === 2 && (await variable(client, b, 'queuePosition')) === 3);

  const [ekeliden] = await places.overview(new Date('2026-11-02T12:00:00Z'));
  expect(ekeliden).toMatchObject({ home: 'ekeliden', label: 'HVB Ekeliden', capacity: 1, occupied: 1, free: 0 });
  expect(ekeliden.occupants.map((o) => o.caseRef)).toEqual(['VK-2026-000801']);
  expect(ekeliden.queue.map((q) => [q.position, q.caseRef, q.priority, q.decisionDate, q.daysWaiting])).toEqual([
    [1, 'VK-2026-000803', 'b', '2026-10-20', 13], [2, 'VK-2026-000804', 'd', '2026-09-01', 62], [3, 'VK-2026-000802', 'd', '2026-10-01', 32],
  ]);
  expect(ekeliden.queue[0].priorityReason).toBe('b) Har barn vars perspektiv behöver beaktas');

  // Utskrivning of A: C (first) is offered the place and admitted; D and B move up.
  await run('qf-release', { caseRef: 'VK-2026-000801', kommun: 'vaxjo', home: 'ekeliden' });
  await until('C admitted after plats-ledig', async () => (await state(client, c)) === 'COMPLETED');
  await until('positions D1 B2', async () => (await variable(client, d, 'queuePosition')) === 1 && (await variable(client, b, 'queuePosition')) === 2);
  expect(await app.deps.audit.query({ caseRef: 'VK-2026-000803', action: 'queue.place-offered' })).toHaveLength(1);
  expect(await app.deps.audit.query({ caseRef: 'VK-2026-000804', action: 'queue.place-offered' })).toHaveLength(0);

  // D leaves the queue (återkallad): B is first.
  await run('qf-remove', { caseRef: 'VK-2026-000804', kommun: 'vaxjo', home: 'ekeliden' });
  await until('position B1', async () => (await variable(client, b, 'queuePosition')) === 1);

  // C moves Ekeliden → Novus: Novus' place is taken, Ekeliden's goes to B.
  await run('qf-move', { caseRef: 'VK-2026-000803', kommun: 'vaxjo', fromHome: 'ekeliden', toHome: 'novus' });
  await until('B admitted after the move freed the place', async () => (await state(client, b)) === 'COMPLETED');
  const [eke, nov] = await places.overview(new Date('2026-11-02T12:00:00Z'));
  expect(eke.occupants.map((o) => o.caseRef)).toEqual(['VK-2026-000802']);
  expect(nov).toMatchObject({ occupied: 1, free: 0 });
  expect(await places.placeOf('VK-2026-000803')).toMatchObject({ home: 'novus', status: 'admitted' });
  expect(await places.placeOf('VK-2026-000804')).toMatchObject({ home: 'ekeliden', status: 'removed' });
  await places.close();
});

test('vk.process.start creates Under placering once per job, and not again while one is active for the case', async () => {
  const { client } = env.engine;
  await client.createDeployment({ resources: [new File([processXml(`<bpmn:startEvent id="start" /><bpmn:userTask id="vanta"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask><bpmn:endEvent id="end" />${flow('f1', 'start', 'vanta')}${flow('f2', 'vanta', 'end')}`, '', 'vk-under-placering')], 'up-stub.bpmn', { type: 'application/xml' })] });
  const app = env.apps[0] ?? await env.start();
  const h = processStart(app.deps);
  const job = (jobKey: string) => ({ jobKey, type: h.type, processInstanceKey: '1', processDefinitionId: 'vk-placeringsforfragan', elementId: 'StartaUnderPlacering', elementInstanceKey: '2', retries: 3 });
  const input = { caseRef: 'VK-2026-000850', kommun: 'vaxjo', startVariables: { home: 'novus', admissionDate: '2026-11-13', lvmStatus: null } };
  const first = await h.handle({ variables: h.variables.parse(input), headers: { processId: 'vk-under-placering' }, job: job('900') });
  const again = await h.handle({ variables: h.variables.parse(input), headers: { processId: 'vk-under-placering' }, job: job('900') });
  // a different job (e.g. the engine retried after a crash lost our record) finds the active instance
  const other = await h.handle({ variables: h.variables.parse(input), headers: { processId: 'vk-under-placering' }, job: job('901') });
  expect(again.underPlaceringKey).toBe(first.underPlaceringKey);
  expect(other.underPlaceringKey).toBe(first.underPlaceringKey);
  const key = String(first.underPlaceringKey);
  expect(await variable(client, key, 'home')).toBe('novus');
  expect(await variable(client, key, 'caseRef')).toBe('VK-2026-000850');
  expect(await variable(client, key, 'lvmStatus')).toBeUndefined(); // unknown is not written as null
  expect(await app.deps.audit.query({ caseRef: 'VK-2026-000850', action: 'case.process-started' })).toHaveLength(1);
});
