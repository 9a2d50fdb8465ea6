/**
 * Shared set-up of the browser tests: Debian's Chromium through playwright-core (CHROMIUM_PATH to override), the
 * embedded engine with every diagram and form, the web app, and signing in through the login page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ROOT, PASSWORDS, resourceFiles, startTestWeb, type TestWeb } from './helpers';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'web');
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserEnv { engine: TestEngine; web: TestWeb; browser: Browser }

export async function startBrowserEnv(): Promise<BrowserEnv> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const engine = await startTestEngine();
  await engine.client.createDeployment({ resources: resourceFiles() });
  const web = await startTestWeb(engine.client);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return { engine, web, browser };
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
