/**
 * The process owners' modeler over HTTP against the embedded engine: only `processagare` gets in (everyone else
 * 403, audited); lint errors come back in Swedish and deploy nothing; a deployment gets a version tag and a note,
 * shows in the version list with who and when, and running instances keep their version.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { Agent, ROOT, resourceFiles, startTestWeb, type TestWeb } from '../web/helpers';

const PO = ['processagare', 'processagare2026'] as const;
const NOW = { consistency: { waitUpToMs: 0 } } as const;
let engine: TestEngine;
let web: TestWeb;
let po: Agent;
const planering = fs.readFileSync(path.join(ROOT, 'bpmn', 'vk-planeringsdagar.bpmn'), 'utf8');

beforeAll(async () => {
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
  po = await Agent.login(web.url, ...PO);
}, 60_000);
afterAll(async () => { await web?.stop(); await engine?.stop(); });

test('users outside processagare get 403 on every modeler page and API, and the refusal is audited', async () => {
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  for (const [method, p] of [['GET', '/modellering'], ['GET', '/modellering/processer/vk-sip'], ['GET', '/api/modellering/processer/vk-sip/versioner'], ['POST', '/api/modellering/driftsattning']] as const) {
    const res = method === 'GET' ? await ss.get(p) : await ss.post(p, { kind: 'bpmn', id: 'vk-sip', content: planering, note: 'försök' });
    expect([p, res.status]).toEqual([p, 403]);
    expect(res.json.error).toMatch(/processägare/);
  }
  const denied = await web.audit.query({ actor: 'ss-vaxjo', action: 'modeler.denied' });
  expect(denied.map((e) => e.details?.what)).toEqual(expect.arrayContaining(['GET /modellering', 'POST /api/modellering/driftsattning']));
  expect(await ss.html('/uppgifter')).not.toContain('href="/modellering"');
  expect(await po.html('/uppgifter')).toContain('href="/modellering"');
});

test('the overview lists every deployed process and every form', async () => {
  const page = await po.html('/modellering');
  for (const id of ['vk-planeringsdagar', 'vk-sip', 'vk-vardkedjeremiss']) expect(page).toContain(`/modellering/processer/${id}"`);
  expect(page).toContain('/modellering/formular/vk-sip-samtycke"');
});

test('a lint error is answered in Swedish (422) and deploys nothing; bad input gets a Swedish 400', async () => {
  const loose = planering.replace('<bpmn:endEvent id="End"', '<bpmn:task id="Loose" name="Lös uppgift" /><bpmn:endEvent id="End"');
  const check = await po.post('/api/modellering/kontroll', { kind: 'bpmn', id: 'vk-planeringsdagar', content: loose });
  expect(check.status).toBe(200);
  expect(check.json.ok).toBe(false);
  expect(check.json.problems).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'error', elementId: 'Loose', messageSv: expect.stringMatching(/^Uppgiften ”Lös uppgift” är inte kopplad/) })]));

  const res = await po.post('/api/modellering/driftsattning', { kind: 'bpmn', id: 'vk-planeringsdagar', content: loose, note: 'ska stoppas' });
  expect(res.status).toBe(422);
  expect(res.json.error).toMatch(/^Driftsättningen stoppades: \d+ fel måste rättas först\. Ingenting har driftsatts\./);
  const defs = await engine.client.searchProcessDefinitions({ filter: { processDefinitionId: 'vk-planeringsdagar' } } as never, NOW);
  expect(defs.items!.map((d) => d.version)).toEqual([1]);
  expect(await web.audit.query({ action: 'modeler.deploy.refused' })).toHaveLength(1);

  const noNote = await po.post('/api/modellering/driftsattning', { kind: 'bpmn', id: 'vk-planeringsdagar', content: planering, note: '' });
  expect(noNote.status).toBe(400);
  expect(noNote.json.error).toMatch(/Skriv kort varför/);
  const badTag = await po.post('/api/modellering/driftsattning', { kind: 'bpmn', id: 'vk-planeringsdagar', content: planering, note: 'ok not', versionTag: 'två ord' });
  expect(badTag.status).toBe(400);
  expect(badTag.json.error).toMatch(/Versionsetiketten/);
  const otherId = await po.post('/api/modellering/driftsattning', { kind: 'bpmn', id: 'vk-sip', content: planering, note: 'fel process' });
  expect(otherId.status).toBe(422);
  expect(otherId.json.error).toMatch(/har inte längre id vk-sip/);
});

test('deploy with tag and note: new version listed with who/when/why; the running instance keeps version 1', async () => {
  const old = await engine.client.createProcessInstance({ processDefinitionId: 'vk-planeringsdagar' as never, variables: { caseRef: 'PLAN-2027', kommun: 'vaxjo' } });
  const renamed = planering.replace('name="Planera årets planeringsdagar"', 'name="Planera planeringsdagarna"');
  const res = await po.post('/api/modellering/driftsattning', { kind: 'bpmn', id: 'vk-planeringsdagar', content: renamed, note: 'Kortare namn', versionTag: '2026-12-namn' });
  expect(res.status).toBe(201);
  expect(res.json.deployed).toEqual(expect.objectContaining({ kind: 'bpmn', id: 'vk-planeringsdagar', version: 2 }));

  const { versions } = (await po.get('/api/modellering/processer/vk-planeringsdagar/versioner')).json;
  expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  expect(versions[0]).toEqual(expect.objectContaining({ versionTag: '2026-12-namn', deployedBy: 'processagare', note: 'Kortare namn', activeInstances: 0 }));
  expect(Date.parse(versions[0].deployedAt)).toBeGreaterThan(Date.now() - 60_000);
  expect(versions[1]).toEqual(expect.objectContaining({ version: 1, activeInstances: 1 }));
  expect(versions[1].deployedBy).toBeUndefined();
  const page = await po.html('/modellering/processer/vk-planeringsdagar');
  expect(page).toContain('okänt (driftsatt utanför Vårdkedjan)');
  expect(page).toContain('Kortare namn');

  const { xml } = (await po.get(`/api/modellering/versioner/${versions[0].key}/xml`)).json;
  expect(xml).toContain('name="Planera planeringsdagarna"');
  expect(xml).toMatch(/<zeebe:versionTag value="2026-12-namn"/);
  const download = await fetch(`${web.url}/modellering/versioner/${versions[1].key}/ladda-ner`, { headers: { cookie: po.cookie } });
  expect(download.headers.get('content-disposition')).toMatch(/attachment; filename="?vk-planeringsdagar\.bpmn"?$/);
  expect(await download.text()).toContain('name="Planera årets planeringsdagar"');

  const pi = await engine.client.getProcessInstance({ processInstanceKey: old.processInstanceKey }, NOW);
  expect(String(pi.processDefinitionKey)).toBe(versions[1].key);
  const audit = await web.audit.query({ action: 'process.deployed', actor: 'processagare' });
  expect(audit[0].details).toEqual(expect.objectContaining({ processDefinitionId: 'vk-planeringsdagar', version: 2, note: 'Kortare namn', versionTag: '2026-12-namn' }));
});

test('a form some user task shows is opened as the engine hands it out (getUserTaskForm), with its version', async () => {
  // the instance started in the previous test waits in "Planera", which links vk-planeringsdagar-plan
  const res = await po.get('/api/modellering/formular/vk-planeringsdagar-plan');
  expect(res.status).toBe(200);
  expect(res.json).toEqual(expect.objectContaining({ source: 'engine', version: 1 }));
  expect(JSON.parse(res.json.content)).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', 'vk-planeringsdagar-plan.form'), 'utf8')));
  expect((await po.get('/api/modellering/formular/finns-inte')).status).toBe(404);
  expect(await po.html('/modellering/formular/vk-planeringsdagar-plan')).toContain('version 1 som motorn visar den');
});

test('forms: open, lint with Camunda\'s form linter, deploy; the editor then opens the deployed content', async () => {
  const { content, source } = (await po.get('/api/modellering/formular/vk-sip-samtycke')).json;
  expect(source).toBe('repo');
  const schema = JSON.parse(content);
  const bogus = { ...schema, components: [...schema.components, { type: 'bogus', id: 'Field_x', key: 'x', label: 'Konstigt fält' }] };
  const refused = await po.post('/api/modellering/driftsattning', { kind: 'form', id: 'vk-sip-samtycke', content: JSON.stringify(bogus), note: 'testar' });
  expect(refused.status).toBe(422);
  expect(refused.json.problems[0].messageSv).toMatch(/som inte stöds i Camunda 8\.8/);

  schema.components[1].label = 'Samtycker individen till SIP?';
  const ok = await po.post('/api/modellering/driftsattning', { kind: 'form', id: 'vk-sip-samtycke', content: JSON.stringify(schema), note: 'tydligare fråga' });
  expect(ok.status).toBe(201);
  expect(ok.json.deployed).toEqual(expect.objectContaining({ kind: 'form', id: 'vk-sip-samtycke', version: 2 }));
  const again = (await po.get('/api/modellering/formular/vk-sip-samtycke')).json;
  expect(again.source).toBe('modeler');
  expect(JSON.parse(again.content).components[1].label).toBe('Samtycker individen till SIP?');
  expect(await web.audit.query({ action: 'form.deployed', actor: 'processagare' })).toHaveLength(1);
});
