/**
 * Swedish non-working days, computed (no table to keep up to date): public holidays ("helgdagar", Lag 1989:253)
 * incl. the Easter-based ones, plus the de-facto holidays midsommarafton, julafton and nyårsafton on which
 * municipal and regional offices are closed.
 */

/** Easter Sunday (Gregorian), anonymous algorithm (Meeus/Jones/Butcher). Returns [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

export interface Holiday {
  /** `YYYY-MM-DD` */
  date: string;
  name: string;
  /** true for midsommarafton, julafton, nyårsafton (not public holidays by law, but offices are closed). */
  deFacto: boolean;
}

function iso(y: number, m: number, d: number): string {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.toISOString().slice(0, 10);
}

function shift(y: number, m: number, d: number, days: number): string {
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return dt.toISOString().slice(0, 10);
}

/** The first date from `fromDay` of month `m` that is weekday `weekday` (0 = Sunday … 6 = Saturday). */
function firstWeekdayFrom(y: number, m: number, fromDay: number, weekday: number): string {
  for (let d = fromDay; d < fromDay + 7; d++) {
    if (new Date(Date.UTC(y, m - 1, d)).getUTCDay() === weekday) return iso(y, m, d);
  }
  throw new Error('unreachable');
}

export function swedishHolidays(year: number): Holiday[] {
  const [em, ed] = easterSunday(year);
  const list: Holiday[] = [
    { date: iso(year, 1, 1), name: 'Nyårsdagen', deFacto: false },
    { date: iso(year, 1, 6), name: 'Trettondedag jul', deFacto: false },
    { date: shift(year, em, ed, -2), name: 'Långfredagen', deFacto: false },
    { date: shift(year, em, ed, -1), name: 'Påskafton', deFacto: true },
    { date: iso(year, em, ed), name: 'Påskdagen', deFacto: false },
    { date: shift(year, em, ed, 1), name: 'Annandag påsk', deFacto: false },
    { date: iso(year, 5, 1), name: 'Första maj', deFacto: false },
    { date: shift(year, em, ed, 39), name: 'Kristi himmelsfärdsdag', deFacto: false },
    { date: shift(year, em, ed, 49), name: 'Pingstdagen', deFacto: false },
    { date: iso(year, 6, 6), name: 'Sveriges nationaldag', deFacto: false },
    { date: firstWeekdayFrom(year, 6, 19, 5), name: 'Midsommarafton', deFacto: true },
    { date: firstWeekdayFrom(year, 6, 20, 6), name: 'Midsommardagen', deFacto: false },
    // Alla helgons dag: the Saturday between 31 October and 6 November.
    { date: firstWeekdayFrom(year, 10, 31, 6), name: 'Alla helgons dag', deFacto: false },
    { date: iso(year, 12, 24), name: 'Julafton', deFacto: true },
    { date: iso(year, 12, 25), name: 'Juldagen', deFacto: false },
    { date: iso(year, 12, 26), name: 'Annandag jul', deFacto: false },
    { date: iso(year, 12, 31), name: 'Nyårsafton', deFacto: true },
  ];
  return list.sort((a, b) => a.date.localeCompare(b.date));
}

export interface WorkingDayOptions {
  /** Treat public holidays as non-working (default true). */
  publicHolidays: boolean;
  /** Treat midsommarafton, julafton, nyårsafton (and påskafton) as non-working (default true). */
  deFactoHolidays: boolean;
  /** Extra closed dates (`YYYY-MM-DD`), e.g. a local klämdag. */
  extraClosedDates: string[];
}

export const DEFAULT_WORKING_DAY_OPTIONS: WorkingDayOptions = { publicHolidays: true, deFactoHolidays: true, extraClosedDates: [] };

const cache = new Map<number, Holiday[]>();

/** Is the calendar date `YYYY-MM-DD` a Swedish working day (Monday–Friday, not a holiday per `opts`)? */
export function isWorkingDay(date: string, opts: WorkingDayOptions = DEFAULT_WORKING_DAY_OPTIONS): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (opts.extraClosedDates.includes(date)) return false;
  let holidays = cache.get(y);
  if (!holidays) { holidays = swedishHolidays(y); cache.set(y, holidays); }
  const h = holidays.find((x) => x.date === date);
  if (!h) return true;
  return h.deFacto ? !opts.deFactoHolidays : !opts.publicHolidays;
}
