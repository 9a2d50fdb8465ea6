/**
 * Remissgruppen's priority order a–d is the decision table bpmn/vk-prioritet.dmn, evaluated by the engine in the
 * business rule task before vk.queue.enqueue (real workers, embedded engine): the queue follows the table as shipped
 * (a LVM-utredning with voluntary treatment, b children, c 27 § LVM / external placement, d the rest; a before b when
 * both hold; earlier decision first within a class), and when the process owner edits the table (children first) and
 * deploys it, new cases are ranked by the edited table without any code change.
 */
import { openPlaces } from '../../common/places';
import { eventually, NOW } from '../helpers/api';
import { chain, PRIORITY_DMN_XML, PRIORITY_TASK, priorityDmn, task } from './diagrams';
import { useWorkerEnv } from './setup';

// No free places: every case waits in the queue, so its order is the whole story.
const env = useWorkerEnv({ capacity: { ekeliden: 0, novus: 0 } });

const enqueueCase = chain('pt-case', [PRIORITY_TASK, task('StallIKo', 'vk.queue.enqueue')], ['BestamPrioritet', 'StallIKo']);

async function enqueue(caseRef: string, home: string, facts: Record<string, unknown>, decisionDate: string) {
  const { client } = env.engine;
  const pi = await client.createProcessInstance({ processDefinitionId: 'pt-case' as never, variables: { caseRef, kommun: 'vaxjo', home, decisionDate, ...facts } });
  const key = String(pi.processInstanceKey);
  await eventually(() => client.getProcessInstance({ processInstanceKey: key as never }, NOW), (p) => p.state === 'COMPLETED', { what: `${caseRef} enqueued` });
  return key;
}

async function queueOf(home: 'ekeliden' | 'novus') {
  const places = await openPlaces({ storage: env.config.storage, capacity: { ekeliden: 0, novus: 0 } });
  try {
    return (await places.overview(new Date('2026-12-01T12:00:00Z'))).find((h) => h.home === home)!.queue.map((q) => [q.caseRef, q.priority]);
  } finally {
    await places.close();
  }
}

beforeAll(async () => {
  await env.engine.client.createDeployment({ resources: [priorityDmn(), enqueueCase] });
  env.start();
});

test('the queue is ordered by the decision table as shipped', async () => {
  await enqueue('VK-2026-000901', 'ekeliden', { lvmStatus: 'ingen', barn: 'nej' }, '2026-08-01');
  await enqueue('VK-2026-000902', 'ekeliden', { lvmStatus: 'lvm27', barn: 'nej' }, '2026-09-01');
  await enqueue('VK-2026-000903', 'ekeliden', { lvmStatus: 'ingen', barn: 'ja' }, '2026-10-01');
  const both = await enqueue('VK-2026-000904', 'ekeliden', { lvmStatus: 'lvm-utredning-frivillig', barn: 'ja' }, '2026-11-01');
  await enqueue('VK-2026-000905', 'ekeliden', { lvmStatus: 'extern-placering', barn: 'nej' }, '2026-07-01');
  await enqueue('VK-2026-000906', 'ekeliden', { lvmStatus: 'lvm-utredning-frivillig', barn: 'nej' }, '2026-10-15');
  expect(await queueOf('ekeliden')).toEqual([
    ['VK-2026-000906', 'a'], ['VK-2026-000904', 'a'], ['VK-2026-000903', 'b'], ['VK-2026-000905', 'c'], ['VK-2026-000902', 'c'], ['VK-2026-000901', 'd'],
  ]);
  // The engine evaluated the table for the case: rules a and b matched, PRIORITY kept a.
  const { items } = await env.engine.client.searchDecisionInstances({ filter: { processInstanceKey: both } } as never, NOW);
  expect(items?.map((i) => [i.decisionDefinitionId, i.result])).toEqual([['vk-prioritet', '"a"']]);
});

test('an edited table (children before LVM-utredning) deployed by the process owner ranks new cases by it', async () => {
  const edited = PRIORITY_DMN_XML
    .replace('<outputEntry id="Regel_a_ut"><text>"a"</text></outputEntry>', '<outputEntry id="Regel_a_ut"><text>"b"</text></outputEntry>')
    .replace('<outputEntry id="Regel_b_ut"><text>"b"</text></outputEntry>', '<outputEntry id="Regel_b_ut"><text>"a"</text></outputEntry>');
  expect(edited).not.toBe(PRIORITY_DMN_XML);
  const deployed = await env.engine.client.createDeployment({ resources: [priorityDmn(edited)] });
  expect(deployed.decisions.map((d) => [d.decisionDefinitionId, d.version])).toEqual([['vk-prioritet', 2]]);

  await enqueue('VK-2026-000911', 'novus', { lvmStatus: 'lvm-utredning-frivillig', barn: 'nej' }, '2026-08-01');
  await enqueue('VK-2026-000912', 'novus', { lvmStatus: 'ingen', barn: 'ja' }, '2026-11-01');
  await enqueue('VK-2026-000913', 'novus', { lvmStatus: 'ingen', barn: 'nej' }, '2026-06-01');
  expect(await queueOf('novus')).toEqual([['VK-2026-000912', 'a'], ['VK-2026-000911', 'b'], ['VK-2026-000913', 'd']]);
});
