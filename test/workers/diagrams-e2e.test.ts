/**
 * A real care-chain diagram (bpmn/vk-sip.bpmn) with the real workers on the embedded engine: the diagram's own
 * headers and input mappings reach the workers and the outputs drive the process (deadline → user task due date,
 * consent recorded from the form, withdrawal on the samtycke-aterkallat message).
 */
import type { CamundaClient } from '../../common/camunda';
import { eventually, NOW } from '../helpers/api';
import { completeTask, deployAll, publish, userTask } from '../processes/helpers';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv();

async function vars(client: CamundaClient, processInstanceKey: string): Promise<Record<string, unknown>> {
  const { items } = await client.searchVariables({ filter: { processInstanceKey } as never, page: { limit: 200 } } as never, NOW);
  return Object.fromEntries((items ?? []).map((v: { name: string; value: string }) => [v.name, JSON.parse(v.value)]));
}

beforeAll(async () => {
  await deployAll(env.engine.client);
  await env.start();
});

test('vk-sip: real deadline and consent workers, withdrawal ends the SIP', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000501';
  const pi = await client.createProcessInstance({ processDefinitionId: 'vk-sip' as never, variables: { caseRef, kommun: 'markaryd' } });
  const key = String(pi.processInstanceKey);
  await completeTask(client, key, 'Samtycke', { samtycke: 'ja', consentForm: 'muntligt', consentDate: '2026-11-02', consentParties: ['kommun', 'psykiatri'], consentInformation: ['sip-plan'] });
  // Both principals prepare; the kallelse's consent checks run in the real consent worker.
  for (let i = 0; i < 2; i++) await completeTask(client, key, 'Forbered', { kostnadsforslag: 'halften', forberedelseKlar: true });
  await completeTask(client, key, 'Kalla', { sipMoteTid: '2026-11-25T10:00:00+01:00', sipDeltagare: ['kommun', 'psykiatri'] });
  for (let i = 0; i < 2; i++) await completeTask(client, key, 'KallelseSvar', { kallelseSkickad: true, kallelseSvar: 'kommer' });
  const mote = await userTask(client, key, 'Mote');
  const v = await vars(client, key);
  expect(v.sipMoteDeadline).toMatch(/^\d{4}-\d{2}-\d{2}T16:00:00\+01:00$/);
  expect(Date.parse(mote.dueDate!)).toBe(Date.parse(String(v.sipMoteDeadline)));
  expect(v.consentId).toMatch(/^SAM-/);
  expect(v.consentValidUntil).toBe('2027-11-02T23:59:00+01:00');

  await publish(client, 'samtycke-aterkallat', caseRef);
  await completeTask(client, key, 'InformeraAterkallat', { parterInformerade: true });
  await eventually(() => client.getProcessInstance({ processInstanceKey: key as never }, NOW), (p) => p.state === 'COMPLETED', { what: 'vk-sip completed' });

  const audit = env.apps[0].deps.audit;
  expect((await audit.query({ caseRef, action: 'consent.recorded' }))[0].details).toMatchObject({ parties: ['kommun', 'psykiatri'], information: ['sip-plan'], form: 'muntligt' });
  expect(await audit.query({ caseRef, action: 'consent.withdrawn' })).toHaveLength(1);
  expect(await env.apps[0].deps.consent.check(caseRef, 'psykiatri', ['sip-plan'], env.apps[0].deps.now())).toMatchObject({ ok: false, reason: 'withdrawn' });
});
