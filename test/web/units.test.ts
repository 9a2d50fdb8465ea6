/**
 * Plain functions of the web app: OIDC claim → groups mapping (no real IdP can be reached here), server-side form
 * validation against the project's real forms, password hashing, HTML escaping, CSV export safety, access rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { claimsToUser } from '../../web/server/auth/claims';
import { profileToUser } from '../../web/server/auth/saml';
import type { SamlGroupRule } from '../../web/server/auth/saml-config';
import { LocalUsers, hashPassword, verifyPassword } from '../../web/server/auth/local-users';
import { managedKommuner, userKommun } from '../../web/server/auth/user';
import { dashboardCsv, type Dashboard } from '../../web/server/dashboard/indicators';
import { esc, html } from '../../web/server/html';
import { lateText } from '../../web/server/time/format';
import { canWorkOnTask } from '../../web/server/tasks/access';
import { validateAgainstForm } from '../../web/server/tasks/validate-form';
import { newCaseRef } from '../../web/server/cases/service';
import { loadConfig } from '../../web/server/config';
import { ROOT } from './helpers';

const form = (id: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', `${id}.form`), 'utf8'));

describe('OIDC claims → user', () => {
  const cfg = { groupClaim: 'groups', groupPrefix: '' };
  test('array claim, unknown groups dropped, name from claims', () => {
    const u = claimsToUser({ sub: 'abc', name: 'Sara Lind', groups: ['socialsekreterare-vaxjo', 'Domain Users', 'remissgruppen'] }, cfg);
    expect(u).toEqual({ id: 'abc', name: 'Sara Lind', groups: ['socialsekreterare-vaxjo', 'remissgruppen'] });
  });
  test('space/comma separated string, prefix stripped, leading slash (Keycloak) and case normalised', () => {
    const u = claimsToUser({ sub: 'x', preferred_username: 'chef', roles: '/VK-chef-vaxjo, vk-chef-region other' }, { groupClaim: 'roles', groupPrefix: 'vk-' });
    expect(u.groups).toEqual(['chef-vaxjo', 'chef-region']);
    expect(u.name).toBe('chef');
  });
  test('the psychiatry units of config/psykiatri-enheter.json are groups of their own (psykiatri-<id>)', () => {
    const u = claimsToUser({ sub: 'p', groups: ['psykiatri-beroende', 'psykiatri-drogfrihet', 'psykiatri-remissport', 'psykiatri-', 'psykiatri-Ö'] }, cfg);
    expect(u.groups).toEqual(['psykiatri-beroende', 'psykiatri-drogfrihet', 'psykiatri-remissport']);
  });
  test('dotted claim path (realm_access.roles)', () => {
    expect(claimsToUser({ sub: 'y', realm_access: { roles: ['kontaktperson-novus'] } }, { groupClaim: 'realm_access.roles', groupPrefix: '' }).groups).toEqual(['kontaktperson-novus']);
  });
  test('no known group or no sub → refused with a Swedish explanation', () => {
    expect(() => claimsToUser({ sub: 'z', groups: ['admins'] }, cfg)).toThrow(/saknar behörighetsgrupper/);
    expect(() => claimsToUser({ groups: ['remissgruppen'] }, cfg)).toThrow(/sub/);
  });
  test('OIDC mode needs issuer, client and redirect configured', () => {
    expect(() => loadConfig({ WEB_AUTH_MODE: 'oidc' } as NodeJS.ProcessEnv)).toThrow(/OIDC_ISSUER/);
    const c = loadConfig({ WEB_AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://idp.example/realms/vk', OIDC_CLIENT_ID: 'web', OIDC_CLIENT_SECRET: 's', OIDC_REDIRECT_URI: 'https://vk.example/auth/callback', OIDC_GROUP_CLAIM: 'roles' } as NodeJS.ProcessEnv);
    expect(c.oidc?.groupClaim).toBe('roles');
    expect(() => loadConfig({ WEB_PORT: 'x' } as NodeJS.ProcessEnv)).toThrow(/WEB_PORT/);
  });
});

describe('SAML attributes → user', () => {
  const UPPDRAG = 'http://sambi.se/attributes/1/commissionHsaId';
  const VARDGIVARE = 'http://sambi.se/attributes/1/healthCareProviderHsaId';
  const cfg = {
    idAttribute: 'http://sambi.se/attributes/1/employeeHsaId', nameAttributes: ['givenName', 'sn'], groupAttribute: 'isMemberOf', groupPrefix: 'vk-',
    rules: [
      { when: { [UPPDRAG]: 'U-1' }, groups: ['socialsekreterare-alvesta'] },
      { when: { [UPPDRAG]: 'U-2', [VARDGIVARE]: 'SE-PSYK' }, groups: ['psykiatri', 'psykiatri-beroende'] },
    ] as SamlGroupRule[],
  };
  const profile = (attributes: Record<string, unknown>) => ({ issuer: 'idp', nameID: 'transient-123', nameIDFormat: 'x', attributes });
  test('a rule needs every condition among the values (multi-valued attributes); the group attribute adds its own; name from the name attributes', () => {
    const u = profileToUser(profile({ 'http://sambi.se/attributes/1/employeeHsaId': 'SE-E1', givenName: 'Per', sn: 'Holm', [UPPDRAG]: ['U-1', 'U-2'], isMemberOf: ['VK-remissgruppen', 'vk-admin'] }), cfg);
    expect(u).toEqual({ id: 'SE-E1', name: 'Per Holm', groups: ['remissgruppen', 'socialsekreterare-alvesta'] });
    expect(profileToUser(profile({ 'http://sambi.se/attributes/1/employeeHsaId': 'SE-E1', [UPPDRAG]: 'U-2', [VARDGIVARE]: 'SE-PSYK' }), cfg).groups).toEqual(['psykiatri', 'psykiatri-beroende']);
  });
  test('without the id attribute, no user id; without an id attribute configured, the NameID; no known group → refused', () => {
    expect(() => profileToUser(profile({ [UPPDRAG]: 'U-1' }), cfg)).toThrow(/användar-id/);
    expect(profileToUser(profile({ [UPPDRAG]: 'U-1' }), { ...cfg, idAttribute: '' })).toMatchObject({ id: 'transient-123', name: 'transient-123' });
    expect(() => profileToUser(profile({ 'http://sambi.se/attributes/1/employeeHsaId': 'SE-E1', [UPPDRAG]: 'U-3', isMemberOf: 'alla' }), cfg)).toThrow(/saknar behörighetsgrupper/);
  });
});

describe('server-side form validation', () => {
  test('required fields and hidden conditionals (vk-placering-utredning)', () => {
    const s = form('vk-placering-utredning');
    expect(Object.keys(validateAgainstForm(s, {}))).toEqual(['klientIntresserad']);
    expect(validateAgainstForm(s, { klientIntresserad: 'nej' })).toEqual({}); // barn/lvmStatus hidden
    expect(Object.keys(validateAgainstForm(s, { klientIntresserad: 'ja' })).sort()).toEqual(['barn', 'lvmStatus']);
    expect(validateAgainstForm(s, { klientIntresserad: 'ja', barn: 'nej', lvmStatus: 'ingen' })).toEqual({});
  });
  test('values outside the options, wrong types, required checkbox not ticked', () => {
    const s = form('vk-uppdragsblankett');
    const errors = validateAgainstForm(s, { behovsomraden: ['boende', 'hack'], foreslagenNiva: 'annat', barn: 'ja', samtyckeRemissgrupp: false, ovrigt: 5 });
    expect(errors.behovsomraden).toMatch(/Ogiltigt val/);
    expect(errors.foreslagenNiva).toMatch(/Ogiltigt val/);
    expect(errors.samtyckeRemissgrupp).toMatch(/måste fyllas i/);
    expect(errors.ovrigt).toMatch(/text/);
  });
  test('length and pattern rules', () => {
    const s = { components: [{ type: 'textfield', key: 'kod', label: 'Kod', validate: { pattern: '[A-Z]{3}', maxLength: 3 } }] };
    expect(validateAgainstForm(s, { kod: 'ABC' })).toEqual({});
    expect(validateAgainstForm(s, { kod: 'abc' }).kod).toMatch(/fel format/);
    expect(validateAgainstForm(s, { kod: 'ABCD' }).kod).toMatch(/högst 3/);
  });
});

describe('users, access and output encoding', () => {
  test('scrypt hashes verify only the right password; the demo users file loads', async () => {
    const h = hashPassword('hemligt');
    expect(await verifyPassword('hemligt', h)).toBe(true);
    expect(await verifyPassword('fel', h)).toBe(false);
    const users = LocalUsers.fromFile(path.join(ROOT, 'config', 'users.json'), { production: false });
    expect(await users.verify('ss-vaxjo', 'vaxjo2026')).toEqual({ ok: true, user: expect.objectContaining({ groups: ['socialsekreterare-vaxjo'] }) });
    expect(await users.verify('ss-vaxjo', 'alvesta2026')).toEqual({ ok: false, reason: 'invalid' });
    expect(await users.verify('okand', 'x')).toEqual({ ok: false, reason: 'invalid' });
  });
  test('with NODE_ENV=production the demo users (published passwords) are refused, other users are not', async () => {
    const users = LocalUsers.fromFile(path.join(ROOT, 'config', 'users.json'), { production: true });
    expect(await users.verify('ss-vaxjo', 'vaxjo2026')).toEqual({ ok: false, reason: 'demo-in-production' });
    expect(users.refusedDemoUsers()).toContain('ss-vaxjo');
    const real = LocalUsers.fromEntries([{ id: 'anna', name: 'Anna', groups: ['socialsekreterare-vaxjo'], passwordHash: hashPassword('ett-riktigt-lösen') }], { production: true });
    expect(await real.verify('anna', 'ett-riktigt-lösen')).toEqual({ ok: true, user: expect.objectContaining({ id: 'anna' }) });
  });
  test('password checks run off the event loop: a timer fires while ten checks are in progress', async () => {
    const h = hashPassword('hemligt');
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const checks = Promise.all(Array.from({ length: 10 }, () => verifyPassword('fel', h)));
    await new Promise((r) => setTimeout(r, 5));
    const during = ticks;
    await checks;
    clearInterval(timer);
    expect(during).toBeGreaterThan(0);
  });
  test('kommun and manager scope from groups', () => {
    expect(userKommun({ id: 'a', name: 'a', groups: ['socialsekreterare-alvesta'] })).toBe('alvesta');
    expect(managedKommuner({ id: 'a', name: 'a', groups: ['chef-region'] })).toBe('all');
    expect(managedKommuner({ id: 'a', name: 'a', groups: ['chef-vaxjo', 'remissgruppen'] })).toEqual(['vaxjo']);
    expect(managedKommuner({ id: 'a', name: 'a', groups: ['remissgruppen'] })).toEqual([]);
  });
  test('task access: assignee, candidate user or candidate group only', () => {
    const u = { id: 'ss-vaxjo', name: 'S', groups: ['socialsekreterare-vaxjo'] };
    expect(canWorkOnTask(u, { candidateGroups: ['socialsekreterare-vaxjo'] })).toBe(true);
    expect(canWorkOnTask(u, { candidateGroups: ['socialsekreterare-alvesta'] })).toBe(false);
    expect(canWorkOnTask(u, { candidateGroups: ['remissgruppen'], assignee: 'ss-vaxjo' })).toBe(true);
    expect(canWorkOnTask(u, { candidateUsers: ['ss-vaxjo'] })).toBe(true);
  });
  test('escaping: every interpolation in html`` is encoded', () => {
    const evil = '<script>alert("x")</script>\' onmouseover=1';
    const out = html`<p title="${evil}">${evil}</p>`.html;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('"x"');
    expect(esc('a&b')).toBe('a&#38;b');
  });
  test('case references are pseudonymous VK-<year>-<6 digits>', () => {
    expect(newCaseRef(new Date('2026-03-01T00:00:00Z'))).toMatch(/^VK-2026-\d{6}$/);
  });
  test('CSV export: semicolons, quoting and no spreadsheet formulas', () => {
    const d: Dashboard = { compliance: [{ process: 'vk-sip', omrade: '=HYPERLINK("x")', total: 2, onTime: 1, share: 50 }], risk: [], queue: [], remissgruppen: [], executed: { admitted: 0, withoutDelay: 0, share: null }, escalations: { reminders: 1, breaches: 0 }, placementDeadlines: [{ deadline: 'Ompröva placeringen', open: 2, atRisk: 1, late: 1, nextDue: null }], generatedAt: '' };
    const csv = dashboardCsv(d);
    expect(csv).toContain(`"tidsfrist hållen";"'=HYPERLINK(""x"")";"vk-sip";"1";"2";"50"`);
    expect(csv).toContain('"placeringsfrist försenad";"Ompröva placeringen";"antal";"1"');
  });
});

describe('form checks with the sidecar rules, labels and dates', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { checkSubmission } = require('../../web/server/tasks/validate-form') as typeof import('../../web/server/tasks/validate-form');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FormCatalog, referencedVariables } = require('../../web/server/tasks/form-catalog') as typeof import('../../web/server/tasks/form-catalog');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { caseRefFilter } = require('../../web/server/tasks/service') as typeof import('../../web/server/tasks/service');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const labels = require('../../web/server/labels') as typeof import('../../web/server/labels');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fmtDate, fmtDateLong } = require('../../web/server/html') as typeof import('../../web/server/html');
  const catalog = FormCatalog.fromRepo();

  test('the handover meeting must be held by the deadline the form shows, and not in the past; the move time not in the past', () => {
    const s = form('vk-overlamningsmote');
    const rules = { now: new Date('2026-12-02T10:00:00Z'), dates: catalog.sidecar('vk-overlamningsmote').dates };
    const known = { overlamningDeadline: '2026-12-18T23:00:00Z' }; // 19 december in Stockholm
    const err = (data: Record<string, unknown>) => checkSubmission(s, data, known, rules).errors;
    expect(err({ overlamningsmoteDatum: '2026-12-20' }).overlamningsmoteDatum).toMatch(/senast 2026-12-19/);
    expect(err({ overlamningsmoteDatum: '2026-12-19' }).overlamningsmoteDatum).toBeUndefined();
    expect(err({ overlamningsmoteDatum: '2026-12-01' }).overlamningsmoteDatum).toMatch(/bakåt i tiden/);
    expect(err({ flyttTid: '2026-12-10T16:00:00+01:00' }).flyttTid).toBeUndefined();
    expect(err({ flyttTid: '2026-12-10 16:00' }).flyttTid).toMatch(/datum med tid/);
    expect(err({ flyttTid: '2026-11-10T16:00:00+01:00' }).flyttTid).toMatch(/bakåt i tiden/);
  });

  test('every variable a form reads (text templates, conditions) is its own field, declared context or caseRef', () => {
    for (const id of catalog.formIds()) {
      const readable = catalog.readableKeys(id, catalog.schema(id)!);
      expect({ id, missing: referencedVariables(catalog.schema(id)!).filter((k) => !readable.has(k)) }).toEqual({ id, missing: [] });
    }
  });

  test('a sidecar naming an unknown form or field stops the start', () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vk-forms-'));
    fs.copyFileSync(path.join(ROOT, 'forms', 'vk-inskrivning.form'), path.join(dir, 'vk-inskrivning.form'));
    fs.writeFileSync(path.join(dir, 'vk-inskrivning.context.json'), JSON.stringify({ context: [{ from: 'vk-inskrivning', keys: ['nosuch'] }] }));
    expect(() => new FormCatalog(dir)).toThrow(/has no field "nosuch"/);
    fs.writeFileSync(path.join(dir, 'vk-inskrivning.context.json'), JSON.stringify({ context: [{ all: true }] }));
    expect(() => new FormCatalog(dir)).toThrow(/context\.0/);
  });

  test('case reference search: any case, with or without prefix, or a part of the digits', () => {
    expect(caseRefFilter('vk-2026-000123')).toBe('"VK-2026-000123"');
    expect(caseRefFilter('2026000123')).toBe('"VK-2026-000123"');
    expect(caseRefFilter('VK2026-000123')).toBe('"VK-2026-000123"');
    expect(caseRefFilter('0123')).toEqual({ $like: '*0123*' });
    expect(caseRefFilter('  ')).toBeUndefined();
    expect(() => caseRefFilter('*')).toThrow(/VK-2026-000123/);
  });

  test('kommun and group names in words; Swedish dates', () => {
    expect(labels.groupName('socialsekreterare-vaxjo')).toBe('Socialsekreterare Växjö');
    expect(labels.groupName('kontaktperson-novus')).toBe('Kontaktpersoner Novus');
    expect(labels.kommunName('almhult')).toBe('Älmhult');
    expect(labels.kommunFromText('VÄXJÖ')).toBe('vaxjo');
    expect(labels.kommunFromText('almhult')).toBe('almhult');
    expect(labels.kommunFromText('Oslo')).toBeUndefined();
    expect(fmtDateLong('2026-12-04T15:00:00Z')).toBe('4 december 2026 kl. 16.00');
    expect(fmtDate('2026-12-04T15:00:00Z')).toBe('2026-12-04 16:00');
    expect(fmtDate('2026-12-04')).toBe('2026-12-04');
  });
});

describe('how late a task is, in words', () => {
  // 2026-12-04 15:30 in Stockholm (UTC+1).
  const now = new Date('2026-12-04T14:30:00Z');
  test('whole days when at least one, never "0 dagar"', () => {
    expect(lateText(1, '2026-12-03T10:00:00Z', now)).toBe('1 dag');
    expect(lateText(12, '2026-11-22T10:00:00Z', now)).toBe('12 dagar');
  });
  test('under a day: since when by the Stockholm clock, today or yesterday', () => {
    expect(lateText(0, '2026-12-04T13:00:00Z', now)).toBe('sedan idag kl. 14.00');
    expect(lateText(0, '2026-12-03T22:30:00Z', now)).toBe('sedan igår kl. 23.30');
    // Late by a breach step while the web clock is still before the due date.
    expect(lateText(0, '2026-12-04T15:00:00Z', now)).toBe('sedan idag');
  });
});
