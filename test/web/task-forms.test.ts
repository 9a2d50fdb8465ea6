/**
 * The task page and form API against a real embedded engine: only the form's own fields and its declared context
 * (forms/<id>.context.json) reach the browser; hidden and injected fields never reach the process; dates and
 * free text are checked on the server (400 with Swedish field errors, task still open); explicit "Ta över".
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { NOW, waitForUserTask } from '../helpers/api';
import { FormCatalog } from '../../web/server/tasks/form-catalog';
import { Agent, resourceFiles, startTestWeb, until, type TestWeb } from './helpers';

let engine: TestEngine;
let web: TestWeb;
let ss: Agent;
let remiss: Agent;
const forms = FormCatalog.fromRepo();
const SECRET = 'HEMLIG-ANTECKNING-19121212-1212';

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client, { now: () => new Date('2026-12-02T09:00:00Z') });
  ss = await Agent.login(web.url, 'ss-vaxjo');
  remiss = await Agent.login(web.url, 'remiss-anna');
}, 60_000);
afterAll(async () => {
  await web?.stop();
  await engine?.stop();
});

async function variables(processInstanceKey: string): Promise<Record<string, unknown>> {
  const { items } = await engine.client.searchVariables({ filter: { processInstanceKey } as never, page: { limit: 1000 } as never, truncateValues: false } as never, NOW);
  return Object.fromEntries(items.filter((v) => String(v.scopeKey) === processInstanceKey).map((v) => [v.name, JSON.parse(v.value)]));
}

async function taskOf(agent: Agent, processInstanceKey: string, elementId: string): Promise<string> {
  const t = await waitForUserTask(engine.client, processInstanceKey, elementId);
  await until(async () => (await agent.get(`/api/uppgifter/${t.userTaskKey}`)).status === 200, `${elementId} visible`);
  return String(t.userTaskKey);
}

/** A placement case up to remissgruppen's matching, with a variable no form declares set on the case. */
async function caseAtMatching() {
  const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  const pik = started.json.processInstanceKey as string;
  const utredning = await taskOf(ss, pik, 'Utredning');
  expect((await ss.post(`/api/uppgifter/${utredning}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'lvm-utredning-frivillig' } })).status).toBe(200);
  const blankett = await taskOf(ss, pik, 'Uppdragsblankett');
  const answers = { behovsomraden: ['boende', 'beroende'], foreslagenNiva: 'ekeliden', barn: 'ja', samtyckeRemissgrupp: true, onskatStartdatum: '2026-12-15', ovrigt: 'Behöver lugn miljö.' };
  expect((await ss.post(`/api/uppgifter/${blankett}/slutfor`, { data: answers })).status).toBe(200);
  await engine.client.createElementInstanceVariables({ elementInstanceKey: pik as never, variables: { internAnteckning: SECRET } });
  // The deadline service task before the matching (a worker's job in production).
  const job = await until(async () => (await engine.client.activateJobs({ type: 'vk.deadline.calculate', maxJobsToActivate: 1, timeout: 10_000, worker: 'web-test', requestTimeout: -1 } as never)).jobs[0], 'deadline job');
  await engine.client.completeJob({ jobKey: job.jobKey, variables: { matchningDeadline: '2026-12-09T15:00:00Z', matchningDeadlineReminder: '2026-12-07T15:00:00Z' } });
  const matchning = await taskOf(remiss, pik, 'Matchning');
  return { pik, caseRef: started.json.caseRef as string, matchning, blankett };
}

describe('task context: declared per form, never all variables', () => {
  test('remissgruppen sees the uppdragsblankett and LVM status; a variable no form declares never reaches the form API or the page', async () => {
    const { pik, matchning } = await caseAtMatching();
    expect((await variables(pik)).internAnteckning).toBe(SECRET); // it is on the case …
    const form = await remiss.get(`/api/uppgifter/${matchning}/formular`);
    expect(form.status).toBe(200);
    const allowed = forms.readableKeys('vk-remissgrupp-matchning', form.json.schema);
    for (const k of Object.keys(form.json.data)) expect(allowed.has(k)).toBe(true);
    expect(JSON.stringify(form.json)).not.toContain(SECRET); // … but not in the form API
    expect(form.json.data).not.toHaveProperty('kommun');
    expect(form.json.data.behovsomraden).toEqual(['boende', 'beroende']);
    const byLabel = Object.fromEntries((form.json.context as Array<{ label: string; text: string }>).map((c) => [c.label, c.text]));
    expect(byLabel).toMatchObject({ Behovsområden: 'Boende, Skadligt bruk/beroende', 'Föreslagen vårdnivå': 'Ekeliden (HVB)', 'Önskat startdatum': '15 december 2026', 'LVM-status': 'Under LVM-utredning, godkänner frivillig behandling' });
    const page = await remiss.html(`/uppgifter/${matchning}`);
    expect(page).toContain('Underlag från tidigare steg');
    expect(page).toContain('Behöver lugn miljö.');
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain('HEMLIG');
    // Reading the context is a case read, naming the fields shown.
    const reads = (await web.audit.query({ action: 'case.read', actor: 'remiss-anna' })).filter((e) => e.details?.userTaskKey === matchning);
    expect(reads.map((e) => e.details?.source)).toEqual(expect.arrayContaining(['task-form', 'task-page']));
  });

  test('every form in forms/: the form API gives nothing but its fields, its context and caseRef (variables of all kinds on the case)', () => {
    for (const id of forms.formIds()) {
      const keys = forms.readableKeys(id, forms.schema(id)!);
      expect(keys.has('internAnteckning')).toBe(false);
      expect(keys.has('kommun')).toBe(false);
    }
  });

  test('a print view of the uppdragsblankett lists its answers in words', async () => {
    const { blankett } = await caseAtMatching();
    const print = await ss.html(`/uppgifter/${blankett}/utskrift`);
    expect(print).toContain('Uppdragsblankett till remissgruppen');
    expect(print).toContain('Boende, Skadligt bruk&#47;beroende'); // esc() encodes the slash
    expect(print).toContain('15 december 2026');
    expect(print).not.toContain(SECRET);
    const utredning = (await web.audit.query({ action: 'case.read', actor: 'ss-vaxjo' })).some((e) => e.details?.source === 'task-print');
    expect(utredning).toBe(true);
  });
});

describe('form data: only visible own fields reach the process, with checked values', () => {
  test('hidden fields are dropped and keys the browser adds are ignored', async () => {
    const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    const pik = started.json.processInstanceKey as string;
    const key = await taskOf(ss, pik, 'Utredning');
    // klientIntresserad "nej" hides barn and lvmStatus; kommun, caseRef and other keys are not form fields.
    const res = await ss.post(`/api/uppgifter/${key}/slutfor`, { data: { klientIntresserad: 'nej', barn: { personnummer: '19121212-1212', namn: 'Tolvan' }, lvmStatus: '=HYPERLINK("http://x")', kommun: 'alvesta', caseRef: 'VK-2000-000000', injected: 'x' } });
    expect(res.status).toBe(200);
    const vars = await variables(pik);
    expect(vars.klientIntresserad).toBe('nej');
    for (const k of ['barn', 'lvmStatus', 'injected']) expect(vars).not.toHaveProperty(k);
    expect(vars.kommun).toBe('vaxjo');
    expect(vars.caseRef).toBe(started.json.caseRef);
    const done = (await web.audit.query({ action: 'task.completed', actor: 'ss-vaxjo' })).find((e) => e.details?.userTaskKey === key);
    expect(done?.details?.fields).toEqual(['klientIntresserad']);
  });

  test('show/hide is decided on the case variables: isChild:false from the browser cannot hide the guardians\' consent', async () => {
    const caseRef = 'VK-2026-990001';
    const pi = await engine.client.createProcessInstance({ processDefinitionId: 'vk-sip' as never, variables: { caseRef, kommun: 'vaxjo', isChild: true, sipMoteDeadline: '2026-12-20T12:00:00Z' } });
    const pik = String(pi.processInstanceKey);
    const key = await taskOf(ss, pik, 'Samtycke');
    const answers = { samtycke: 'ja', consentForm: 'skriftligt', consentDate: '2026-12-01', consentParties: ['kommun'], consentInformation: ['insatser'] };
    const form = await ss.get(`/api/uppgifter/${key}/formular`);
    expect(form.json.data.isChild).toBe(true); // declared in vk-sip-samtycke.context.json
    const schema = form.json.schema as { components: Array<{ key?: string; values?: Array<{ value: string }> }> };
    const first = (k: string) => schema.components.find((c) => c.key === k)!.values![0].value;
    Object.assign(answers, { consentForm: first('consentForm'), consentParties: [first('consentParties')], consentInformation: [first('consentInformation')] });
    const res = await ss.post(`/api/uppgifter/${key}/slutfor`, { data: { ...answers, isChild: false } });
    expect(res.status).toBe(400);
    expect(res.json.fieldErrors.guardiansConsented).toMatch(/måste fyllas i/);
    expect((await ss.get(`/api/uppgifter/${key}`)).json.state).toBe('CREATED');
    expect((await variables(pik)).isChild).toBe(true);
  });

  test('dates must be real ISO dates, not in the past where the form forbids it; free text refuses personnummer (400, Swedish, task open)', async () => {
    const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    const pik = started.json.processInstanceKey as string;
    const u = await taskOf(ss, pik, 'Utredning');
    expect((await ss.post(`/api/uppgifter/${u}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' } })).status).toBe(200);
    const key = await taskOf(ss, pik, 'Uppdragsblankett');
    const base = { behovsomraden: ['boende'], foreslagenNiva: 'novus', barn: 'nej', samtyckeRemissgrupp: true };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ onskatStartdatum: '15/12/2026' }, 'onskatStartdatum', /riktigt datum \(ÅÅÅÅ-MM-DD\)/],
      [{ onskatStartdatum: '2026-02-30' }, 'onskatStartdatum', /riktigt datum/],
      [{ onskatStartdatum: '2026-12-15T25:00' }, 'onskatStartdatum', /riktigt datum/],
      [{ onskatStartdatum: '2020-01-01' }, 'onskatStartdatum', /bakåt i tiden/],
      [{ onskatStartdatum: 20261215 }, 'onskatStartdatum', /ska vara ett datum/],
      [{ ovrigt: 'Klienten 19121212-1212, diagnos F10.2' }, 'ovrigt', /personnummer/],
      [{ ovrigt: 'Samordningsnr 701063-2391' }, 'ovrigt', /personnummer eller samordningsnummer/],
      [{ ovrigt: 'x'.repeat(501) }, 'ovrigt', /högst 500 tecken/],
    ];
    for (const [extra, field, msg] of cases) {
      const res = await ss.post(`/api/uppgifter/${key}/slutfor`, { data: { ...base, ...extra } });
      expect(res.status).toBe(400);
      expect(res.json.error).toContain('Formuläret innehåller fel');
      expect(res.json.fieldErrors[field]).toMatch(msg);
    }
    expect((await ss.get(`/api/uppgifter/${key}`)).json.state).toBe('CREATED');
    expect(await variables(pik)).not.toHaveProperty('ovrigt');
    // Today (the injected clock: 2026-12-02) is allowed, as is a reference like VK-2026-000123 in free text.
    expect((await ss.post(`/api/uppgifter/${key}/slutfor`, { data: { ...base, onskatStartdatum: '2026-12-02', ovrigt: 'Se även VK-2026-000123.' } })).status).toBe(200);
    expect((await variables(pik)).onskatStartdatum).toBe('2026-12-02');
  });
});

describe('Ta över', () => {
  test('a group member takes over a colleague\'s task explicitly (audited); a chef of the kommun can too; others cannot', async () => {
    const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    const key = await taskOf(ss, started.json.processInstanceKey, 'Utredning');
    expect((await ss.post(`/api/uppgifter/${key}/ta`)).status).toBe(200);
    const colleague = await Agent.login(web.url, 'ss-vaxjo-2');
    const page = await colleague.html(`/uppgifter/${key}`);
    expect(page).toContain('Ta över uppgiften från Sara Lind');
    const taken = await colleague.post(`/api/uppgifter/${key}/ta-over`);
    expect(taken.status).toBe(200);
    expect(taken.json.from).toBe('Sara Lind (socialsekreterare Växjö)');
    expect((await colleague.get(`/api/uppgifter/${key}`)).json.assignee).toBe('ss-vaxjo-2');
    const audit = (await web.audit.query({ action: 'task.takenOver' })).find((e) => e.details?.userTaskKey === key);
    expect(audit).toMatchObject({ actor: 'ss-vaxjo-2', caseRef: started.json.caseRef, details: { from: 'ss-vaxjo' } });
    // The former holder now sees the new holder and cannot complete.
    expect((await ss.post(`/api/uppgifter/${key}/slutfor`, { data: { klientIntresserad: 'nej' } })).status).toBe(409);
    // The kommun's chef may take it over; a kontaktperson or another kommun's socialsekreterare may not.
    const chef = await Agent.login(web.url, 'chef-vaxjo');
    expect(((await chef.get('/api/uppgifter')).json.items as any[]).some((t) => t.userTaskKey === key)).toBe(true);
    expect((await chef.post(`/api/uppgifter/${key}/ta-over`)).status).toBe(200);
    for (const other of ['kp-novus', 'ss-alvesta']) {
      expect((await (await Agent.login(web.url, other)).post(`/api/uppgifter/${key}/ta-over`)).status).toBe(403);
    }
    expect((await engine.client.getUserTask({ userTaskKey: key as never }, NOW)).assignee).toBe('chef-vaxjo');
    // Nobody holds an unclaimed task: "Ta över" is refused with a pointer to "Ta uppgiften".
    const second = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    const free = await taskOf(ss, second.json.processInstanceKey, 'Utredning');
    const refused = await colleague.post(`/api/uppgifter/${free}/ta-over`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toContain('Ta uppgiften');
  });
});
