/**
 * Consent is judged at the process's time, not the worker host's: the real consent worker against the embedded
 * engine with its clock pinned away from the host clock (a time-travel demo or test). vk-sip passes the engine's
 * now() into every consent check of its kallelse; a consent the process considers valid is honoured, and one the
 * process considers expired blocks the sharing step, whatever the host clock says.
 */
import { DateTime } from 'luxon';
import { eventually, NOW, pinClock, variablesOf } from '../helpers/api';
import { useWorkerEnv } from '../workers/setup';
import { consentCheckDiagram } from '../workers/diagrams';
import { processXml } from '../helpers/bpmn-xml';
import { completeTask, deployAll } from './helpers';

const env = useWorkerEnv();

beforeAll(async () => {
  await deployAll(env.engine.client);
  await env.engine.client.createDeployment({ resources: [consentCheckDiagram('vk-test-samtycke-psykiatri', 'psykiatri', 'sip-plan')] });
  await env.start();
});

async function openTasks(key: string, elementId: string) {
  return (await env.engine.client.searchUserTasks({ filter: { processInstanceKey: key, elementId, state: 'CREATED' } as never }, NOW)).items;
}

test('engine clock ahead of the host: a consent given "today" in the process lets the kallelse go out', async () => {
  const { client } = env.engine;
  // Two years after the host's date: by the host clock this consent would not be valid yet.
  const engineNow = DateTime.now().plus({ years: 2 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  await pinClock(client, engineNow.toMillis());
  const caseRef = 'VK-2026-000611';
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-sip' as never, variables: { caseRef, kommun: 'vaxjo' } });
  const key = String(pi.processInstanceKey);
  const today = engineNow.setZone('Europe/Stockholm').toISODate()!;
  await completeTask(client, key, 'Samtycke', { samtycke: 'ja', consentForm: 'skriftligt', consentDate: today, consentParties: ['kommun', 'psykiatri'], consentInformation: ['sip-plan'] });
  for (let i = 0; i < 2; i++) await completeTask(client, key, 'Forbered', { kostnadsforslag: 'halften', forberedelseKlar: true });
  await completeTask(client, key, 'Kalla', { sipMoteTid: `${today}T10:00:00+01:00`, sipDeltagare: ['kommun', 'psykiatri'] });
  await eventually(() => openTasks(key, 'KallelseSvar'), (t) => t.length === 2, { what: 'both kallelse tasks', timeoutMs: 20_000 });
  expect(await openTasks(key, 'SamtyckeHinder')).toEqual([]);
  const checks = await env.apps[0].deps.audit.query({ caseRef, action: 'consent.check.ok' });
  expect(checks).toHaveLength(2);
  for (const c of checks) expect(Date.parse(String(c.details!.checkedAt))).toBe(engineNow.toMillis());
});

test('engine clock past the consent\'s expiry: sharing is blocked as expired, and the staff are told why', async () => {
  const { client } = env.engine;
  const deps = env.apps[0].deps;
  const caseRef = 'VK-2026-000612';
  // Valid by the host clock (given yesterday, valid for a year) ...
  const given = DateTime.now().minus({ days: 1 }).setZone('Europe/Stockholm');
  const c = await deps.consent.record({ caseRef, form: 'skriftligt', givenAt: given.toISODate()!, validUntil: given.plus({ months: 12 }).toISO()!, parties: ['psykiatri'], information: ['sip-plan'], guardiansConsented: null }, `test-${caseRef}`);
  // ... but the process lives a month after its expiry.
  await pinClock(client, DateTime.fromISO(c.validUntil).plus({ months: 1 }).toMillis());
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-test-samtycke-psykiatri' as never, variables: { caseRef } });
  const key = String(pi.processInstanceKey);
  await eventually(() => client.getProcessInstance({ processInstanceKey: key as never }, NOW), (p) => p.state === 'COMPLETED', { what: 'check done', timeoutMs: 20_000 });
  const reached = (await client.searchElementInstances({ filter: { processInstanceKey: key, elementId: 'saknas' } as never }, NOW)).items;
  expect(reached).toHaveLength(1);
  const vars = await variablesOf(client, key);
  expect(vars.consentMissingReason).toBe('expired');
  expect(vars.consentMissingMessage).toMatch(/löpt ut.*Inhämta ett nytt samtycke/);
  expect((await deps.audit.query({ caseRef, action: 'consent.check.missing' }))[0].details).toMatchObject({ reason: 'expired', toParty: 'psykiatri' });
});

test('a consent check without the process time is refused with an incident that says what to add', async () => {
  const { client } = env.engine;
  const xml = processXml(`<bpmn:startEvent id="start" /><bpmn:serviceTask id="Kontrollera"><bpmn:extensionElements><zeebe:taskDefinition type="vk.consent.check" retries="1" /><zeebe:taskHeaders><zeebe:header key="toParty" value="psykiatri" /><zeebe:header key="information" value="sip-plan" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask><bpmn:endEvent id="end" />
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Kontrollera" /><bpmn:sequenceFlow id="f2" sourceRef="Kontrollera" targetRef="end" />`, '', 'vk-test-samtycke-utan-tid');
  await client.createDeployment({ resources: [new File([xml], 'vk-test-samtycke-utan-tid.bpmn', { type: 'application/xml' })] });
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-test-samtycke-utan-tid' as never, variables: { caseRef: 'VK-2026-000613' } });
  const { items } = await eventually(() => client.searchIncidents({ filter: { processInstanceKey: String(pi.processInstanceKey) } as never }, NOW), (r) => (r.items ?? []).length > 0, { what: 'incident', timeoutMs: 20_000 });
  expect(items![0].errorMessage).toMatch(/consentCheckAt.*string\(now\(\)\)/);
});
