/**
 * Audit (issue 13.6) against the real web app and engine: every refused request for a task or case writes
 * `access.denied`; a case-reference lookup of another kommun's case answers like an unknown reference (404, no key
 * revealed) and is audited; audit rows cannot be updated, nor deleted before the retention period (5 years by
 * default); the Loggkontroll page is only for the log-review group, searches by user, case and time, draws a random
 * sample of reads and records each review's outcome (itself audited).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog, DEFAULT_RETENTION_YEARS } from '../../common/audit';
import { waitForUserTask } from '../helpers/api';
import { Agent, useEngineAndWeb } from '../web/helpers';

const t = useEngineAndWeb();
let caseKey: string;
let caseRef: string;
let taskKey: string;

beforeAll(async () => {
  const alvesta = await Agent.login(t.web.url, 'ss-alvesta');
  const started = await alvesta.post('/api/arenden', { processId: 'vk-placeringsforfragan' });
  expect(started.status).toBe(201);
  caseKey = String(started.json.processInstanceKey);
  caseRef = String(started.json.caseRef);
  taskKey = String((await waitForUserTask(t.engine.client, caseKey as never, 'Utredning')).userTaskKey);
  // A read to review later.
  expect((await alvesta.get(`/api/arenden/${caseKey}`)).status).toBe(200);
});

const denied = (actor: string) => t.web.audit.query({ action: 'access.denied', actor });

test('every refused request for another kommun\'s task or case is audited as access.denied', async () => {
  const vaxjo = await Agent.login(t.web.url, 'ss-vaxjo');
  const before = (await denied('ss-vaxjo')).length;
  const attempts: [string, string][] = [
    ['GET', `/api/uppgifter/${taskKey}`], ['GET', `/uppgifter/${taskKey}`], ['GET', `/api/uppgifter/${taskKey}/formular`],
    ['POST', `/api/uppgifter/${taskKey}/ta`], ['GET', `/api/arenden/${caseKey}`], ['GET', `/arenden/${caseKey}`],
  ];
  for (const [method, p] of attempts) expect((await vaxjo.req(method, p, method === 'POST' ? {} : undefined)).status).toBe(403);
  const rows = (await denied('ss-vaxjo')).slice(0, attempts.length);
  expect((await denied('ss-vaxjo')).length - before).toBe(attempts.length);
  expect(rows.map((r) => `${r.details?.method} ${r.details?.path}`).sort()).toEqual(attempts.map(([m, p]) => `${m} ${p}`).sort());
  // A write with a broken CSRF token, and an anonymous API read, are refused and audited too.
  expect((await vaxjo.req('POST', `/api/uppgifter/${taskKey}/ta`, {}, { csrf: false })).status).toBe(403);
  expect((await denied('ss-vaxjo'))[0].details).toEqual(expect.objectContaining({ status: 403, path: `/api/uppgifter/${taskKey}/ta` }));
  expect((await new Agent(t.web.url).get(`/api/uppgifter/${taskKey}`)).status).toBe(401);
  expect((await denied('anonym'))[0].details).toEqual(expect.objectContaining({ status: 401, reason: 'not-signed-in' }));
});

test('a case-reference lookup of another kommun\'s case answers like an unknown one (404, no key), audited', async () => {
  const vaxjo = await Agent.login(t.web.url, 'ss-vaxjo');
  for (const ref of [caseRef, 'VK-2026-999999']) {
    const res = await fetch(`${t.web.url}/arenden?ref=${ref}`, { headers: { cookie: vaxjo.cookie, accept: 'text/html' }, redirect: 'manual' });
    const text = await res.text();
    expect({ ref, status: res.status, location: res.headers.get('location') }).toEqual({ ref, status: 404, location: null });
    expect(text).toContain(`Inget ärende med nummer ${ref} som du har tillgång till`);
    expect(text).not.toContain(caseKey);
  }
  expect((await t.web.audit.query({ action: 'case.lookup.denied', actor: 'ss-vaxjo' }))[0]).toEqual(expect.objectContaining({ caseRef }));
  expect((await t.web.audit.query({ action: 'case.lookup', actor: 'ss-vaxjo' }))[0]).toEqual(expect.objectContaining({ caseRef: 'VK-2026-999999', details: { found: false } }));
  // The owner's lookup still leads to the case.
  const alvesta = await Agent.login(t.web.url, 'ss-alvesta');
  const own = await fetch(`${t.web.url}/arenden?ref=${caseRef}`, { headers: { cookie: alvesta.cookie }, redirect: 'manual' });
  expect(own.status).toBe(303);
  expect(own.headers.get('location')).toBe(`/arenden/${caseKey}`);
});

test('an inbox page that shows a case is audited as inbox.read naming the case', async () => {
  const alvesta = await Agent.login(t.web.url, 'ss-alvesta');
  expect((await alvesta.get('/api/uppgifter')).status).toBe(200);
  expect((await t.web.audit.query({ action: 'inbox.read', actor: 'ss-alvesta' }))[0].details).toEqual(expect.objectContaining({ caseRefs: expect.arrayContaining([caseRef]) }));
});

test('audit rows cannot be updated, nor deleted before the retention period; expired rows can be pruned', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-audit-')), 'audit.sqlite');
  const log = await AuditLog.open(file);
  expect(log.retentionYears).toBe(DEFAULT_RETENTION_YEARS);
  const old = await log.record({ actor: 'a', action: 'case.read', caseRef: 'VK-2020-000001', at: '2019-01-01T00:00:00.000Z' });
  const young = await log.record({ actor: 'a', action: 'case.read', caseRef: 'VK-2026-000001', at: new Date(Date.now() - 4 * 365 * 86_400_000).toISOString() });
  // Straight on the file, as any tool would: the triggers refuse.
  const db = new Database(file);
  expect(() => db.prepare('UPDATE audit SET actor = ? WHERE id = ?').run('someone-else', young.id)).toThrow(/audit rows cannot be changed/);
  expect(() => db.prepare('DELETE FROM audit WHERE id = ?').run(young.id)).toThrow(/kept for 5 years/);
  expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/kept for 5 years/);
  db.close();
  expect(await log.pruneExpired()).toBe(1);
  expect(await log.entry(old.id)).toBeUndefined();
  expect(await log.entry(young.id)).toEqual(young);
  await log.close();
});

describe('Loggkontroll', () => {
  test('only the log-review group may open it; a refusal is audited', async () => {
    const vaxjo = await Agent.login(t.web.url, 'ss-vaxjo');
    const res = await fetch(`${t.web.url}/loggkontroll`, { headers: { cookie: vaxjo.cookie, accept: 'text/html' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Loggkontroll är bara för loggranskare/);
    expect((await denied('ss-vaxjo'))[0].details).toEqual(expect.objectContaining({ reason: 'not-log-reviewer' }));
  });

  test('search by user, case and time; draw a random sample of reads; record a review outcome', async () => {
    const reviewer = await Agent.login(t.web.url, 'logg-granskare');
    const today = new Date().toISOString().slice(0, 10);
    const found = await reviewer.html(`/loggkontroll?anvandare=ss-alvesta&arende=${caseRef}&fran=${today}&till=${today}`);
    expect(found).toContain('<h1>Loggkontroll</h1>');
    expect(found).toMatch(/case\.read/);
    expect(found).toMatch(/case\.started/);
    expect(await reviewer.html('/loggkontroll?anvandare=ss-alvesta&fran=2020-01-01&till=2020-01-02')).toContain('Inga loggrader för sökningen.');
    expect(await reviewer.html('/loggkontroll?arende=inte-ett-nummer')).toContain('Ange ärendenummer som VK-2026-000123.');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(found)![1];
    const sample = await reviewer.req('POST', '/loggkontroll/stickprov', { _csrf: csrf, anvandare: 'ss-alvesta', arende: '', fran: '', till: '', antal: '5' }, { form: true, csrf: false });
    expect(sample.status).toBe(200);
    expect(sample.text).toMatch(/Stickprov: \d+ slumpvis valda läsningar/);
    const sampled = [...sample.text.matchAll(/data-audit="(\d+)"/g)].map((m) => Number(m[1]));
    expect(sampled.length).toBeGreaterThan(0);
    for (const id of sampled) expect(await t.web.audit.entry(id)).toEqual(expect.objectContaining({ action: 'case.read', actor: 'ss-alvesta' }));
    expect((await t.web.audit.query({ action: 'audit.sampled', actor: 'logg-granskare' }))[0].details).toEqual(expect.objectContaining({ auditIds: sampled }));

    const saved = await reviewer.req('POST', '/loggkontroll/granskning', { _csrf: csrf, auditId: String(sampled[0]), outcome: 'unjustified', note: 'Ingen uppgift i ärendet den dagen.' }, { form: true, csrf: false });
    expect(saved.status).toBe(303);
    expect(await t.web.audit.reviewsOf([sampled[0]])).toEqual([expect.objectContaining({ reviewer: 'logg-granskare', outcome: 'unjustified', note: 'Ingen uppgift i ärendet den dagen.' })]);
    expect((await t.web.audit.query({ action: 'audit.reviewed' }))[0].details).toEqual({ auditId: sampled[0], outcome: 'unjustified' });
    const after = await reviewer.html(saved.headers.get('location')!);
    expect(after).toContain('Obefogad – följ upp');
    const bad = await reviewer.req('POST', '/loggkontroll/granskning', { _csrf: csrf, auditId: String(sampled[0]), outcome: 'kanske' }, { form: true, csrf: false });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Välj ett utfall.');
  });
});
