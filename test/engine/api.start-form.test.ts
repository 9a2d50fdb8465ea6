/**
 * Start forms through the official client: hasStartForm on definitions (get and search filter),
 * GET /process-definitions/{key}/form with the linked form (binding latest and deployment), 204 without a start
 * form, 404 when the linked form is not deployed.
 */
import { NOW, bpmnFile, expectHttpError, raw, useEngine } from '../helpers/api';
import { flow, processXml } from '../helpers/bpmn-xml';

const t = useEngine();

const withStartForm = (id: string, form: string) =>
  processXml(`<bpmn:startEvent id="s"><bpmn:extensionElements>${form}</bpmn:extensionElements></bpmn:startEvent>${flow('a', 's', 'e')}<bpmn:endEvent id="e" />`, '', id);
const formFileOf = (id: string, label: string) =>
  new File([JSON.stringify({ id, type: 'default', components: [{ type: 'textfield', key: 'orsak', label }] })], `${id}.form`, { type: 'application/json' });

let keys: Record<string, string> = {};

beforeAll(async () => {
  const first = await t.client.createDeployment({
    resources: [
      bpmnFile('sf-latest', withStartForm('sf-latest', '<zeebe:formDefinition formId="sf-ansokan" />')),
      bpmnFile('sf-deployment', withStartForm('sf-deployment', '<zeebe:formDefinition formId="sf-ansokan" bindingType="deployment" />')),
      bpmnFile('sf-none', processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e" />`, '', 'sf-none')),
      bpmnFile('sf-missing', withStartForm('sf-missing', '<zeebe:formDefinition formId="sf-finns-inte" />')),
      formFileOf('sf-ansokan', 'Orsak v1'),
    ],
  });
  // A newer version of the form: 'latest' follows it, 'deployment' stays with the one deployed alongside.
  await t.client.createDeployment({ resources: [formFileOf('sf-ansokan', 'Orsak v2')] });
  keys = Object.fromEntries(first.processes.map((p) => [p.processDefinitionId, String(p.processDefinitionKey)]));
});

const labelOf = (form: { schema?: unknown }) => (form.schema as { components: { label: string }[] }).components[0]!.label;

test('definitions tell whether they have a start form, and the search filters by it', async () => {
  expect((await t.client.getProcessDefinition({ processDefinitionKey: keys['sf-latest'] as never }, NOW)).hasStartForm).toBe(true);
  expect((await t.client.getProcessDefinition({ processDefinitionKey: keys['sf-none'] as never }, NOW)).hasStartForm).toBe(false);
  const withForm = await t.client.searchProcessDefinitions({ filter: { hasStartForm: true } as never }, NOW);
  expect(withForm.items!.map((d) => d.processDefinitionId).sort()).toEqual(['sf-deployment', 'sf-latest', 'sf-missing']);
  const without = await t.client.searchProcessDefinitions({ filter: { hasStartForm: false } as never }, NOW);
  expect(without.items!.map((d) => d.processDefinitionId)).toEqual(['sf-none']);
});

test('the start form is served as bound: latest version, or the one of the deployment', async () => {
  const latest = await t.client.getStartProcessForm({ processDefinitionKey: keys['sf-latest'] as never }, NOW);
  expect(latest).toEqual(expect.objectContaining({ formId: 'sf-ansokan', version: 2n }));
  expect(labelOf(latest!)).toBe('Orsak v2');
  const pinned = await t.client.getStartProcessForm({ processDefinitionKey: keys['sf-deployment'] as never }, NOW);
  expect(pinned).toEqual(expect.objectContaining({ formId: 'sf-ansokan', version: 1n }));
  expect(labelOf(pinned!)).toBe('Orsak v1');
});

test('204 without a start form, 404 when the linked form is not deployed or the definition is unknown', async () => {
  const none = await raw(t.url, 'GET', `/process-definitions/${keys['sf-none']}/form`);
  expect(none.status).toBe(204);
  const missing = await expectHttpError(t.client.getStartProcessForm({ processDefinitionKey: keys['sf-missing'] as never }, NOW), 404);
  expect(missing.detail).toMatch(/start form 'sf-finns-inte'.*not deployed/);
  await expectHttpError(t.client.getStartProcessForm({ processDefinitionKey: '2251799813999999' as never }, NOW), 404);
});
