/**
 * The in-app modeler in Debian's Chromium (playwright-core): a process owner opens vk-planeringsdagar, renames a task
 * in the Zeebe properties panel and deploys it with a version tag and a note; new instances run the new version while
 * an instance started before finishes on the old one. A lint error is shown in Swedish and blocks the deployment; a
 * user outside `processagare` gets 403. Round trip: every committed diagram imported into and exported from the
 * modeler compiles to the same executable process. A shape moved in the modeler keeps every process check green.
 * Screenshots go to test-artifacts/modeler/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compileBpmn } from '../../engine/model';
import { lintDiagram, loadLintConfig } from '../../deploy/lint';
import { buildModeler } from '../../scripts/build-modeler';
import { NOW, eventually } from '../helpers/api';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { completeTask, resourceFiles, startProcess, userTask } from '../processes/helpers';
import { layoutProblems } from '../processes/layout-check';
import { Agent, ROOT, startTestWeb, type TestWeb } from '../web/helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'modeler');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PASSWORDS: Record<string, string> = { processagare: 'processagare2026', 'ss-vaxjo': 'vaxjo2026' };
const BPMN_FILES = fs.readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn')).sort();
const read = (f: string) => fs.readFileSync(path.join(ROOT, 'bpmn', f), 'utf8');

let engine: TestEngine;
let web: TestWeb;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await buildModeler();
  engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  web = await startTestWeb(engine.client);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await engine?.stop();
});
afterEach(() => { expect(pageErrors).toEqual([]); });

/** A browser page signed in as `user`: the session is opened over HTTP (Agent) and its cookie handed to Chromium. */
async function login(user: string): Promise<Page> {
  const agent = await Agent.login(web.url, user, PASSWORDS[user]);
  const eq = agent.cookie.indexOf('=');
  const ctx = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm', viewport: { width: 1400, height: 1000 } });
  await ctx.addCookies([{ name: agent.cookie.slice(0, eq), value: agent.cookie.slice(eq + 1), url: web.url }]);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { pageErrors.push(`${user}: ${e.message}`); });
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4(03|22)/.test(m.text())) pageErrors.push(`${user}: ${m.text()}`); });
  await page.goto(web.url + '/uppgifter');
  return page;
}

const openModeler = async (page: Page, processId: string) => {
  await page.goto(`${web.url}/modellering/processer/${processId}`);
  await page.waitForSelector('body[data-ready="true"]');
};

/** Imports `xml` into the page's modeler, optionally edits it there, and returns what the modeler saves. */
const throughModeler = (page: Page, xml: string, move?: { id: string; dx: number; dy: number }) => page.evaluate(async ({ xml, move }) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m = (window as any).vkModeler;
  await m.importXML(xml);
  if (move) m.get('modeling').moveElements([m.get('elementRegistry').get(move.id)], { x: move.dx, y: move.dy });
  return (await m.saveXML({ format: true })).xml as string;
}, { xml, move });

test('a user outside processagare gets 403 (audited) and sees no modeler link', async () => {
  const page = await login('ss-vaxjo');
  expect(await page.locator('nav a[href="/modellering"]').count()).toBe(0);
  const res = await page.goto(`${web.url}/modellering/processer/vk-planeringsdagar`);
  expect(res!.status()).toBe(403);
  await expect(page.locator('h1').textContent()).resolves.toBe('Ingen behörighet');
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-403.png') });
  expect((await web.audit.query({ actor: 'ss-vaxjo', action: 'modeler.denied' })).map((e) => e.details?.what)).toContain('GET /modellering/processer/vk-planeringsdagar');
  await page.context().close();
}, 60_000);

test('rename a task in the modeler, deploy with tag and note: new instances run version 2, an old instance finishes on version 1', async () => {
  const old = await startProcess(engine.client, 'vk-planeringsdagar', { caseRef: 'PLAN-2027', kommun: 'vaxjo' });
  const page = await login('processagare');
  await page.getByRole('link', { name: 'Modellering' }).click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-overview.png'), fullPage: true });
  await page.locator('tr', { hasText: 'vk-planeringsdagar' }).getByRole('link', { name: 'Öppna i modelleraren' }).click();
  await page.waitForSelector('body[data-ready="true"]');

  await page.locator('g.djs-element[data-element-id="Planera"]').click();
  const name = page.locator('#bio-properties-panel-name');
  // the panel opens groups as the user left them: open "Allmänt" (General) when it is closed
  if (!(await name.isVisible())) await page.locator('.bio-properties-panel-group-header', { hasText: 'Allmänt' }).click();
  await name.fill('Planera planeringsdagarna');
  await page.locator('g.djs-element[data-element-id="Planera"] text', { hasText: 'planeringsdagarna' }).waitFor();
  await expect(page.locator('#properties').textContent()).resolves.toMatch(/Allmänt[\s\S]*Namn/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-rename.png') });

  await page.getByLabel('Versionsetikett').fill('2026-12-kortare-namn');
  await page.getByLabel('Varför ändras processen?').fill('Kortare namn på planeringssteget');
  await page.getByRole('button', { name: 'Driftsätt ny version' }).click();
  await page.waitForURL(/driftsatt=1/);
  await expect(page.locator('.flash').textContent()).resolves.toMatch(/^Version 2 är driftsatt\./);
  const row = page.locator('#versions tr[data-version="2"]');
  await expect(row.textContent()).resolves.toMatch(/2\s*2026-12-kortare-namn\s*processagare\s*\d{4}-\d{2}-\d{2}.*Kortare namn på planeringssteget/);
  await expect(page.locator('#versions tr[data-version="1"]').textContent()).resolves.toMatch(/okänt \(driftsatt utanför Vårdkedjan\).*1\s*Öppna/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-deployed.png'), fullPage: true });

  // what the engine runs now
  const fresh = await startProcess(engine.client, 'vk-planeringsdagar', { caseRef: 'PLAN-2028', kommun: 'vaxjo' });
  const defs = (await engine.client.searchProcessDefinitions({ filter: { processDefinitionId: 'vk-planeringsdagar' } } as never, NOW)).items!;
  const byVersion = Object.fromEntries(defs.map((d) => [d.version, d]));
  expect(byVersion[2].versionTag).toBe('2026-12-kortare-namn');
  expect(String(fresh.processDefinitionKey)).toBe(String(byVersion[2].processDefinitionKey));
  expect(String(old.processDefinitionKey)).toBe(String(byVersion[1].processDefinitionKey));
  expect((await userTask(engine.client, String(fresh.processInstanceKey), 'Planera')).name).toBe('Planera planeringsdagarna');
  expect((await userTask(engine.client, String(old.processInstanceKey), 'Planera')).name).toBe('Planera årets planeringsdagar');

  // the old instance finishes on version 1
  await completeTask(engine.client, String(old.processInstanceKey), 'Planera', {});
  await completeTask(engine.client, String(old.processInstanceKey), 'Genomfor', {});
  const done = await eventually(() => engine.client.getProcessInstance({ processInstanceKey: old.processInstanceKey }, NOW), (pi) => pi.state === 'COMPLETED', { what: 'old instance completed' });
  expect(String(done.processDefinitionKey)).toBe(String(byVersion[1].processDefinitionKey));
  expect(done.processDefinitionVersion).toBe(1);

  // the difference between the versions
  await page.goto(`${web.url}/modellering/processer/vk-planeringsdagar/jamfor?a=${byVersion[1].processDefinitionKey}&b=${byVersion[2].processDefinitionKey}`);
  await page.waitForSelector('body[data-ready="true"]');
  const changes = await page.locator('#changes').textContent();
  expect(changes).toContain('Ändrat: Planera planeringsdagarna (name: ”Planera årets planeringsdagar” → ”Planera planeringsdagarna”) (Planera)');
  expect(await page.locator('#canvas-b g.djs-element.diff-changed[data-element-id="Planera"]').count()).toBe(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-diff.png'), fullPage: true });
  await page.context().close();
}, 120_000);

test('a lint error is shown in Swedish, marked on the canvas, and blocks the deployment', async () => {
  const page = await login('processagare');
  await openModeler(page, 'vk-planeringsdagar');
  const before = (await engine.client.searchProcessDefinitions({ filter: { processDefinitionId: 'vk-planeringsdagar' } } as never, NOW)).items!.length;
  // a task dropped on the canvas and left unconnected, as a process owner might
  await page.evaluate(() => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const m = (window as any).vkModeler;
    const shape = m.get('elementFactory').createShape({ type: 'bpmn:Task' });
    const created = m.get('modeling').createShape(shape, { x: 500, y: 560 }, m.get('canvas').getRootElement());
    m.get('modeling').updateProperties(created, { id: 'Lost', name: 'Lös uppgift' });
  });
  await page.getByLabel('Varför ändras processen?').fill('Försök med en lös uppgift');
  await page.getByRole('button', { name: 'Driftsätt ny version' }).click();
  await page.locator('#status.error').waitFor();
  expect(await page.locator('#status').textContent()).toMatch(/^Driftsättningen stoppades: \d+ fel måste rättas först\. Ingenting har driftsatts\.$/);
  expect(await page.locator('#problems li.error').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Uppgiften ”Lös uppgift” är inte kopplad till något flöde')]));
  expect(await page.locator('g.djs-element.vk-lint-error[data-element-id="Lost"]').count()).toBe(1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-lint-error.png') });
  expect((await engine.client.searchProcessDefinitions({ filter: { processDefinitionId: 'vk-planeringsdagar' } } as never, NOW)).items!.length).toBe(before);
  expect(page.url()).not.toMatch(/driftsatt=1/);

  await page.goto(`${web.url}/modellering/formular/vk-sip-samtycke`);
  await page.waitForSelector('body[data-ready="true"]');
  // the form editor has no translation hook; its palette is put into Swedish in the page
  await page.locator('.fjs-palette-field-text', { hasText: 'Textfält' }).waitFor();
  await page.screenshot({ path: path.join(ARTIFACTS, 'modeler-form-editor.png') });
  await page.context().close();
}, 90_000);

describe('modeler files are process files', () => {
  let page: Page;
  beforeAll(async () => { page = await login('processagare'); await openModeler(page, 'vk-sip'); }, 60_000);
  afterAll(async () => { await page?.context().close(); });

  test.each(BPMN_FILES)('round trip: %s imported into and exported from the modeler compiles to the same executable process', async (file) => {
    const original = read(file);
    const exported = await throughModeler(page, original);
    expect(exported).not.toBe(original); // the modeler really wrote it (its own formatting)
    expect(await compileBpmn(exported, file)).toEqual(await compileBpmn(original, file));
  }, 60_000);

  test('a shape moved in the modeler: lint, layout and an engine run all still pass', async () => {
    const original = read('vk-planeringsdagar.bpmn');
    const moved = await throughModeler(page, original, { id: 'End', dx: 60, dy: 0 });
    const endX = (xml: string) => Number(/<bpmndi:BPMNShape id="End_di" bpmnElement="End"[^>]*>\s*<dc:Bounds x="(-?\d+)"/.exec(xml)![1]);
    expect(endX(moved)).toBe(endX(original) + 60);

    const lint = await lintDiagram({ kind: 'bpmn', name: 'moved.bpmn', path: 'moved.bpmn', content: moved }, loadLintConfig(ROOT), ROOT);
    expect(lint.problems).toEqual([]);
    expect(await layoutProblems(moved)).toEqual([]);
    expect(await compileBpmn(moved)).toEqual(await compileBpmn(original));

    const t = await startTestEngine();
    try {
      const forms = resourceFiles().filter((f) => f.name.endsWith('.form'));
      await t.client.createDeployment({ resources: [...forms, new File([moved], 'vk-planeringsdagar.bpmn', { type: 'application/xml' })] });
      const pi = await startProcess(t.client, 'vk-planeringsdagar', { caseRef: 'PLAN-2029', kommun: 'vaxjo' });
      await completeTask(t.client, String(pi.processInstanceKey), 'Planera', {});
      await completeTask(t.client, String(pi.processInstanceKey), 'Genomfor', {});
      await eventually(() => t.client.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW), (p) => p.state === 'COMPLETED', { what: 'moved diagram completes' });
    } finally {
      await t.stop();
    }
  }, 90_000);
});
