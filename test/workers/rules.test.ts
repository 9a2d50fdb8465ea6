/** Unit tests: consent rules, queue priority/order, templates (no personal data), error mapping, group placeholders. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { AuditLog } from '../../common/audit';
import { evaluateConsent, type ConsentRecord } from '../../common/consent';
import { openWorkersStore } from '../helpers/stores';
import { backoffFor, BpmnError, defineHandler, runJob, type JobInfo } from '../../workers/framework';
import { resolveGroup } from '../../workers/handlers/common';
import { classifySmtpError, PermanentError, TransientError } from '../../workers/mail/sender';
import { assertNoPersonalData, render } from '../../workers/mail/templates';
import { PlacementQueue, NoPlaceError } from '../../workers/queue/queue';
import { z } from 'zod';

const NOW = DateTime.fromISO('2026-11-22T10:00:00+01:00');
const consent = (c: Partial<ConsentRecord> = {}): ConsentRecord => ({
  id: 'SAM-1', caseRef: 'VK-2026-000001', form: 'muntligt', givenAt: '2026-01-10', validUntil: '2027-01-10T23:59:00+01:00',
  parties: ['novus', 'psykiatri'], information: ['sip-plan', 'uppdragsblankett'], guardiansConsented: null, withdrawnAt: null, recordedAt: '2026-01-10T10:00:00Z', ...c,
});

describe('consent rules', () => {
  test('covered: party and every information item, case-insensitive', () => {
    expect(evaluateConsent([consent()], 'Novus', ['SIP-plan'], NOW)).toMatchObject({ ok: true });
  });
  test.each([
    [[], 'novus', ['sip-plan'], 'missing'],
    [[consent({ withdrawnAt: '2026-11-01T10:00:00+01:00' })], 'novus', ['sip-plan'], 'withdrawn'],
    [[consent({ validUntil: '2026-11-21T23:59:00+01:00' })], 'novus', ['sip-plan'], 'expired'],
    [[consent()], 'ekeliden', ['sip-plan'], 'party'],
    [[consent()], 'novus', ['sip-plan', 'journal'], 'information'],
  ] as const)('refused (%#): %s', (list, party, info, reason) => {
    const r = evaluateConsent([...list], party, [...info], NOW);
    expect(r).toMatchObject({ ok: false, reason });
    if (!r.ok) expect(r.message).toMatch(/[åäö]|samtycke/i); // Swedish, for the person handling the case
  });
  test('a newer valid consent wins over an older withdrawn one', () => {
    expect(evaluateConsent([consent({ id: 'SAM-2' }), consent({ withdrawnAt: '2026-05-01' })], 'novus', ['sip-plan'], NOW)).toMatchObject({ ok: true, consent: { id: 'SAM-2' } });
  });
});

describe('remissgruppen queue', () => {
  test('order within a class by decision date; capacity; admission; no place → error', async () => {
    const db = await openWorkersStore({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vk-q-')) });
    const q = new PlacementQueue(db, { novus: 1 });
    const add = (caseRef: string, priority: 'a' | 'b' | 'c' | 'd', decisionDate: string) => q.enqueue({ caseRef, kommun: 'vaxjo', home: 'novus', priority, decisionDate, now: '2026-11-22T10:00:00Z' });
    await add('VK-2026-000010', 'd', '2026-01-01');
    await add('VK-2026-000011', 'c', '2026-06-01');
    await add('VK-2026-000012', 'c', '2026-03-01');
    expect((await q.list('novus')).map((e) => e.caseRef)).toEqual(['VK-2026-000012', 'VK-2026-000011', 'VK-2026-000010']);
    expect(await q.placeAvailable('novus', 'VK-2026-000012')).toBe(true);
    expect(await q.placeAvailable('novus', 'VK-2026-000011')).toBe(false);
    await q.admit('novus', 'VK-2026-000012', '2026-11-22T11:00:00Z');
    expect(await q.admit('novus', 'VK-2026-000012', 'later')).toBe('2026-11-22T11:00:00Z'); // idempotent
    await expect(q.admit('novus', 'VK-2026-000011', 'x')).rejects.toThrow(NoPlaceError);
    expect(await q.remove('novus', 'VK-2026-000010', 'x')).toBe(true);
    expect((await q.discharge('novus', 'VK-2026-000012', 'x'))?.caseRef).toBe('VK-2026-000011');
    expect(await q.status('novus')).toMatchObject({ capacity: 1, admitted: 0, free: 1 });
    await db.close();
  });
});

describe('e-mail templates', () => {
  const input = { caseRef: 'VK-2026-000123', taskLabel: 'Överlämningsmöte före flytt', link: 'http://localhost:3000/uppgifter?arende=VK-2026-000123', dueDate: '2026-12-10T16:00:00+01:00', responsibleGroup: 'socialsekreterare-vaxjo', step: 2 };
  test.each(['ny-uppgift', 'paminnelse', 'eskalering'] as const)('%s: Swedish, case reference, link, due date only', (t) => {
    const m = render(t, input);
    expect(m.text).toContain('VK-2026-000123');
    expect(m.text).toContain(input.link);
    expect(m.text).toContain('torsdag 10 december 2026 kl. 16:00');
    expect(m.text).toContain('inga person- eller hälsouppgifter');
  });
  test.each(['19121212-1212', '121212-1212', '191212121212', '121212+1212'])('refuses anything shaped like a personnummer (%s)', (pnr) => {
    expect(() => render('ny-uppgift', { ...input, caseRef: pnr })).toThrow(/personnummer/);
    expect(() => assertNoPersonalData(`Ärende ${pnr}`)).toThrow();
  });
  test('case references and dates are not mistaken for personnummer', () => {
    expect(() => assertNoPersonalData('VK-2026-000123 2026-12-10T16:00:00+01:00 kl. 16:00')).not.toThrow();
  });
});

describe('SMTP error classification', () => {
  test('4xx and network errors are transient, 5xx and auth are permanent', () => {
    expect(classifySmtpError({ responseCode: 451, message: 'x' }, 'h:1')).toBeInstanceOf(TransientError);
    expect(classifySmtpError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'h:1')).toBeInstanceOf(TransientError);
    expect(classifySmtpError({ responseCode: 550, message: 'x' }, 'h:1')).toBeInstanceOf(PermanentError);
    const auth = classifySmtpError({ responseCode: 535, code: 'EAUTH', message: 'bad' }, 'h:1');
    expect(auth).toBeInstanceOf(PermanentError);
    expect(auth.message).toMatch(/SMTP_USER\/SMTP_PASS/);
  });
});

describe('job framework error mapping', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-fw-'));
  let audit: AuditLog;
  beforeAll(async () => { audit = await AuditLog.open(path.join(dir, 'audit.sqlite')); });
  afterAll(() => audit.close());
  const job: JobInfo = { jobKey: '1', type: 'vk.t', processInstanceKey: '2', processDefinitionId: 'p', elementId: 'e', elementInstanceKey: '3', retries: 3 };
  const deps = { get audit() { return audit; }, actor: 'worker:t', retry: { backoffMs: 1000, maxBackoffMs: 5000 } };
  const h = (fn: () => Promise<Record<string, unknown>>) => defineHandler({ type: 'vk.t', headers: z.object({ rule: z.string() }), variables: z.object({ caseRef: z.string() }), handle: fn });
  const raw = { variables: { caseRef: 'VK-2026-000001' }, customHeaders: { rule: 'x' } };

  test('complete, BPMN error, transient (retries − 1, back-off), invalid input and unexpected errors (incident)', async () => {
    expect(await runJob(h(async () => ({ a: 1 })), raw, job, deps)).toEqual({ kind: 'complete', variables: { a: 1 } });
    expect(await runJob(h(async () => { throw new BpmnError('CONSENT_MISSING', 'Saknas'); }), raw, job, deps)).toMatchObject({ kind: 'error', errorCode: 'CONSENT_MISSING' });
    expect(await runJob(h(async () => { throw new TransientError('busy'); }), raw, job, deps)).toMatchObject({ kind: 'fail', retries: 2, retryBackOff: 1000 });
    expect(await runJob(h(async () => { throw new TransientError('busy'); }), raw, { ...job, retries: 1 }, deps)).toMatchObject({ kind: 'fail', retries: 0, errorMessage: expect.stringMatching(/No retries left/) });
    const bad = await runJob(h(async () => ({})), { variables: {}, customHeaders: {} }, job, deps);
    expect(bad).toMatchObject({ kind: 'fail', retries: 0 });
    expect(bad.kind === 'fail' && bad.errorMessage).toMatch(/header rule: .*resolve the incident/);
    expect(await runJob(h(async () => { throw new Error('boom'); }), raw, job, deps)).toMatchObject({ kind: 'fail', retries: 0, errorMessage: expect.stringMatching(/boom.*job key \(1\)/) });
    expect((await audit.query({ caseRef: 'VK-2026-000001' })).map((e) => e.action).reverse()).toEqual(['job.completed', 'job.bpmn-error', 'job.failed', 'job.incident', 'job.incident']);
  });
  test('back-off doubles and is capped', () => {
    expect([3, 2, 1, 0].map((r) => backoffFor(r, { backoffMs: 1000, maxBackoffMs: 5000 }))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe('group placeholders', () => {
  test('every {variable} is replaced by a slug; missing or non-slug values fail', () => {
    expect(resolveGroup('kontaktperson-{fromHome}', { fromHome: 'novus' })).toBe('kontaktperson-novus');
    expect(resolveGroup('chef-{kommun}', { kommun: 'vaxjo' })).toBe('chef-vaxjo');
    expect(() => resolveGroup('chef-{kommun}', {})).toThrow(/"kommun".*missing/);
    expect(() => resolveGroup('chef-{kommun}', { kommun: 'Anna Svensson' })).toThrow(/slug/);
  });
});

describe('dates from FEEL and forms', () => {
  test('zone-id suffixes are normalised, garbage is refused, unreadable consent dates fail closed', () => {
    const { normaliseDateTime } = jest.requireActual('../../workers/handlers/common') as typeof import('../../workers/handlers/common');
    expect(normaliseDateTime('2026-11-22T19:29:00.123@Europe/Stockholm', 'w')).toBe('2026-11-22T19:29:00.123+01:00');
    expect(normaliseDateTime('2026-11-22T19:29:00+01:00[Europe/Stockholm]', 'w')).toBe('2026-11-22T19:29:00+01:00');
    expect(normaliseDateTime('2026-11-22', 'w')).toBe('2026-11-22');
    expect(() => normaliseDateTime('igår', 'withdrawnAt')).toThrow(/withdrawnAt/);
    expect(evaluateConsent([consent({ withdrawnAt: 'garbage' })], 'novus', ['sip-plan'], NOW)).toMatchObject({ ok: false, reason: 'withdrawn' });
  });
});
