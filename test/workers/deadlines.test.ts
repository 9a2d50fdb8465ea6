import path from 'node:path';
import { DateTime } from 'luxon';
import { calculateDeadline } from '../../workers/deadlines/calculate';
import { easterSunday, isWorkingDay, swedishHolidays, DEFAULT_WORKING_DAY_OPTIONS } from '../../workers/deadlines/holidays';
import { loadDeadlineConfig, parseDeadlineConfig } from '../../workers/deadlines/rules';

const config = loadDeadlineConfig(path.join(__dirname, '..', '..', 'config', 'deadlines.json'));
const NOW = DateTime.fromISO('2026-01-01T00:00:00+01:00');

function due(rule: string, base: string, override: Partial<(typeof config.rules)[string]> = {}) {
  return calculateDeadline({ base, rule: { ...config.rules[rule], ...override }, timeOfDay: config.timeOfDay, workingDays: config.workingDays, now: NOW });
}

describe('Swedish holidays', () => {
  test.each([[2024, [3, 31]], [2025, [4, 20]], [2026, [4, 5]], [2027, [3, 28]], [2038, [4, 25]]])('Easter Sunday %i', (y, md) => {
    expect(easterSunday(y)).toEqual(md);
  });

  test('2026 holidays incl. Easter-based ones, midsommarafton and alla helgons dag', () => {
    const h = Object.fromEntries(swedishHolidays(2026).map((x) => [x.name, x.date]));
    expect(h['Långfredagen']).toBe('2026-04-03');
    expect(h['Annandag påsk']).toBe('2026-04-06');
    expect(h['Kristi himmelsfärdsdag']).toBe('2026-05-14');
    expect(h['Midsommarafton']).toBe('2026-06-19');
    expect(h['Midsommardagen']).toBe('2026-06-20');
    expect(h['Alla helgons dag']).toBe('2026-10-31');
    expect(swedishHolidays(2027).find((x) => x.name === 'Midsommarafton')!.date).toBe('2027-06-25');
  });

  test('working days', () => {
    expect(isWorkingDay('2026-12-23')).toBe(true);
    expect(isWorkingDay('2026-12-24')).toBe(false);
    expect(isWorkingDay('2026-12-24', { ...DEFAULT_WORKING_DAY_OPTIONS, deFactoHolidays: false })).toBe(true);
    expect(isWorkingDay('2026-06-06')).toBe(false); // Saturday and national day
    expect(isWorkingDay('2028-06-06')).toBe(false); // Tuesday national day
    expect(isWorkingDay('2026-11-30', { ...DEFAULT_WORKING_DAY_OPTIONS, extraClosedDates: ['2026-11-30'] })).toBe(false);
  });
});

describe('deadline rules', () => {
  test('flytt: move 2026-12-24 → 14 days before is Thursday 10 December, 16:00 local', () => {
    expect(due('flytt-overlamningsmote', '2026-12-24')).toMatchObject({ due: '2026-12-10T16:00:00+01:00', reminder: '2026-12-07T16:00:00+01:00', adjusted: false });
  });

  test('a deadline on a Sunday moves to the previous Friday', () => {
    // 2027-01-10 is a Sunday; move 2027-01-24 − 14 days.
    expect(due('flytt-overlamningsmote', '2027-01-24').due).toBe('2027-01-08T16:00:00+01:00');
  });

  test('a deadline on Easter Monday moves past Easter weekend and Good Friday to Maundy Thursday', () => {
    // utflytt 2026-04-20 − 14 days = 2026-04-06 (annandag påsk).
    expect(due('hemflytt-sip-mote', '2026-04-20')).toMatchObject({ due: '2026-04-02T16:00:00+02:00', adjusted: true });
  });

  test('julafton and nyårsafton are not working days: 2027-01-07 − 14 days = 2026-12-24 → 2026-12-23', () => {
    expect(due('flytt-overlamningsmote', '2027-01-07').due).toBe('2026-12-23T16:00:00+01:00');
  });

  test('adjustment is configurable per rule (next working day, none)', () => {
    expect(due('flytt-overlamningsmote', '2027-01-07', { adjust: 'next-working-day' }).due).toBe('2026-12-28T16:00:00+01:00');
    expect(due('flytt-overlamningsmote', '2027-01-07', { adjust: 'none' }).due).toBe('2026-12-24T16:00:00+01:00');
  });

  test('a date-time base keeps its time and is expressed in Stockholm time across DST', () => {
    // decision in winter time + 6 months lands in summer time.
    expect(due('omprovning', '2026-01-15T10:30:00Z').due).toBe('2026-07-15T11:30:00+02:00');
  });

  test('consent valid 12 months, acute placement 2 weeks, cost split 2 months, LVM 6 months, ej verkställt 3 months', () => {
    expect(due('samtycke-giltighet', '2026-03-02').due).toBe('2027-03-02T16:00:00+01:00');
    expect(due('akut-placering', '2026-03-02').due).toBe('2026-03-16T16:00:00+01:00');
    expect(due('akut-placering', '2026-03-02', { offset: 'P3W' }).due).toBe('2026-03-23T16:00:00+01:00');
    // 2 May 2026 is a Saturday and 1 May a holiday: 30 April.
    expect(due('kostnadsfordelning-akut', '2026-03-02').due).toBe('2026-04-30T16:00:00+02:00');
    expect(due('lvm-max', '2026-03-02').due).toBe('2026-09-02T16:00:00+02:00');
    expect(due('ej-verkstallt', '2026-03-02').due).toBe('2026-06-02T16:00:00+02:00');
  });

  test('the reminder is never before now', () => {
    const r = calculateDeadline({ base: '2026-01-05', rule: config.rules['sip-start'], timeOfDay: '16:00', workingDays: config.workingDays, now: DateTime.fromISO('2026-01-09T12:00:00+01:00') });
    expect(r.due).toBe('2026-01-09T16:00:00+01:00');
    expect(r.reminder).toBe('2026-01-09T12:00:00+01:00');
  });

  test('invalid configuration is rejected with a message naming the field', () => {
    expect(() => parseDeadlineConfig({ rules: { x: { offset: '14 dagar', label: 'X' } } })).toThrow(/rules\.x\.offset: must be an ISO 8601 duration/);
    expect(() => calculateDeadline({ base: '24/12/2026', rule: config.rules['flytt-overlamningsmote'], timeOfDay: '16:00', workingDays: config.workingDays, now: NOW })).toThrow(/not an ISO 8601 date/);
  });
});
