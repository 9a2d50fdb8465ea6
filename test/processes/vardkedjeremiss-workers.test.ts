/**
 * vk-vardkedjeremiss with the real workers and a real SMTP server: the units come from config/psykiatri-enheter.json
 * (vk.psykiatri.enheter), and every summoned unit — the drug-freedom unit included — gets a kallelse mail before
 * the joint remissmöte, addressed to its own group and carrying only the case reference, the time and a link.
 */
import { NOW, eventually } from '../helpers/api';
import { useWorkerEnv } from '../workers/setup';
import { completeTask, deployAll, userTask } from './helpers';

const env = useWorkerEnv();
const PERSONNUMMER = /\d{6}[-+]?\d{4}/;

beforeAll(() => deployAll(env.engine.client).then(() => env.start()));

test('summoned units are told of the joint remissmöte by mail, without personal data', async () => {
  const caseRef = 'VK-2026-000711';
  const { client } = env.engine;
  const key = String((await client.createProcessInstance({ processDefinitionId: 'vk-vardkedjeremiss' as never, variables: { caseRef, kommun: 'vaxjo', referralDate: '2026-11-02' } })).processInstanceKey);
  // The remissport's checklist offers the configured units (without the drug-freedom unit: the two questions decide it).
  const bedom = await userTask(client, key, 'BedomRemiss');
  const vars = (await client.searchUserTaskVariables({ userTaskKey: bedom.userTaskKey, filter: { name: 'psykiatriEnheter' } } as never, NOW as never)) as { items: Array<{ value: string }> };
  const options = JSON.parse(vars.items[0].value) as Array<{ value: string }>;
  expect(options.map((o) => o.value)).toEqual(['allmanpsykiatri', 'beroende', 'neuropsykiatri', 'psykos', 'affektiva']);
  await completeTask(client, key, 'BedomRemiss', { arVardkedjeremiss: 'ja', enheter: ['beroende', 'psykos'], drogfri: 'nej', behandlingKraverDrogfrihet: 'ja' });
  await completeTask(client, key, 'KallaRemissmote', { remissmoteTid: '2026-11-10T13:00:00+01:00' });
  // Other mails ("Ny uppgift" for created tasks) arrive too; the kallelse mails are the ones to the summoned units.
  const kallelse = () => env.smtp.messages.filter((m) => m.subject.startsWith('Kallelse:'));
  await eventually(async () => kallelse(), (m) => m.length >= 3, { what: 'three kallelse mails', timeoutMs: 20_000 });
  const mails = kallelse();
  expect(mails.map((m) => m.to).flat().sort()).toEqual(['psykiatri-beroende@vardkedjan.test', 'psykiatri-drogfrihet@vardkedjan.test', 'psykiatri-psykos@vardkedjan.test']);
  for (const m of mails) {
    expect(m.subject).toBe(`Kallelse: gemensamt remissmöte (vårdkedjeremiss) – ärende ${caseRef}`);
    expect(m.text).toContain('Tid: tisdag 10 november 2026 kl. 13:00');
    expect(m.text).toContain(`http://localhost:3000/oppna?arende=${caseRef}`);
    expect(m.text + m.subject).not.toMatch(PERSONNUMMER);
    expect(m.text).not.toMatch(/drogfri|beroende|psykos/i); // nothing about the person's needs
  }
  await userTask(client, key, 'RemissMote');
  expect((await env.apps[0].deps.audit.query({ caseRef, action: 'notification.sent' })).filter((e) => e.details!.template === 'kallelse-mote')).toHaveLength(3);
});
