/**
 * Shared set-up of the browser tests: Debian's Chromium through playwright-core (CHROMIUM_PATH to override), the
 * embedded engine with every diagram and form, the web app, and signing in through the login page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestEngine } from '../helpers/engine';
import { ROOT, PASSWORDS, startWebEnv, type TestWeb } from './helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'web');
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserEnv { engine: TestEngine; web: TestWeb; browser: Browser }

export async function startBrowserEnv(): Promise<BrowserEnv> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { engine, web } = await startWebEnv();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { engine, web, browser };
}

/** A new Swedish desktop browser context signed in as `user`; page errors are collected in `errors`. */
export async function signedInPage(browser: Browser, baseUrl: string, user: string, errors: string[]): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => { errors.push(`${user}: ${e.message}`); });
  return signIn(page, baseUrl, user);
}

/** Signs `user` in on `page` with the demo password; managers land on the dashboard, everyone else in the inbox. */
export async function signIn(page: Page, baseUrl: string, user: string): Promise<Page> {
  await page.goto(baseUrl + '/login');
  await page.getByLabel('Användarnamn').fill(user);
  await page.getByLabel('Lösenord').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(/chef-/.test(user) ? '**/oversikt' : '**/uppgifter');
  return page;
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core over the page (evaluated through the DevTools protocol, so the page's CSP does not block it). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as unknown as { axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run({ resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
