/**
 * Behaviour as Camunda 8.8 where the official SDK suites found the engine different: the process is never an
 * element instance, process-instance tags are stored, returned and carried by jobs (invalid ones refused), diagram
 * interchange pointing at missing elements is ignored as Zeebe ignores it, GET /license answers.
 */
import { NOW, activateJobs, bpmnFile, expectHttpError, raw, useEngine } from '../helpers/api';
import { definitions, serviceTask, around } from '../helpers/bpmn-xml';

const t = useEngine();

const xml = definitions(`<bpmn:process id="tagged" isExecutable="true">${around(serviceTask('t', 'tags.job'))}</bpmn:process>
<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="plane" bpmnElement="no-such-process">
  <bpmndi:BPMNShape id="s1" bpmnElement="no-such-task"><dc:Bounds x="0" y="0" width="10" height="10" /></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>`).replace(
  'xmlns:bpmn=',
  'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:bpmn=',
);

let processInstanceKey: string;

beforeAll(async () => {
  await t.client.createDeployment({ resources: [bpmnFile('tagged', xml)] });
  const created = await t.client.createProcessInstance({ processDefinitionId: 'tagged', tags: ['business_key:42', 'urgent'] } as never);
  expect(created.tags).toEqual(['business_key:42', 'urgent']);
  processInstanceKey = created.processInstanceKey;
});

test('a diagram whose DI references missing elements deploys (DI is ignored, as in Zeebe)', async () => {
  const { items } = await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'tagged' } } as never, NOW);
  expect(items).toHaveLength(1);
});

test('a broken flow reference is still refused: only DI is ignored', async () => {
  const broken = xml.replace('targetRef="t"', 'targetRef="nowhere"');
  const error = await expectHttpError(t.client.createDeployment({ resources: [bpmnFile('broken', broken)] }), 400);
  expect(error.detail).toMatch(/nowhere/);
});

test('tags are returned by get and search, filter the search, and are carried by the jobs', async () => {
  const got = await t.client.getProcessInstance({ processInstanceKey } as never, NOW);
  expect(got.tags).toEqual(['business_key:42', 'urgent']);
  const both = await t.client.searchProcessInstances({ filter: { tags: ['urgent', 'business_key:42'] } } as never, NOW);
  expect(both.items.map((i) => i.processInstanceKey)).toEqual([processInstanceKey]);
  const none = await t.client.searchProcessInstances({ filter: { tags: ['urgent', 'other'] } } as never, NOW);
  expect(none.items).toEqual([]);
  const [job] = await activateJobs(t.client, 'tags.job');
  expect(job.tags).toEqual(['business_key:42', 'urgent']);
});

test.each([
  [['1starts-with-digit']],
  [['has space']],
  [['dup', 'dup']],
  [Array.from({ length: 11 }, (_, i) => `t${i}`)],
])('invalid tags %j are refused with a message, and no instance is created', async (tags) => {
  const before = (await t.client.searchProcessInstances({ filter: { processDefinitionId: 'tagged' } } as never, NOW)).page.totalItems;
  const res = await raw(t.url, 'POST', '/process-instances', { processDefinitionId: 'tagged', tags });
  expect(res.status).toBe(400);
  expect(res.body.detail).toMatch(/tag/);
  const after = (await t.client.searchProcessInstances({ filter: { processDefinitionId: 'tagged' } } as never, NOW)).page.totalItems;
  expect(after).toBe(before);
});

test('element-instance search never returns the process itself; getting it as an element is a 404', async () => {
  const { items } = await t.client.searchElementInstances({ filter: { processInstanceKey } } as never, NOW);
  expect(items!.length).toBeGreaterThan(0);
  expect(items!.map((e) => e.type)).not.toContain('PROCESS');
  expect(items!.map((e) => e.elementInstanceKey)).not.toContain(processInstanceKey);
  await expectHttpError(t.client.getElementInstance({ elementInstanceKey: processInstanceKey } as never, NOW), 404);
  const byType = await t.client.searchElementInstances({ filter: { type: 'PROCESS' } } as never, NOW);
  expect(byType.items).toEqual([]);
});

test('GET /license answers like a cluster without a license key', async () => {
  const license = await t.client.getLicense();
  expect(license).toEqual(expect.objectContaining({ validLicense: false, isCommercial: false, licenseType: 'unknown' }));
});

test('cursor paging walks forward and back by key: every instance once, in order, the same pages both ways', async () => {
  for (let i = 0; i < 7; i++) await t.client.createProcessInstance({ processDefinitionId: 'tagged' } as never);
  const all = (await t.client.searchProcessInstances({ filter: { processDefinitionId: 'tagged' }, page: { limit: 100 } } as never, NOW)).items.map((i) => i.processInstanceKey);
  expect(all.length).toBeGreaterThanOrEqual(8);
  const pages: string[][] = [];
  const cursors: { start?: string; end?: string }[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await raw(t.url, 'POST', '/process-instances/search', { filter: { processDefinitionId: 'tagged' }, page: after ? { limit: 3, after } : { limit: 3 } });
    expect(res.status).toBe(200);
    if (res.body.items.length === 0) break;
    pages.push(res.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey));
    cursors.push({ start: res.body.page.startCursor, end: res.body.page.endCursor });
    expect(res.body.page.totalItems).toBe(all.length);
    after = res.body.page.endCursor;
  }
  expect(pages.flat()).toEqual(all);
  const back = await raw(t.url, 'POST', '/process-instances/search', { filter: { processDefinitionId: 'tagged' }, page: { limit: 3, before: cursors[2].start } });
  expect(back.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey)).toEqual(pages[1]);
  const broken = await raw(t.url, 'POST', '/process-instances/search', { page: { after: 'not-a-cursor' } });
  expect(broken.status).toBe(400);
});

test('a duplicate messageId is refused with Camunda\'s ALREADY_EXISTS (409)', async () => {
  const body = { name: 'dup.msg', correlationKey: 'K-1', timeToLive: 60_000, messageId: 'dup-1' };
  expect((await raw(t.url, 'POST', '/messages/publication', body)).status).toBe(200);
  const again = await raw(t.url, 'POST', '/messages/publication', body);
  expect(again.status).toBe(409);
  expect(again.body).toEqual(expect.objectContaining({ title: 'ALREADY_EXISTS', detail: expect.stringContaining("message with id 'dup-1'") }));
});
