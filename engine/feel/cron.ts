/**
 * Cron expressions in timer cycles, as Zeebe accepts them (Spring's six fields:
 * second minute hour day-of-month month day-of-week, e.g. `0 0 9 * * MON-FRI`). Evaluated in UTC,
 * like Zeebe on a UTC cluster. Day-of-month and day-of-week must both match (`?` or `*` = any).
 */

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** Allowed values per field, ascending. */
export interface Cron {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  daysOfWeek: number[];
}

export function looksLikeCron(text: string): boolean {
  return text.startsWith('@') || text.trim().split(/\s+/).length >= 5;
}

/** Parses a cron expression; throws Error with a readable reason. */
export function parseCron(text: string): Cron {
  const expanded = MACROS[text.trim().toLowerCase()] ?? text.trim();
  const parts = expanded.split(/\s+/);
  if (parts.length !== 6) {
    throw new Error(`a cron expression needs six fields (second minute hour day-of-month month day-of-week), e.g. '0 0 9 * * MON'; '${text}' has ${parts.length}`);
  }
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  if (sets[5]!.has(7)) sets[5]!.add(0);
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek] = sets.map((set) => [...set].sort((a, b) => a - b));
  return { seconds: seconds!, minutes: minutes!, hours: hours!, daysOfMonth: daysOfMonth!, months: months!, daysOfWeek: daysOfWeek! };
}

function parseField(text: string, field: CronField): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`'${item}' has an invalid step in the ${field.name} field`);
    let [from, to] = [field.min, field.max];
    if (range !== '*' && range !== '?') {
      const bounds = range!.split('-');
      if (bounds.length > 2) throw new Error(`'${item}' is not a valid ${field.name}`);
      from = value(bounds[0]!, field);
      to = bounds.length === 2 ? value(bounds[1]!, field) : stepText === undefined ? from : field.max;
      if (to < from) throw new Error(`'${item}' is an empty range in the ${field.name} field`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, field: CronField): number {
  const byName = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const number = byName >= 0 ? byName + (field.name === 'month' ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(number) || number < field.min || number > field.max) {
    throw new Error(`'${text}' is not a valid ${field.name} (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ''})`);
  }
  return number;
}

const DAY_MS = 86_400_000;
/** Far enough for any satisfiable expression (e.g. 29 February on a Monday recurs within 28 years). */
const SEARCH_DAYS = 366 * 30;

/** The first instant strictly after `after` matching the cron expression, or undefined if none exists. */
export function nextCronTime(cron: Cron, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  const firstDay = Math.floor(start / DAY_MS) * DAY_MS;
  for (let day = firstDay; day < firstDay + SEARCH_DAYS * DAY_MS; day += DAY_MS) {
    const date = new Date(day);
    if (!cron.months.includes(date.getUTCMonth() + 1) || !cron.daysOfMonth.includes(date.getUTCDate()) || !cron.daysOfWeek.includes(date.getUTCDay())) continue;
    const found = firstTimeOfDay(cron, day === firstDay ? start - day : 0);
    if (found !== undefined) return new Date(day + found);
  }
  return undefined;
}

/** Milliseconds into the day of the first matching time at or after `fromMs`. */
function firstTimeOfDay(cron: Cron, fromMs: number): number | undefined {
  for (const hour of cron.hours) {
    for (const minute of cron.minutes) {
      for (const second of cron.seconds) {
        const ms = ((hour * 60 + minute) * 60 + second) * 1000;
        if (ms >= fromMs) return ms;
      }
    }
  }
  return undefined;
}
