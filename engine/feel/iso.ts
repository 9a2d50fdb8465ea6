import { DateTime, Duration } from 'luxon';

/**
 * ISO 8601 parsing for timers. Calendar arithmetic (P1M, P1D) is done in UTC: a timer is an absolute
 * instant, and one month after 31 January is the last day of February.
 */

const DURATION = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;

/** A non-negative ISO 8601 duration (`P14D`, `P2W`, `PT10M`, `P1DT2H`, `P1M`), or undefined if invalid. */
export function parseIsoDuration(text: string): Duration | undefined {
  if (!DURATION.test(text)) return undefined;
  const duration = Duration.fromISO(text);
  return duration.isValid ? duration : undefined;
}

export function addDuration(instant: Date, duration: Duration): Date {
  return DateTime.fromJSDate(instant, { zone: 'utc' }).plus(duration).toJSDate();
}

/**
 * An absolute instant: ISO date-time with offset or Z, optionally followed by a zone id in brackets
 * (`2026-01-01T09:00:00+01:00[Europe/Stockholm]`, Java's format), or a zone id alone with a local time.
 * A local date-time without offset or zone is refused: it does not name one instant.
 */
export function parseIsoInstant(text: string): Date | undefined {
  return parseZonedIso(text)?.toJSDate();
}

/** Same input as parseIsoInstant, keeping the offset: `2026-07-01T09:00:00[Europe/Stockholm]` → `...+02:00`. */
export function normaliseZonedIso(text: string): string | undefined {
  return parseZonedIso(text)?.toISO({ suppressMilliseconds: true }) ?? undefined;
}

function parseZonedIso(text: string): DateTime | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?(?:\[([A-Za-z_]+(?:\/[A-Za-z_+-]+)*)\])?$/.exec(text);
  if (!match) return undefined;
  const [, local, offset, zone] = match;
  if (!offset && !zone) return undefined;
  const parsed = offset
    ? DateTime.fromISO(`${local}${offset}`, { setZone: true })
    : DateTime.fromISO(local!, { zone: zone! });
  return parsed.isValid ? parsed : undefined;
}
