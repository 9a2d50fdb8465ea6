/**
 * Every form renders in the real form-js viewer (bpmn-io's UMD bundle, in headless Chromium because form-js needs a
 * DOM) without import warnings, and submitting it empty reports exactly the required, visible fields as errors.
 * Without Chromium (CHROMIUM_PATH, default /usr/bin/chromium) a developer's run skips it with a message; CI fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, launchChromium } from '../helpers/chromium';
import { ROOT } from './helpers';

const files = fs.readdirSync(path.join(ROOT, 'forms')).filter((f) => f.endsWith('.form')).sort();

describeWithBrowser('forms in form-js', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<html><body><div id="f"></div></body></html>');
    await page.addScriptTag({ path: path.join(ROOT, 'node_modules/@bpmn-io/form-js/dist/form-viewer.umd.js') });
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  test.each(files)('%s imports without warnings and validates required fields', async (file) => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', file), 'utf8'));
    const res = await page.evaluate(async (s) => {
      const FV = (window as unknown as { FormViewer: { Form: new (o: unknown) => any } }).FormViewer;
      const container = document.getElementById('f')!;
      container.innerHTML = '';
      const form = new FV.Form({ container });
      const { warnings } = await form.importSchema(s, { caseRef: 'VK-2026-000001' });
      const { errors } = form.submit();
      return { warnings: warnings.map((w: { message?: string }) => String(w.message ?? w)), errors: Object.keys(errors) };
    }, schema);
    expect(res.warnings).toEqual([]);
    // with empty data, fields hidden by a condition are not validated; all visible required fields are
    const visibleRequired = schema.components
      .filter((c: any) => c.validate?.required && !(c.conditional?.hide && hiddenWhenEmpty(c.conditional.hide)))
      .map((c: any) => c.id).sort();
    expect(res.errors.sort()).toEqual(visibleRequired);
  }, 30_000);
});

/** Our conditions are of the form `=x != "value"` or `=x = null or ...`: with empty data they hide the field. */
function hiddenWhenEmpty(hide: string): boolean {
  return /!=|= null/.test(hide);
}
