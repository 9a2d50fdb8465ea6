/**
 * Starting a case through its start form in Debian's Chromium (playwright-core): "Starta ärende" → "Inskrivning utan
 * placeringsförfrågan" renders vk-under-placering's start form with form-js in Swedish; an empty submit is stopped
 * in the browser with an error summary; a value the server refuses comes back as a 400 page with the user's values
 * still in the form and the server's Swedish message linked to the field; a valid start opens the new case.
 * Screenshots go to test-artifacts/web/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TestEngine } from '../helpers/engine';
import type { TestWeb } from './helpers';
import { ARTIFACTS, seriousViolations, signedInPage, startBrowserEnv } from './browser-helpers';

let engine: TestEngine;
let web: TestWeb;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => { ({ engine, web, browser } = await startBrowserEnv()); }, 120_000);
afterAll(async () => { await browser?.close(); await web?.stop(); await engine?.stop(); });

const field = (page: Page, label: string) => page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: label }) }).first();
const started = async () => (await engine.client.searchProcessInstances({ filter: { processDefinitionId: 'vk-under-placering' } as never, page: { limit: 100 } as never } as never, { consistency: { waitUpToMs: 0 } } as never)).items.length;

test('a socialsekreterare starts "Inskrivning utan placeringsförfrågan" through its start form', async () => {
  const page = await signedInPage(browser, web.url, 'ss-vaxjo', pageErrors);
  await page.goto(web.url + '/arenden/ny');
  await page.screenshot({ path: path.join(ARTIFACTS, 'starta-arende.png'), fullPage: true });
  await page.getByRole('link', { name: /Inskrivning utan placeringsförfrågan/ }).click();
  await page.locator('body[data-form-ready="true"]').waitFor({ timeout: 30_000 });
  await page.locator('#start:enabled').waitFor();
  expect(await page.locator('#form').innerText()).toContain('Inskrivning utan placeringsförfrågan');
  expect(await field(page, 'Inskrivningsdatum').locator('input').first().getAttribute('placeholder')).toBe('åååå-mm-dd');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'startformular.png'), fullPage: true });

  // Empty: form-js's errors in Swedish, the summary links to the fields, nothing is sent.
  const before = await started();
  await page.getByRole('button', { name: 'Starta ärendet' }).click();
  const summary = page.locator('#error-summary');
  await summary.locator('h2', { hasText: 'Rätta de 2 felen innan du startar' }).waitFor();
  expect(await summary.locator('a').allInnerTexts()).toEqual(['Boende: Fältet måste fyllas i.', 'Inskrivningsdatum: Fältet måste fyllas i.']);
  await summary.locator('a').nth(1).click();
  expect(await page.evaluate(() => document.activeElement?.closest('.fjs-form-field')?.textContent ?? '')).toContain('Inskrivningsdatum');
  expect(page.url()).toContain('/arenden/ny?process=vk-under-placering');

  // A date the server refuses (as a stale or altered page would send it): 400, the values kept, the message linked.
  await page.keyboard.press('Escape'); // the focused date field opened its calendar
  await page.locator('h1').click();
  await field(page, 'Boende').getByLabel('Novus (stödboende)', { exact: true }).check();
  const date = field(page, 'Inskrivningsdatum').locator('input').first();
  await date.fill('2026-11-30');
  await date.press('Tab');
  await page.keyboard.press('Escape');
  await page.locator('h1').click();
  await page.evaluate(() => {
    // Runs after start.js's submit handler, which has just written the form's values.
    document.getElementById('start-form')!.addEventListener('submit', () => {
      const hidden = document.getElementById('start-data') as HTMLInputElement;
      hidden.value = JSON.stringify({ ...JSON.parse(hidden.value), admissionDate: '2026-02-30' });
    });
  });
  await page.getByRole('button', { name: 'Starta ärendet' }).click();
  await page.locator('body[data-form-ready="true"]').waitFor({ timeout: 30_000 });
  await summary.locator('a', { hasText: 'ska vara ett riktigt datum' }).waitFor();
  expect(await summary.locator('h2').innerText()).toContain('Dina uppgifter finns kvar');
  expect(await field(page, 'Boende').getByLabel('Novus (stödboende)', { exact: true }).isChecked()).toBe(true);
  expect(await started()).toBe(before);
  await page.screenshot({ path: path.join(ARTIFACTS, 'startformular-serverfel.png'), fullPage: true });
  await summary.locator('a').first().click();
  expect(await page.evaluate(() => document.activeElement?.closest('.fjs-form-field')?.textContent ?? '')).toContain('Inskrivningsdatum');

  // Fixed: the case starts and its page opens.
  await date.fill('2026-11-30');
  await date.press('Tab');
  await page.keyboard.press('Escape');
  await page.locator('h1').click();
  await page.getByRole('button', { name: 'Starta ärendet' }).click();
  await page.waitForURL(/\/arenden\/VK-\d{4}-\d{6}$/, { timeout: 15_000 });
  const caseRef = /VK-\d{4}-\d{6}/.exec(page.url())![0];
  expect(await page.locator('.flash').innerText()).toContain(`Ärende ${caseRef} är startat`);
  expect(await started()).toBe(before + 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'startat-arende.png'), fullPage: true });

  const entry = (await web.audit.query({ caseRef, action: 'case.started', limit: 1 }))[0];
  expect(entry.details).toEqual(expect.objectContaining({ processDefinitionId: 'vk-under-placering', fields: ['home', 'admissionDate'] }));
  const vars = (await engine.client.searchVariables({ filter: { processInstanceKey: String(entry.details!.processInstanceKey) } as never } as never, { consistency: { waitUpToMs: 0 } } as never)).items;
  expect(Object.fromEntries(vars.filter((v) => v.name === 'home' || v.name === 'admissionDate').map((v) => [v.name, JSON.parse(v.value)]))).toEqual({ home: 'novus', admissionDate: '2026-11-30' });
  expect(pageErrors).toEqual([]);
}, 120_000);
