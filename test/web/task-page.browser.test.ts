/**
 * Inbox, task page, case page and the dashboard in Debian's Chromium (playwright-core): axe-core finds no serious
 * or critical violations; the date pickers speak Swedish (month and weekday names, week from Monday, ÅÅÅÅ-MM-DD),
 * also in an English browser, and so do form-js's validation messages however often it re-renders them;
 * "Slutför uppgiften" is disabled until the form is ready; the error summary links to the fields; at 390 px the due
 * date stays visible.
 * Screenshots (desktop and 390 px) go to test-artifacts/web/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TestEngine } from '../helpers/engine';
import { eventually, waitForUserTask } from '../helpers/api';
import { Agent, type TestWeb } from './helpers';
import { ARTIFACTS, seriousViolations, signIn, startBrowserEnv } from './browser-helpers';

let engine: TestEngine;
let web: TestWeb;
let browser: Browser;
let utredning: string;
let blankett: string;
let blankett2: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ engine, web, browser } = await startBrowserEnv());
  const ss = await Agent.login(web.url, 'ss-vaxjo');
  // Some volume and variety in the inbox: due dates (one soon, one late), a colleague's claimed task.
  const keys: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
    keys.push(String((await waitForUserTask(engine.client, r.json.processInstanceKey, 'Utredning')).userTaskKey));
  }
  const day = 86_400_000;
  await engine.client.updateUserTask({ userTaskKey: keys[0], changeset: { dueDate: new Date(Date.now() + day).toISOString() } } as never);
  await engine.client.updateUserTask({ userTaskKey: keys[1], changeset: { dueDate: new Date(Date.now() - day).toISOString() } } as never);
  await engine.client.updateUserTask({ userTaskKey: keys[2], changeset: { dueDate: new Date(Date.now() + 20 * day).toISOString() } } as never);
  await (await Agent.login(web.url, 'ss-vaxjo-2')).post(`/api/uppgifter/${keys[3]}/ta`);
  utredning = keys[4];
  const started = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  const first = String((await waitForUserTask(engine.client, started.json.processInstanceKey, 'Utredning')).userTaskKey);
  expect((await ss.post(`/api/uppgifter/${first}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'ja', lvmStatus: 'ingen' } })).status).toBe(200);
  blankett = String((await waitForUserTask(engine.client, started.json.processInstanceKey, 'Uppdragsblankett')).userTaskKey);
  const second = await ss.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  const first2 = String((await waitForUserTask(engine.client, second.json.processInstanceKey, 'Utredning')).userTaskKey);
  expect((await ss.post(`/api/uppgifter/${first2}/slutfor`, { data: { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' } })).status).toBe(200);
  blankett2 = String((await waitForUserTask(engine.client, second.json.processInstanceKey, 'Uppdragsblankett')).userTaskKey);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await engine?.stop();
});

async function login(user: string, width = 1280, locale = 'sv-SE'): Promise<Page> {
  const ctx = await browser.newContext({ locale, timezoneId: 'Europe/Stockholm', viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { pageErrors.push(`${user}: ${e.message}`); });
  return signIn(page, web.url, user);
}

async function openClaimed(page: Page, key: string) {
  await page.goto(`${web.url}/uppgifter/${key}`);
  if (await page.getByRole('button', { name: 'Ta uppgiften' }).count()) await page.getByRole('button', { name: 'Ta uppgiften' }).click();
  await page.locator('body[data-form-ready="true"]').waitFor({ timeout: 30_000 });
}

test('inbox: no serious accessibility violations; names and words, not ids; 390 px keeps the due date', async () => {
  const page = await login('ss-vaxjo');
  await page.locator('table.tasks').waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  const text = await page.locator('main').innerText();
  expect(text).toContain('Sven Ek (socialsekreterare Växjö)'); // the colleague's claimed task stays visible
  expect(text).toContain('Socialsekreterare Växjö');
  expect(text).not.toContain('socialsekreterare-vaxjo');
  expect(text).toContain('Förfaller snart');
  await page.screenshot({ path: path.join(ARTIFACTS, 'inkorg-desktop.png'), fullPage: true });

  const phone = await login('ss-vaxjo', 390);
  await phone.locator('table.tasks').waitFor();
  await phone.screenshot({ path: path.join(ARTIFACTS, 'inkorg-390.png'), fullPage: true });
  const due = await phone.locator('table.tasks th.col-due').boundingBox();
  expect(due).not.toBeNull();
  expect(due!.x + due!.width).toBeLessThanOrEqual(390);
  expect(await phone.locator('table.tasks tbody tr').first().locator('td.col-due').isVisible()).toBe(true);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await seriousViolations(phone)).toEqual([]);
}, 120_000);

test('task page: Swedish date picker and texts, completion waits for the form, error summary links to the fields, no serious violations', async () => {
  const page = await login('ss-vaxjo');
  await page.goto(`${web.url}/uppgifter/${blankett}`);
  await page.getByRole('button', { name: 'Ta uppgiften' }).click();
  // Until the form is rendered the button is disabled (it is rendered disabled by the server).
  const html = await (await fetch(`${web.url}/uppgifter/${blankett}`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).text();
  expect(html).toMatch(/<button id="complete" type="button" disabled/);
  await page.locator('body[data-form-ready="true"]').waitFor({ timeout: 30_000 });
  await page.locator('#complete:enabled').waitFor();

  const date = page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: 'Önskat startdatum' }) }).locator('input').first();
  expect(await date.getAttribute('placeholder')).toBe('åååå-mm-dd');
  await date.click();
  const calendar = page.locator('.flatpickr-calendar.open');
  await calendar.waitFor();
  const weekdays = (await calendar.locator('.flatpickr-weekday').allInnerTexts()).map((s) => s.trim());
  expect(weekdays.slice(0, 7)).toEqual(['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön']);
  // Months before today are not offered (disallowPassedDates); those shown are Swedish.
  const months = await calendar.locator('.flatpickr-monthDropdown-month').allInnerTexts();
  expect(months.length).toBeGreaterThan(0);
  for (const m of months) expect(['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december']).toContain(m.trim());
  expect(await calendar.locator('.flatpickr-day.flatpickr-disabled').count()).toBeGreaterThan(0); // past days (disallowPassedDates)
  await page.screenshot({ path: path.join(ARTIFACTS, 'datumvaljare.png') });
  await page.keyboard.press('Escape');
  await page.locator('h1').click();

  // Empty submit: form-js errors in Swedish and an error summary whose links focus the field.
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  const summary = page.locator('#error-summary');
  await summary.waitFor();
  expect(await summary.locator('h2').innerText()).toMatch(/Rätta de \d+ felen/);
  const links = summary.locator('a');
  expect(await links.count()).toBeGreaterThanOrEqual(3);
  expect(await links.first().innerText()).toBe('Behovsområden: Fältet måste fyllas i.');
  expect(await page.locator('.fjs-form-field-error').first().innerText()).toContain('Fältet måste fyllas i.');
  await links.nth(1).click();
  expect(await page.evaluate(() => document.activeElement?.closest('.fjs-form-field')?.textContent ?? '')).toContain('Föreslagen vårdnivå');
  expect(await page.locator('#form').innerText()).not.toMatch(/Field |Select|Search/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'uppgift-felsammanfattning.png'), fullPage: true });

  // A server-side refusal (personnummer in free text) lands in the same summary; the task stays open.
  await page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: 'Behovsområden' }) }).getByLabel('Boende', { exact: true }).check();
  await page.getByLabel('Novus (stödboende)', { exact: true }).check();
  await page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: 'Har personen barn' }) }).getByLabel('Nej', { exact: true }).check();
  await page.getByRole('checkbox', { name: /samtycker/ }).check();
  await page.locator('textarea').fill('Kontakt 19121212-1212');
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  await summary.getByText(/personnummer/).waitFor();
  expect(page.url()).toContain(`/uppgifter/${blankett}`);
  expect((await engine.client.getUserTask({ userTaskKey: blankett as never }, { consistency: { waitUpToMs: 0 } } as never)).state).toBe('CREATED');
}, 120_000);

test('task page with a select: "Välj …" instead of "Select"; 390 px and desktop screenshots', async () => {
  const page = await login('ss-vaxjo');
  await openClaimed(page, utredning);
  await page.getByLabel('Ja', { exact: true }).first().check();
  await page.locator('.fjs-select-display, .fjs-form-field-select input').first().waitFor();
  const form = await page.locator('#form').innerText();
  expect(form).toContain('Välj …');
  expect(form).not.toContain('Select');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'uppgift-desktop.png'), fullPage: true });
  const phone = await login('ss-vaxjo', 390);
  await openClaimed(phone, utredning);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  expect(await phone.getByText('Tidsfrist').isVisible()).toBe(true);
  expect(await seriousViolations(phone)).toEqual([]);
  await phone.screenshot({ path: path.join(ARTIFACTS, 'uppgift-390.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
}, 120_000);

const SV_WEEK = ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'];

test('an English browser still gets Swedish: validation messages stay Swedish through re-renders, date picker and dates', async () => {
  const page = await login('ss-vaxjo', 1280, 'en-US');
  await openClaimed(page, blankett2);
  const form = page.locator('#form');
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  await page.locator('#error-summary').waitFor();
  // Messages that form-js re-renders as the user changes a field must come back Swedish, and only once.
  const fieldOf = (label: string) => page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: label }) });
  // The field's message as shown ('' when none), once it settled on `want`.
  const messageOf = (f: ReturnType<typeof fieldOf>, want: string) => eventually(
    async () => (await f.locator('.fjs-form-field-error').count()) === 0 ? '' : (await f.locator('.fjs-form-field-error').innerText()).trim(),
    (t) => t === want, { timeoutMs: 5_000, what: `message "${want}"` });
  const needs = fieldOf('Behovsområden');
  await messageOf(needs, 'Fältet måste fyllas i.');
  await needs.getByLabel('Boende', { exact: true }).check();
  await messageOf(needs, '');
  await needs.getByLabel('Boende', { exact: true }).uncheck();
  await messageOf(needs, 'Fältet måste fyllas i.');
  const notes = fieldOf('Övrigt till remissgruppen');
  await notes.locator('textarea').fill('x'.repeat(501));
  await messageOf(notes, 'Skriv högst 500 tecken.');
  await notes.locator('textarea').fill('ok');
  await messageOf(notes, '');
  await notes.locator('textarea').fill('y'.repeat(502));
  await messageOf(notes, 'Skriv högst 500 tecken.');
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  const summaryLinks = await page.locator('#error-summary a').allInnerTexts();
  expect(summaryLinks).toContain('Övrigt till remissgruppen: Skriv högst 500 tecken.');
  expect(summaryLinks).toContain('Behovsområden: Fältet måste fyllas i.');
  expect(await form.innerText()).not.toMatch(/Field |is required|must have|Select|Search/);
  const date = fieldOf('Önskat startdatum').locator('input').first();
  expect(await date.getAttribute('placeholder')).toBe('åååå-mm-dd');

  // The date picker: Swedish names, week from Monday, ISO date in the field.
  await date.click();
  const calendar = page.locator('.flatpickr-calendar.open');
  await calendar.waitFor();
  expect((await calendar.locator('.flatpickr-weekday').allInnerTexts()).map((x) => x.trim()).slice(0, 7)).toEqual(SV_WEEK);
  await calendar.locator('.flatpickr-day:not(.flatpickr-disabled):not(.prevMonthDay):not(.nextMonthDay)').last().click();
  expect(await date.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'uppgift-engelsk-webblasare.png'), fullPage: true });
}, 120_000);

test("the app's own date fields: Swedish calendar and ÅÅÅÅ-MM-DD in an English browser (dashboard filter)", async () => {
  const page = await login('chef-vaxjo', 1280, 'en-US');
  const from = page.getByLabel('Från');
  expect(await from.getAttribute('placeholder')).toBe('åååå-mm-dd');
  await from.click();
  const calendar = page.locator('.flatpickr-calendar.open');
  await calendar.waitFor();
  expect((await calendar.locator('.flatpickr-weekday').allInnerTexts()).map((x) => x.trim()).slice(0, 7)).toEqual(SV_WEEK);
  const month = (await calendar.locator('.flatpickr-monthDropdown-month').allInnerTexts()).map((m) => m.trim());
  expect(month).toContain('december');
  expect(await calendar.locator('.numInputWrapper input').first().getAttribute('aria-label')).toBe('År');
  await page.screenshot({ path: path.join(ARTIFACTS, 'oversikt-datumvaljare.png') });
  await calendar.locator('.flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)').first().click();
  expect(await from.inputValue()).toMatch(/^\d{4}-\d{2}-01$/);
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Visa' }).click();
  await page.waitForURL(/from=\d{4}-\d{2}-01/);
  expect(pageErrors).toEqual([]);
}, 120_000);

test('case page and the dashboard\'s drill-down list: no serious accessibility violations, desktop and 390 px', async () => {
  const task = await engine.client.getUserTask({ userTaskKey: blankett as never }, { consistency: { waitUpToMs: 0 } } as never);
  for (const width of [1280, 390]) {
    const page = await login('ss-vaxjo', width);
    await page.goto(`${web.url}/arenden/${task.processInstanceKey}`);
    await page.locator('#diagram[data-ready="true"]').waitFor({ timeout: 30_000 });
    // The active step is inside the visible diagram, at a readable size.
    const box = (await page.locator('#diagram').boundingBox())!;
    const active = (await page.locator('#diagram .djs-element.vk-active').first().boundingBox())!;
    expect(active.x >= box.x && active.x + active.width <= box.x + box.width && active.y >= box.y && active.y + active.height <= box.y + box.height).toBe(true);
    expect(active.width).toBeGreaterThanOrEqual(55);
    expect(await page.locator('h1').innerText()).toMatch(/VK-\d{4}-\d{6}/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `arende-${width}.png`), fullPage: true });
    // Nothing wider than the screen (named, so a failure says which element).
    if (width === 390) expect(await page.evaluate(() => Array.from(document.querySelectorAll('main *')).filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap, #diagram')).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`))).toEqual([]);
  }
  const chef = await login('chef-vaxjo');
  await chef.goto(`${web.url}/oversikt/arenden?visa=forsenade`);
  await chef.locator('table.drill').waitFor();
  expect(await chef.locator('table.drill').innerText()).not.toMatch(/\t0\t/);
  expect(await seriousViolations(chef)).toEqual([]);
  await chef.screenshot({ path: path.join(ARTIFACTS, 'oversikt-forsenade.png'), fullPage: true });
  expect(pageErrors).toEqual([]);
}, 120_000);
