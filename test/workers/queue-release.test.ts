/** A freed place publishes plats-ledig to the case first in that home's queue (through the official client). */
import { eventually, NOW } from '../helpers/api';
import { processXml, flow } from '../helpers/bpmn-xml';
import { releasePlace } from '../../workers/queue/release';
import { chain, PRIORITY_TASK, priorityDmn, task } from './diagrams';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv({ capacity: { ekeliden: 1, novus: 1 } });

const waiting = new File([processXml(`<bpmn:startEvent id="start" />
<bpmn:intermediateCatchEvent id="VantaPlats"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>
<bpmn:endEvent id="end" />${flow('f1', 'start', 'VantaPlats')}${flow('f2', 'VantaPlats', 'end')}`,
'<bpmn:message id="m" name="plats-ledig"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>', 'workers-vanta-plats')], 'workers-vanta-plats.bpmn', { type: 'application/xml' });

test('discharge frees the place and wakes the first case in the queue', async () => {
  const { client } = env.engine;
  await client.createDeployment({ resources: [priorityDmn(), waiting, chain('workers-ko2', [PRIORITY_TASK, task('StallIKo', 'vk.queue.enqueue')], ['BestamPrioritet', 'StallIKo']), chain('workers-in2', [task('Inskriv', 'vk.queue.admit')], ['Inskriv'])] });
  const app = await env.start();
  const run = async (id: string, variables: Record<string, unknown>) => {
    const pi = await client.createProcessInstance({ processDefinitionId: id as never, variables });
    await eventually(() => client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW), (p) => p.state === 'COMPLETED', { what: id });
  };
  await run('workers-ko2', { caseRef: 'VK-2026-000701', kommun: 'vaxjo', home: 'novus', decisionDate: '2026-10-01' });
  await run('workers-in2', { caseRef: 'VK-2026-000701', kommun: 'vaxjo', home: 'novus' });
  await run('workers-ko2', { caseRef: 'VK-2026-000702', kommun: 'vaxjo', home: 'novus', decisionDate: '2026-10-05' });
  const waiter = await client.createProcessInstance({ processDefinitionId: 'workers-vanta-plats' as never, variables: { caseRef: 'VK-2026-000702' } });
  expect(await app.deps.queue.placeAvailable('novus', 'VK-2026-000702')).toBe(false);

  const next = await releasePlace(client, app.deps.queue, app.deps.audit, { home: 'novus', caseRef: 'VK-2026-000701', actor: 'user:test' });
  expect(next?.caseRef).toBe('VK-2026-000702');
  await eventually(() => client.getProcessInstance({ processInstanceKey: waiter.processInstanceKey }, NOW), (p) => p.state === 'COMPLETED', { what: 'waiting case woken by plats-ledig' });
  expect(await app.deps.queue.placeAvailable('novus', 'VK-2026-000702')).toBe(true);
  expect(await app.deps.audit.query({ caseRef: 'VK-2026-000702', action: 'queue.place-offered' })).toHaveLength(1);
});
