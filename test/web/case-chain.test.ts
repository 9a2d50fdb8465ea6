/**
 * Issue 10 item 5: one client walked through the care chain in Debian's Chromium, using only the web app, each
 * step by the role whose step it is (signed in as that role): placeringsförfrågan, utredning, uppdragsblankett,
 * remissgruppen, studiebesök, bistånd, admission at Ekeliden, under placering (started by itself, same caseRef)
 * until it waits for the next step; consent and the move to Novus planned from the case page, remissgruppen's
 * confirmation, the handover meeting, the new decision and the confirmed move (the case then says Novus); a second
 * client granted Novus waits first in its queue on "Platser och kö" (Novus is full); inför hemflytt planned from
 * the case page with the SIP (consent taken over from the case, preparation per huvudman, kallelse with each party's
 * answer, the SIP meeting and plan) and the Novus exit criterion; the confirmed utflytt frees the place and the
 * second client is admitted (on "Platser och kö" and on its case page); a third client waits, and "Avsluta
 * placering / skriv ut" of the second frees the place again for the third. The real job workers run beside the app (shared DATA_DIR), Ekeliden and
 * Novus have one place each (PLACES_CONFIG). The test never calls the engine's REST API to move the case: reads only,
 * to wait for states. Waits are on states (rows, headings), never on fixed times.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TestEngine } from '../helpers/engine';
import { startTestSmtp } from '../helpers/smtp';
import { testConfig } from '../workers/setup';
import { startWorkerApp } from '../../workers/main';
import { ROOT, type TestWeb } from './helpers';
import { ARTIFACTS as WEB_ARTIFACTS, signIn, startBrowserEnv } from './browser-helpers';

const ARTIFACTS = path.join(WEB_ARTIFACTS, 'kedja');
const STEP_MS = 60_000;

let engine: TestEngine;
let web: TestWeb;
let browser: Browser;
/** Everything started, stopped in reverse order. */
const stops: Array<() => Promise<unknown>> = [];
const pages = new Map<string, Page>();
const consoleErrors: string[] = [];

const day = (offset: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(Date.now() + offset * 86_400_000));

/** Task name → form id, from the diagrams themselves (so the test follows diagram changes). */
const FORM_OF: Map<string, string> = (() => {
  const m = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(ROOT, 'bpmn')).filter((x) => x.endsWith('.bpmn'))) {
    const xml = fs.readFileSync(path.join(ROOT, 'bpmn', f), 'utf8');
    for (const t of xml.matchAll(/<bpmn:userTask id="[^"]+" name="([^"]+)"[\s\S]*?<\/bpmn:userTask>/g)) {
      const form = /formId="([^"]+)"/.exec(t[0]);
      if (form && !m.has(t[1])) m.set(t[1], form[1]);
    }
  }
  return m;
})();

interface Component { key?: string; type: string; subtype?: string; dateLabel?: string; label?: string; values?: Array<{ label: string; value: string }>; validate?: { required?: boolean }; components?: Component[] }
const flat = (cs: Component[]): Component[] => cs.flatMap((c) => [c, ...flat(c.components ?? [])]);

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const placesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-places-')), 'places.json');
  fs.writeFileSync(placesFile, JSON.stringify({ capacity: { ekeliden: 1, novus: 1 } }));
  process.env.PLACES_CONFIG = placesFile;
  ({ engine, web, browser } = await startBrowserEnv());
  stops.push(() => engine.stop(), () => web.stop(), () => browser.close());
  // The real job workers beside the app, on the same DATA_DIR (audit log, places, consent registry).
  const smtp = await startTestSmtp();
  stops.push(() => smtp.stop());
  const workers = await startWorkerApp({ ...testConfig(smtp.port, web.dataDir), storage: web.storage }, engine.client);
  stops.push(() => workers.stop());
}, 120_000);
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  delete process.env.PLACES_CONFIG;
});

/** One signed-in browser context per role, reused for all its steps. */
async function as(user: string): Promise<Page> {
  const known = pages.get(user);
  if (known) return known;
  const ctx = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm', viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (e) => { consoleErrors.push(`${user}: ${e.message}`); });
  await signIn(page, web.url, user);
  pages.set(user, page);
  return page;
}

/** Waits (reloading the page) until `check` holds; a state, not a time. */
async function untilPage(page: Page, url: string, check: () => Promise<boolean>, what: string, ms = STEP_MS): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    await page.goto(web.url + url);
    if (await check()) return;
    if (Date.now() > end) {
      await page.screenshot({ path: path.join(ARTIFACTS, `fel-${what.replace(/\W+/g, '-')}.png`), fullPage: true });
      throw new Error(`timed out waiting for ${what} (${url})`);
    }
    await page.waitForTimeout(300);
  }
}

/**
 * Does the task `name` of `caseRef` as `user`: finds it in the inbox, claims it, fills the form (given answers, and a
 * plain valid answer for any other required visible field), completes it.
 */
async function doTask(user: string, caseRef: string, name: string, answers: Record<string, string | boolean | string[]> = {}) {
  const page = await as(user);
  const formId = FORM_OF.get(name);
  if (!formId) throw new Error(`no user task named "${name}" in bpmn/`);
  const inbox = `/uppgifter?arende=${encodeURIComponent(caseRef)}`;
  await untilPage(page, inbox, async () => (await page.locator('tr', { hasText: caseRef }).filter({ hasText: name }).count()) > 0, `${name} for ${user}`);
  await page.locator('tr', { hasText: caseRef }).filter({ hasText: name }).getByRole('link', { name }).first().click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  const take = page.getByRole('button', { name: 'Ta uppgiften' });
  if (await take.count()) await take.click();
  await page.locator('body[data-form-ready="true"]').waitFor();
  await page.locator('#complete:enabled').waitFor();
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', `${formId}.form`), 'utf8')) as { components: Component[] };
  for (const c of flat(schema.components)) {
    if (!c.key || !c.label) continue;
    const given = answers[c.key];
    if (given === undefined && !c.validate?.required) continue;
    let field = page.locator('.fjs-form-field').filter({ has: page.locator('label', { hasText: c.label }) }).first();
    // a date + time field labels its two inputs "Datum" / "Tid"; its own label is a legend
    if (!(await field.isVisible()) && c.dateLabel) field = page.locator('.fjs-form-field-datetime').filter({ has: page.locator('label', { hasText: new RegExp(`^${c.dateLabel}\\*?$`) }) }).first();
    if (!(await field.isVisible())) continue; // hidden by the form's own conditions
    const value = given ?? (c.type === 'checklist' ? [c.values![0].value] : c.type === 'checkbox' ? true : c.type === 'datetime' ? day(0) : c.type === 'number' ? '1' : c.values?.find((v) => v.value === 'ja')?.value ?? c.values?.[0]?.value ?? 'Enligt planen');
    const optionLabel = (v: string) => c.values!.find((o) => o.value === v)!.label;
    if (c.type === 'radio') await field.getByLabel(optionLabel(value as string), { exact: true }).check();
    else if (c.type === 'checklist') for (const v of value as string[]) await field.getByLabel(optionLabel(v), { exact: true }).check();
    else if (c.type === 'checkbox') { if (value) await field.getByRole('checkbox').check(); }
    else if (c.type === 'select') { await field.locator('.fjs-select-display, input').first().click(); await field.locator('.fjs-dropdownlist-item', { hasText: optionLabel(value as string) }).first().click(); }
    else if (c.type === 'datetime') {
      // date, or date + time (subtype datetime): the time input comes second
      const inputs = field.locator('input:visible');
      await inputs.first().fill(String(value).slice(0, 10));
      await inputs.first().press('Tab');
      await page.keyboard.press('Escape');
      if (c.subtype === 'datetime') { await inputs.nth(1).fill(String(value).slice(11, 16) || '10:00'); await inputs.nth(1).press('Enter'); await page.keyboard.press('Escape'); }
    }
    else {
      // form-js applies typed text 300 ms later (debounced) unless the input loses focus; leaving it applies it at
      // once, so fields that a value shows (antalMal → "Mål 1: område") are there when the loop reaches them.
      const input = field.locator('input, textarea').first();
      await input.fill(String(value));
      await input.blur();
    }
  }
  await page.locator('h1').click();
  await page.getByRole('button', { name: 'Slutför uppgiften' }).click();
  await page.waitForURL('**/uppgifter', { timeout: STEP_MS }).catch(async (e) => {
    await page.screenshot({ path: path.join(ARTIFACTS, `fel-${formId}.png`), fullPage: true });
    throw new Error(`${name}: ${(e as Error).message}; status: ${await page.locator('#form-status').textContent().catch(() => '')}`);
  });
}

/** A case action on the case page, as `user`. */
async function caseAction(user: string, caseRef: string, label: string, fill: (page: Page) => Promise<void> = async () => undefined) {
  const page = await as(user);
  await untilPage(page, `/arenden/${caseRef}`, async () => (await page.locator('details.action summary', { hasText: label }).count()) > 0, `action ${label}`);
  const box = page.locator('details.action', { has: page.locator('summary', { hasText: label }) });
  await box.locator('summary').click();
  await fill(page);
  await box.getByRole('button', { name: label }).click();
  await page.locator('.flash', { hasText: `${label}: registrerat` }).waitFor();
}

/** The processes the case page lists (process id → status text). */
async function processesOnCase(user: string, caseRef: string): Promise<Map<string, string[]>> {
  const page = await as(user);
  await page.goto(`${web.url}/arenden/${caseRef}`);
  const rows = page.locator('table.processes tbody tr');
  const out = new Map<string, string[]>();
  for (let i = 0; i < await rows.count(); i++) {
    const r = rows.nth(i);
    const id = (await r.getAttribute('data-process'))!;
    out.set(id, [...(out.get(id) ?? []), (await r.locator('td').nth(1).textContent())!.trim()]);
  }
  return out;
}

async function placementRequest(home: 'ekeliden' | 'novus'): Promise<string> {
  const ss = await as('ss-vaxjo');
  await ss.goto(web.url + '/arenden/ny');
  await ss.getByRole('button', { name: /Ny placeringsförfrågan/ }).click();
  await ss.waitForURL('**/uppgifter');
  const caseRef = /VK-\d{4}-\d{6}/.exec((await ss.locator('.flash').textContent()) ?? '')![0];
  await doTask('ss-vaxjo', caseRef, 'Utred behov och klientens intresse', { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' });
  await doTask('ss-vaxjo', caseRef, 'Skicka uppdragsblankett till remissgruppen', { foreslagenNiva: home, barn: 'nej', samtyckeRemissgrupp: true, behovsomraden: ['boende', 'beroende'] });
  await doTask('remiss-anna', caseRef, 'Remissgruppen matchar boende', { remissmoteDatum: day(0), home });
  await doTask('ss-vaxjo', caseRef, 'Genomför studiebesök', { studiebesokDatum: day(0), behovKanMotas: 'ja', klientPositiv: 'ja' });
  await doTask('ss-vaxjo', caseRef, 'Förslag till beslut och biståndsbeslut', { beslut: 'bifall', decisionDate: day(0) });
  return caseRef;
}

let client: string;

test('1. placeringsförfrågan to admission at Ekeliden; under placering starts by itself with the same caseRef', async () => {
  client = await placementRequest('ekeliden');
  await doTask('kp-ekeliden', client, 'Bekräfta inskrivningsdatum', { admissionDate: day(0) });
  const ss = await as('ss-vaxjo');
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('table.processes tr[data-process="vk-under-placering"]').count()) > 0, 'under placering on the case');
  await ss.screenshot({ path: path.join(ARTIFACTS, '01-inskriven.png'), fullPage: true });
  await doTask('kp-ekeliden', client, 'Planera samverkan vid inskrivning', { barn: 'nej', kontaktNyKontaktperson: 'ja' });
  // Under placering now waits for the next step: the case page offers Planera flytt.
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('details.action summary', { hasText: 'Planera flytt' }).count()) > 0, 'under placering waiting for the next step');
  const procs = await processesOnCase('ss-vaxjo', client);
  expect([...procs.keys()]).toEqual(expect.arrayContaining(['vk-placeringsforfragan', 'vk-under-placering']));
  expect(procs.get('vk-placeringsforfragan')).toEqual(['Avslutad']);
  // The socialsekreterare registers the client's consent on the case page (used by the later flytt and SIP).
  await caseAction('ss-vaxjo', client, 'Registrera samtycke', async (p) => {
    await p.getByLabel('Skriftligt').check();
    await p.locator('#f-registrera-samtycke-consentDate').fill(day(0));
    for (const party of ['Kommunen', 'Psykiatrin', 'HVB Ekeliden', 'Stödboende Novus']) await p.locator('#f-registrera-samtycke-consentParties').getByLabel(party, { exact: true }).check();
    for (const info of ['SIP-planen', 'Genomförandeplanen', 'Uppdragsblanketten', 'Insatser']) await p.locator('#f-registrera-samtycke-consentInformation').getByLabel(info, { exact: true }).check();
    await p.getByLabel('Inte aktuellt (vuxen)').check();
  });
  expect(await ss.locator('ol.history').textContent()).toMatch(/Sara Lind .* registrerade samtycke/);
  expect(await ss.locator('ol.history').textContent()).toMatch(/Sara Lind .* startade Förfrågan om placering/);
  await ss.screenshot({ path: path.join(ARTIFACTS, '02-samtycke.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
}, 15 * STEP_MS);

let second: string;

test('2. Ekeliden → Novus: consent and the move planned from the case page, handover meeting, new decision, move confirmed', async () => {
  await caseAction('ss-vaxjo', client, 'Planera flytt', async (p) => {
    await p.locator('#f-planera-flytt-moveDate').fill(day(30));
    await p.locator('#f-planera-flytt-contactDuringStay').getByLabel('Ja', { exact: true }).check();
  });
  await doTask('remiss-anna', client, 'Remissgruppen: bekräfta plats och flyttdatum', { platsBekraftad: 'ja', bekraftatFlyttdatum: day(30) });
  await doTask('kp-ekeliden', client, 'Håll överlämningsmöte', { overlamningsmoteDatum: day(0), flyttTid: day(30), barnBeaktade: 'inga-barn', samtyckeOverforing: 'ja', studiebesokFore: 'redan' });
  await doTask('ss-vaxjo', client, 'Biståndsbeslut för nästa boende', { beslut: 'bifall', decisionDate: day(0) });
  await doTask('kp-novus', client, 'Bekräfta genomförd flytt', { flyttadDatum: day(0) });
  const ss = await as('ss-vaxjo');
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('.summary').textContent())!.includes('Stödboende Novus'), 'the case placed at Novus');
  await ss.screenshot({ path: path.join(ARTIFACTS, '02-flyttad.png'), fullPage: true });
  expect((await processesOnCase('ss-vaxjo', client)).get('vk-flytt-ekeliden-novus')).toEqual(['Avslutad']);
}, 10 * STEP_MS);

test('3. a second client is granted Novus and waits in its queue (Novus is full)', async () => {
  second = await placementRequest('novus');
  const remiss = await as('remiss-anna');
  await untilPage(remiss, '/platser', async () => (await remiss.locator('section[data-home="novus"] table.queue tr', { hasText: second }).count()) > 0, 'the second client in Novus\'s queue');
  expect(await remiss.locator('section[data-home="novus"] table.queue tbody tr').first().textContent()).toContain(second);
  await remiss.screenshot({ path: path.join(ARTIFACTS, '03-platser-och-ko.png'), fullPage: true });
}, 10 * STEP_MS);

const SIP_PREP = { kostnadsforslag: 'halften', forberedelseKlar: true };

/** Remissgruppen's "Platser och kö": is `caseRef` admitted at (or queued for) `home`? */
async function onPlaces(caseRef: string, home: 'ekeliden' | 'novus', where: 'admitted' | 'queued') {
  const remiss = await as('remiss-anna');
  const rows = remiss.locator(`section[data-home="${home}"] ${where === 'admitted' ? 'details li' : 'table.queue tbody tr'}`, { hasText: caseRef });
  await untilPage(remiss, '/platser', async () => (await rows.count()) > 0, `${caseRef} ${where} at ${home}`);
}

test('4. inför hemflytt with SIP (consent from the case, kallelse, plan); the confirmed utflytt frees Novus and admits the first in its queue', async () => {
  const ss = await as('ss-vaxjo');
  await caseAction('ss-vaxjo', client, 'Planera hemflytt', async (p) => { await p.locator('#f-planera-hemflytt-utflyttDate').fill(day(30)); });
  expect(await ss.locator('ol.history').textContent()).toMatch(/Sara Lind .* planerade hemflytt \(utflytt /);
  await doTask('ss-vaxjo', client, 'Planera insatser före och efter hemflytt', { behovForeFlytt: ['boende'], behovEfterFlytt: ['sysselsattning'], utsluss: 'nej', anhorigaBarnBeaktade: 'ja' });
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('table.processes tr[data-process="vk-sip"]').count()) > 0, 'the SIP on the case');
  await ss.screenshot({ path: path.join(ARTIFACTS, '04-hemflytt-sip.png'), fullPage: true });
  await doTask('kp-novus', client, 'Pröva utskrivningskriterium', { sysselsattningFortsatter: 'ja', boendeFortsatter: 'ja' });
  // The consent registered on the case in stage 1 is the SIP's: it starts with the preparation, not with consent.
  await doTask('ss-vaxjo', client, 'Förbered SIP och kostnadsförslag (per huvudman)', SIP_PREP);
  await doTask('psyk-remissport', client, 'Förbered SIP och kostnadsförslag (per huvudman)', SIP_PREP);
  await ss.goto(`${web.url}/uppgifter?arende=${client}`);
  expect(await ss.locator('tr', { hasText: 'Inhämta samtycke till SIP' }).count()).toBe(0);
  await doTask('ss-vaxjo', client, 'Kalla till SIP-möte', { sipMoteTid: `${day(7)}T10:00`, sipDeltagare: ['kommun', 'psykiatri', 'novus'] });
  // One answer per called party: the region's (psykiatri) by the region's group, the others by the kommun.
  await doTask('ss-vaxjo', client, 'Skicka kallelse och registrera svar', { kallelseSvar: 'kommer' });
  await doTask('ss-vaxjo', client, 'Skicka kallelse och registrera svar', { kallelseSvar: 'kommer' });
  await doTask('psyk-remissport', client, 'Skicka kallelse och registrera svar', { kallelseSvar: 'kommer' });
  await doTask('ss-vaxjo', client, 'Håll SIP-möte och upprätta plan', { antalMal: '2', mal1Omrade: 'boende', mal1Ansvarig: 'kommunen', mal2Omrade: 'psykisk-halsa', mal2Ansvarig: 'regionen', planInsatser: true, planAndraInsatser: true, planMal: true, planAnsvar: true, overgripandeAnsvar: 'kommunen', sipUppfoljningIntervall: 'P3M' });
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('ol.history').textContent())!.includes('slutförde uppgiften "Håll SIP-möte och upprätta plan"'), 'the SIP meeting in the history');
  await ss.screenshot({ path: path.join(ARTIFACTS, '05-sip-mote-hallet.png'), fullPage: true });
  // The SIP meeting is held, so the utflytt can be confirmed (before its deadline) by Novus's kontaktperson.
  await doTask('kp-novus', client, 'Bekräfta utflytt', { utflyttadDatum: day(0) });
  await untilPage(ss, `/arenden/${client}`, async () => (await ss.locator('.summary .place').textContent().catch(() => ''))!.includes('Utskriven från Stödboende Novus'), 'the client discharged from Novus');
  expect(await ss.locator('.summary .status').textContent()).toMatch(/^Utflyttad från Stödboende Novus \d{4}-\d{2}-\d{2}\. SIP/);
  await ss.screenshot({ path: path.join(ARTIFACTS, '06-utflyttad.png'), fullPage: true });
  const procs = await processesOnCase('ss-vaxjo', client);
  expect([...procs.keys()]).toEqual(expect.arrayContaining(['vk-placeringsforfragan', 'vk-under-placering', 'vk-flytt-ekeliden-novus', 'vk-infor-hemflytt', 'vk-sip']));
  // The freed place went to the first in Novus's queue: remissgruppen sees it admitted, the kontaktperson confirms.
  await onPlaces(second, 'novus', 'admitted');
  const remiss = await as('remiss-anna');
  expect(await remiss.locator('section[data-home="novus"] table.queue tbody tr', { hasText: second }).count()).toBe(0);
  await remiss.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await remiss.screenshot({ path: path.join(ARTIFACTS, '07-platser-efter-utflytt.png'), fullPage: true });
  await untilPage(ss, `/arenden/${second}`, async () => (await ss.locator('.summary .place').textContent().catch(() => ''))!.includes('Har plats på Stödboende Novus'), 'the second client with a place at Novus');
  await doTask('kp-novus', second, 'Bekräfta inskrivningsdatum', { admissionDate: day(0) });
  await untilPage(ss, `/arenden/${second}`, async () => (await ss.locator('table.processes tr[data-process="vk-under-placering"]').count()) > 0, 'under placering for the second client');
  await ss.screenshot({ path: path.join(ARTIFACTS, '08-andra-klienten-inskriven.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
}, 15 * STEP_MS);

test('5. Avsluta placering / skriv ut frees the place again: the next client in the queue is admitted', async () => {
  const third = await placementRequest('novus');
  await onPlaces(third, 'novus', 'queued');
  await caseAction('ss-vaxjo', second, 'Avsluta placering / skriv ut', async (p) => {
    await p.locator('#f-avsluta-placering-avslutDatum').fill(day(0));
    await p.locator('#f-avsluta-placering-avslutOrsak').selectOption('behandling-klar');
  });
  const ss = await as('ss-vaxjo');
  expect(await ss.locator('ol.history').textContent()).toMatch(/Sara Lind .* avslutade placeringen/);
  await untilPage(ss, `/arenden/${second}`, async () => (await ss.locator('.summary .place').textContent().catch(() => ''))!.includes('Utskriven från Stödboende Novus'), 'the second client discharged');
  expect(await ss.locator('.summary .status').textContent()).toBe('Ärendet är avslutat. Sista processen: Under placering.');
  expect((await processesOnCase('ss-vaxjo', second)).get('vk-under-placering')).toEqual(['Avslutad']);
  await ss.screenshot({ path: path.join(ARTIFACTS, '09-avslutad.png'), fullPage: true });
  await onPlaces(third, 'novus', 'admitted');
  const remiss = await as('remiss-anna');
  await remiss.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
  await remiss.screenshot({ path: path.join(ARTIFACTS, '10-platser-efter-avslut.png'), fullPage: true });
  await untilPage(ss, `/arenden/${third}`, async () => (await ss.locator('.summary .place').textContent().catch(() => ''))!.includes('Har plats på Stödboende Novus'), 'the third client with a place at Novus');
  await ss.screenshot({ path: path.join(ARTIFACTS, '11-tredje-klienten.png'), fullPage: true });
  expect(consoleErrors).toEqual([]);
}, 10 * STEP_MS);
