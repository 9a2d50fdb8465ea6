/**
 * The real workers against the embedded engine and a real SMTP server: variables, received e-mails, audit entries.
 */
import type { CamundaClient } from '../../common/camunda';
import { eventually, NOW } from '../helpers/api';
import { AT_PROCESS_TIME, chain, consentCheckDiagram, PRIORITY_TASK, priorityDmn, task } from './diagrams';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv({ capacity: { ekeliden: 1, novus: 0 } });
const PERSONNUMMER = /\d{6}[-+]?\d{4}/;

async function completed(client: CamundaClient, processInstanceKey: string) {
  await eventually(() => client.searchProcessInstances({ filter: { processInstanceKey } as never }, NOW), (r) => r.items[0]?.state === 'COMPLETED', { what: `process instance ${processInstanceKey} completed`, timeoutMs: 20_000 });
}

async function variables(client: CamundaClient, processInstanceKey: string): Promise<Record<string, unknown>> {
  const { items } = await client.searchVariables({ filter: { processInstanceKey } as never, page: { limit: 100 } } as never, NOW);
  return Object.fromEntries((items ?? []).map((v: { name: string; value: string }) => [v.name, JSON.parse(v.value)]));
}

async function reached(client: CamundaClient, processInstanceKey: string, elementId: string) {
  const { items } = await client.searchElementInstances({ filter: { processInstanceKey, elementId } as never }, NOW);
  return (items ?? []).length > 0;
}

const consent = { form: 'skriftligt', givenAt: '2026-11-01', parties: ['novus', 'ekeliden'], information: ['uppdragsblankett', 'genomforandeplan'] };

beforeAll(async () => {
  const flytt = chain('workers-flytt', [
    task('BeraknaOverlamning', 'vk.deadline.calculate', { rule: 'flytt-overlamningsmote', baseDateVariable: 'moveDate', resultVariable: 'overlamningsmote' }),
    task('RegistreraSamtycke', 'vk.consent.record'),
    task('KontrolleraSamtycke', 'vk.consent.check', { toParty: 'novus', information: 'uppdragsblankett' }, AT_PROCESS_TIME),
    task('RegistreraDelning', 'vk.share.record', { toParty: 'novus', information: 'uppdragsblankett' }),
    task('Paminn', 'vk.escalate', { level: 'reminder', deadline: 'flytt-overlamningsmote', dueDateVariable: 'overlamningsmote', group: 'socialsekreterare-{kommun}' }),
    task('Eskalera', 'vk.escalate', { level: 'breach', deadline: 'flytt-overlamningsmote', dueDateVariable: 'overlamningsmote', group: 'socialsekreterare-{kommun}', escalateTo: 'chef-{kommun}' }),
    task('Notifiera', 'vk.notify.task', { group: 'remissgruppen', dueDateVariable: 'overlamningsmote', task: 'Planera överlämningsmöte' }),
  ], ['BeraknaOverlamning', 'RegistreraSamtycke', 'KontrolleraSamtycke', 'RegistreraDelning', 'Paminn', 'Eskalera', 'Notifiera']);
  const withdraw = chain('workers-aterkalla', [task('Aterkalla', 'vk.consent.withdraw')], ['Aterkalla']);
  const enqueue = chain('workers-ko', [PRIORITY_TASK, task('StallIKo', 'vk.queue.enqueue')], ['BestamPrioritet', 'StallIKo']);
  const admit = chain('workers-inskriv', [task('Inskriv', 'vk.queue.admit')], ['Inskriv']);
  const current = chain('workers-samtycke-nu', [task('HamtaSamtycke', 'vk.consent.current', {}, AT_PROCESS_TIME)], ['HamtaSamtycke']);
  await env.engine.client.createDeployment({ resources: [priorityDmn(), flytt, withdraw, enqueue, admit, current, consentCheckDiagram('workers-samtycke-novus', 'novus', 'uppdragsblankett'), consentCheckDiagram('workers-samtycke-psykiatri', 'psykiatri', 'uppdragsblankett')] });
  await env.start();
});

test('flytt chain: deadline, consent, share, reminder, breach and task mail — variables, e-mails, audit', async () => {
  const { client } = env.engine;
  const pi = await client.createProcessInstance({ processDefinitionId: 'workers-flytt' as never, variables: { caseRef: 'VK-2026-000123', kommun: 'vaxjo', moveDate: '2026-12-24', consent } });
  const key = String(pi.processInstanceKey);
  await completed(client, key);
  const vars = await variables(client, key);
  expect(vars.overlamningsmote).toBe('2026-12-10T16:00:00+01:00');
  expect(vars.overlamningsmoteReminder).toBe('2026-12-07T16:00:00+01:00');
  expect(vars.consentId).toMatch(/^SAM-/);
  expect(vars.consentValidUntil).toBe('2027-11-01T23:59:00+01:00');

  const mails = await env.smtp.waitFor(4);
  const byRcpt = (a: string) => mails.filter((m) => m.to.includes(a));
  expect(byRcpt('soc.vaxjo@test.local').map((m) => m.subject).sort()).toEqual([
    'Påminnelse: Överlämningsmöte före flytt – ärende VK-2026-000123',
    'Tidsfrist överskriden: Överlämningsmöte före flytt – ärende VK-2026-000123',
  ]);
  expect(byRcpt('chef.vaxjo@test.local').map((m) => m.subject)).toEqual(['Tidsfrist överskriden: Överlämningsmöte före flytt – ärende VK-2026-000123']);
  const task = byRcpt('remissgruppen@test.local');
  expect(task).toHaveLength(1);
  expect(task[0].subject).toBe('Ny uppgift i vårdkedjan – ärende VK-2026-000123');
  expect(task[0].text).toContain('Du har en uppgift i vårdkedjan: Planera överlämningsmöte.');
  expect(task[0].text).toContain('Ska vara klar senast: torsdag 10 december 2026 kl. 16:00');
  // vk.notify.task knows no user task: its link opens the case's open task for whoever follows it.
  expect(task[0].text).toContain('Öppna uppgiften: http://localhost:3000/oppna?arende=VK-2026-000123\n');
  for (const m of mails) {
    expect(m.text + m.subject).not.toMatch(PERSONNUMMER);
    expect(m.text).not.toMatch(/uppdragsblankett|novus/i); // no information about what was shared, no health data
  }

  const audit = env.apps[0].deps.audit;
  const reminder = await audit.query({ caseRef: 'VK-2026-000123', action: 'escalation.reminder' });
  expect(reminder).toHaveLength(1);
  expect(reminder[0]).toMatchObject({ actor: 'worker:test', details: { deadline: 'flytt-overlamningsmote', dueDate: '2026-12-10T16:00:00+01:00', processInstanceKey: key, elementId: 'Paminn', group: 'socialsekreterare-vaxjo', escalateTo: null, step: 1 } });
  expect((await audit.query({ caseRef: 'VK-2026-000123', action: 'escalation.breach' }))[0].details).toMatchObject({ elementId: 'Eskalera', escalateTo: 'chef-vaxjo', step: 1 });
  expect(await audit.query({ caseRef: 'VK-2026-000123', action: 'notification.sent' })).toHaveLength(4);
  expect(await audit.query({ caseRef: 'VK-2026-000123', action: 'job.completed' })).toHaveLength(7);
  expect((await audit.query({ caseRef: 'VK-2026-000123', action: 'share.recorded' }))[0].details).toMatchObject({ toParty: 'novus', information: ['uppdragsblankett'], consentId: vars.consentId });
  expect(await audit.query({ caseRef: 'VK-2026-000123', action: 'consent.check.ok' })).toHaveLength(1);
});

test('consent check: out of scope, then withdrawn → BPMN error CONSENT_MISSING caught by the diagram; vk.consent.current follows the registry', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000124';
  /** vk.consent.current's answer for the case now (a process handed a stale consent in, to see it replaced). */
  const currentConsent = async () => {
    const c = await client.createProcessInstance({ processDefinitionId: 'workers-samtycke-nu' as never, variables: { caseRef, consentId: 'SAM-inlamnat', consentValidUntil: '2027-12-31T23:59:00+01:00' } });
    await completed(client, String(c.processInstanceKey));
    const v = await variables(client, String(c.processInstanceKey));
    return { consentId: v.consentId, consentValidUntil: v.consentValidUntil };
  };
  // No consent at all.
  expect(await currentConsent()).toEqual({ consentId: null, consentValidUntil: null });
  let pi = await client.createProcessInstance({ processDefinitionId: 'workers-samtycke-novus' as never, variables: { caseRef } });
  await completed(client, String(pi.processInstanceKey));
  expect(await reached(client, String(pi.processInstanceKey), 'saknas')).toBe(true);

  // Consent for novus, not for psykiatri.
  const rec = await client.createProcessInstance({ processDefinitionId: 'workers-flytt' as never, variables: { caseRef, kommun: 'vaxjo', moveDate: '2027-01-07', consent } });
  await completed(client, String(rec.processInstanceKey));
  const recorded = await variables(client, String(rec.processInstanceKey));
  // the consent in force, whatever its scope (the scope is judged where information is shared)
  expect(await currentConsent()).toEqual({ consentId: recorded.consentId, consentValidUntil: recorded.consentValidUntil });
  pi = await client.createProcessInstance({ processDefinitionId: 'workers-samtycke-psykiatri' as never, variables: { caseRef } });
  await completed(client, String(pi.processInstanceKey));
  expect(await reached(client, String(pi.processInstanceKey), 'saknas')).toBe(true);
  pi = await client.createProcessInstance({ processDefinitionId: 'workers-samtycke-novus' as never, variables: { caseRef } });
  await completed(client, String(pi.processInstanceKey));
  expect(await reached(client, String(pi.processInstanceKey), 'end')).toBe(true);

  // Withdrawn.
  const w = await client.createProcessInstance({ processDefinitionId: 'workers-aterkalla' as never, variables: { caseRef } });
  await completed(client, String(w.processInstanceKey));
  expect((await variables(client, String(w.processInstanceKey))).consentWithdrawn).toBe(true);
  expect(await currentConsent()).toEqual({ consentId: null, consentValidUntil: null });
  pi = await client.createProcessInstance({ processDefinitionId: 'workers-samtycke-novus' as never, variables: { caseRef } });
  await completed(client, String(pi.processInstanceKey));
  expect(await reached(client, String(pi.processInstanceKey), 'saknas')).toBe(true);

  const reasons = (await env.apps[0].deps.audit.query({ caseRef, action: 'consent.check.missing' })).map((e) => e.details!.reason).reverse();
  expect(reasons).toEqual(['missing', 'party', 'withdrawn']);
});

test('queue: priority order per home, placeAvailable from capacity, a promised place is kept, positions kept current', async () => {
  const { client } = env.engine;
  const run = async (id: string, variables: Record<string, unknown>) => {
    const pi = await client.createProcessInstance({ processDefinitionId: id as never, variables });
    await completed(client, String(pi.processInstanceKey));
    return variables2(pi.processInstanceKey);
  };
  const variables2 = (k: unknown) => variables(client, String(k));
  const first = await run('workers-ko', { caseRef: 'VK-2026-000201', kommun: 'alvesta', home: 'ekeliden', decisionDate: '2026-09-01' });
  expect(first).toMatchObject({ queuePriority: 'd', queuePosition: 1, placeAvailable: true });
  // The one free place is promised to 000201 (it goes straight to admission); a case ranked higher now waits.
  const children = await run('workers-ko', { caseRef: 'VK-2026-000202', kommun: 'vaxjo', home: 'ekeliden', decisionDate: '2026-10-01', barn: 'ja' });
  expect(children).toMatchObject({ queuePriority: 'b', queuePosition: 1, placeAvailable: false });
  const lvm = await run('workers-ko', { caseRef: 'VK-2026-000203', kommun: 'vaxjo', home: 'ekeliden', decisionDate: '2026-11-01', lvmStatus: 'lvm-utredning-frivillig', barn: 'ja' });
  expect(lvm).toMatchObject({ queuePriority: 'a', queuePosition: 1, placeAvailable: false });
  const novus = await run('workers-ko', { caseRef: 'VK-2026-000204', kommun: 'vaxjo', home: 'novus', decisionDate: '2026-11-01' });
  expect(novus).toMatchObject({ queuePosition: 1, placeAvailable: false }); // capacity 0

  const admitted = await run('workers-inskriv', { caseRef: 'VK-2026-000201', kommun: 'alvesta', home: 'ekeliden' });
  expect(typeof admitted.admittedAt).toBe('string');
  const status = await env.apps[0].deps.queue.status('ekeliden');
  expect(status).toMatchObject({ capacity: 1, admitted: 1, free: 0 });
  expect(status.queue.map((q) => [q.caseRef, q.priority, q.position])).toEqual([['VK-2026-000203', 'a', 1], ['VK-2026-000202', 'b', 2]]);
});
