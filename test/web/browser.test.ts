/**
 * End to end in Debian's Chromium (playwright-core, no browser download): a socialsekreterare in Växjö starts a
 * placement request and fills the forms, a remissgrupp member matches a home, the kontaktperson confirms the
 * admission, and the region manager opens the dashboard. Service-task jobs (deadlines, queue, notifications) are
 * handled by the project's real job workers (workers/main.ts startWorkerApp) with a test SMTP server.
 * Screenshots go to test-artifacts/web/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TestEngine } from '../helpers/engine';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testConfig } from '../workers/setup';
import { startWorkerApp, type WorkerApp } from '../../workers/main';
import { ROOT, type TestWeb } from './helpers';
import { ARTIFACTS, signIn, startBrowserEnv } from './browser-helpers';

let engine: TestEngine;
let web: TestWeb;
let browser: Browser;
let smtp: TestSmtp;
/** Script errors and console errors (CSP violations included) of every page; expected 400/403 answers excluded. */
const consoleErrors: string[] = [];
let workers: WorkerApp;

beforeAll(async () => {
  ({ engine, web, browser } = await startBrowserEnv());
  // The real job workers (deadlines, queue, notifications, escalations), sharing the web app's audit log.
  smtp = await startTestSmtp();
  workers = await startWorkerApp({ ...testConfig(smtp.port, web.dataDir), storage: web.storage }, engine.client);
}, 90_000);
afterAll(async () => {
  await workers?.stop();
  await smtp?.stop();
  await browser?.close();
  await web?.stop();
  await engine?.stop();
});

async function login(user: string): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { consoleErrors.push(`${user}: ${e.message}`); });
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[03]/.test(m.text())) consoleErrors.push(`${user}: ${m.text()} (${m.location().url})`); });
  return signIn(page, web.url, user);
}

type Answers = Record<string, string | boolean | string[]>;

/** Fills a rendered Camunda Form field by field, using the labels from the form file. */
async function fillForm(page: Page, formId: string, answers: Answers) {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', `${formId}.form`), 'utf8')) as { components: Array<{ key?: string; type: string; label?: string; values?: Array<{ label: string; value: string }> }> };
  await page.locator('.fjs-form').waitFor();
  for (const [key, value] of Object.entries(answers)) {
    const c = schema.components.find((x) => x.key === key)!;
    const field = page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: c.label! }) }).first();
    const optionLabel = (v: string) => c.values!.find((o) => o.value === v)!.label;
    if (c.type === 'radio') await field.getByLabel(optionLabel(value as string), { exact: true }).check();
    else if (c.type === 'checklist') for (const v of value as string[]) await field.getByLabel(optionLabel(v), { exact: true }).check();
    else if (c.type === 'checkbox') await field.getByRole('checkbox').check();
    else if (c.type === 'select') { await field.locator('.fjs-select-display, input').first().click(); await field.locator('.fjs-dropdownlist-item', { hasText: optionLabel(value as string) }).first().click(); }
    else if (c.type === 'datetime') { const input = field.locator('input').first(); await input.fill(value as string); await input.press('Tab'); }
    else await field.locator('input, textarea').first().fill(value as string);
  }
  // Tab may have focused the next date field and opened its calendar: close it like a user clicking elsewhere.
  await page.keyboard.press('Escape');
  await page.locator('h1').click();
}

/** Opens the task named `name` for `caseRef` from the inbox (reloading until it appears), claims it. */
async function openTask(page: Page, caseRef: string, name: string) {
  for (let i = 0; i < 60; i++) {
    await page.goto(web.url + '/uppgifter');
    const row = page.locator('tr', { hasText: caseRef }).filter({ hasText: name });
    if (await row.count()) { await row.getByRole('link', { name }).click(); break; }
    await page.waitForTimeout(250);
  }
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('button', { name: 'Ta uppgiften' }).click();
  await formReady(page);
}

/** The task page enables "Slutför uppgiften" only once the form is rendered (body[data-form-ready]). */
async function formReady(page: Page) {
  await page.locator('body[data-form-ready="true"]').waitFor({ timeout: 30_000 });
  await page.locator('#complete:enabled').waitFor();
}

async function complete(page: Page) {
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  await page.waitForURL('**/uppgifter', { timeout: 15_000 });
}

test('placement request end to end through the forms, then the dashboard', async () => {
  // Socialsekreterare starts the case.
  const ss = await login('ss-vaxjo');
  await ss.goto(web.url + '/arenden/ny');
  await ss.getByRole('button', { name: /Ny placeringsförfrågan/ }).click();
  await ss.waitForURL('**/uppgifter');
  const flash = await ss.locator('.flash').textContent();
  const caseRef = /VK-\d{4}-\d{6}/.exec(flash ?? '')![0];
  await ss.screenshot({ path: path.join(ARTIFACTS, '01-inkorg-socialsekreterare.png'), fullPage: true });

  // Utredning: first try without the required fields → errors shown in the form, nothing completed.
  await openTask(ss, caseRef, 'Utred behov och klientens intresse');
  await ss.getByRole('button', { name: 'Slutför uppgiften' }).click();
  await ss.locator('#form-status.error').waitFor();
  expect(await ss.locator('.fjs-form-field-error').first().textContent()).toContain('Fältet måste fyllas i.');
  await ss.screenshot({ path: path.join(ARTIFACTS, '02-valideringsfel.png'), fullPage: true });
  expect(ss.url()).toContain('/uppgifter/');
  await fillForm(ss, 'vk-placering-utredning', { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'lvm-utredning-frivillig' });
  await ss.screenshot({ path: path.join(ARTIFACTS, '03-formular-utredning.png'), fullPage: true });
  await complete(ss);

  await openTask(ss, caseRef, 'Skicka uppdragsblankett till remissgruppen');
  await fillForm(ss, 'vk-uppdragsblankett', { behovsomraden: ['boende', 'beroende'], foreslagenNiva: 'ekeliden', barn: 'ja', samtyckeRemissgrupp: true });
  await complete(ss);

  // Remissgruppen matches a home.
  const remiss = await login('remiss-anna');
  await openTask(remiss, caseRef, 'Remissgruppen matchar boende');
  await fillForm(remiss, 'vk-remissgrupp-matchning', { remissmoteDatum: '2026-11-05', home: 'ekeliden' });
  await remiss.screenshot({ path: path.join(ARTIFACTS, '04-remissgruppen-matchning.png'), fullPage: true });
  await complete(remiss);

  // Studiebesök and decision by the socialsekreterare.
  await openTask(ss, caseRef, 'Genomför studiebesök');
  await fillForm(ss, 'vk-studiebesok', { studiebesokDatum: '2026-11-10', behovKanMotas: 'ja', klientPositiv: 'ja' });
  await complete(ss);
  await openTask(ss, caseRef, 'Förslag till beslut och biståndsbeslut');
  await fillForm(ss, 'vk-bistandsbeslut', { beslut: 'bifall', decisionDate: '2026-11-12' });
  // Double click on "Slutför": one completion, no crash.
  await ss.getByRole('button', { name: 'Slutför uppgiften' }).dblclick();
  await ss.waitForURL('**/uppgifter', { timeout: 15_000 }).catch(async (e) => {
    await ss.screenshot({ path: path.join(ARTIFACTS, 'fel-dubbelklick.png'), fullPage: true });
    throw new Error(`${(e as Error).message}; status: ${await ss.locator('#form-status').textContent()}`);
  });

  // The kontaktperson at Ekeliden confirms the admission.
  const kp = await login('kp-ekeliden');
  await openTask(kp, caseRef, 'Bekräfta inskrivningsdatum');
  await fillForm(kp, 'vk-inskrivning', { admissionDate: '2026-11-13' });
  await complete(kp);

  // The case is completed; the socialsekreterare opens the case view with diagram and history.
  const completedCase = await engine.client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never }, { consistency: { waitUpToMs: 0 } } as never);
  const key = String(completedCase.items[0].processInstanceKey);
  for (let i = 0; i < 40; i++) {
    const pi = await engine.client.getProcessInstance({ processInstanceKey: key as never }, { consistency: { waitUpToMs: 0 } } as never);
    if (pi.state === 'COMPLETED') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await ss.goto(`${web.url}/arenden/${key}`);
  await ss.locator('#diagram svg[data-element-id]').waitFor();
  await ss.locator('.djs-element.vk-done').first().waitFor();
  expect(await ss.locator('ol.history li').count()).toBeGreaterThan(5);
  expect(await ss.locator('main').textContent()).toContain('Avslutad');
  await ss.screenshot({ path: path.join(ARTIFACTS, '05-arende.png'), fullPage: true });
  expect((await web.audit.query({ action: 'case.read', caseRef, actor: 'ss-vaxjo' })).length).toBeGreaterThan(0);

  // The remissgrupp member cannot open the dashboard; the region manager can.
  await remiss.goto(web.url + '/oversikt');
  expect(await remiss.locator('h1').textContent()).toBe('Ingen behörighet');
  const chef = await login('chef-region');
  await chef.goto(web.url + '/oversikt');
  await chef.locator('.kpi').first().waitFor();
  await chef.locator('#table table').waitFor();
  expect(await chef.locator('#table').textContent()).toContain('Inför placering');
  expect(await chef.locator('.kpi .value').nth(2).textContent()).toContain('100 %');
  await chef.screenshot({ path: path.join(ARTIFACTS, '06-oversikt.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
}, 180_000);
