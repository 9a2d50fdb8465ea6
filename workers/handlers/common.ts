import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Deps } from '../deps';
import { JobInputError } from '../framework';

/** `caseRef` must be pseudonymous (configured pattern), so no personnummer can travel into a mail or the audit. */
export function caseRefSchema(deps: Deps) {
  const re = new RegExp(deps.config.caseRefPattern);
  return z.string().regex(re, `caseRef must be a pseudonymous case reference matching ${deps.config.caseRefPattern} (e.g. VK-2026-000123), never a personnummer or name`);
}

/**
 * Replaces every `{name}` in a group header by the string value of job variable `name` (JOB_TYPES.md:
 * `socialsekreterare-{kommun}`, `kontaktperson-{fromHome}`). Group names must stay slugs, so a value that is not a
 * slug is refused: a free-text variable must never end up in an address or a mail.
 */
export function resolveGroup(group: string, variables: Record<string, unknown>): string {
  return group.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = variables[name];
    if (typeof v !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(v)) {
      throw new JobInputError(`Group "${group}" needs the process variable "${name}" as a lower-case slug (e.g. vaxjo, novus); it is ${v === undefined ? 'missing' : JSON.stringify(v)}. Set it, then resolve the incident.`);
    }
    return v;
  });
}

export const isoDateOrDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'must be an ISO 8601 date (2026-12-01) or date-time (2026-12-01T09:00:00+01:00)');

/**
 * Parses an ISO date or date-time as FEEL and forms produce it: `2026-12-01`, `2026-12-01T09:00:00+01:00`, also with
 * a zone id suffix (`…@Europe/Stockholm`, `…[Europe/Stockholm]`). Returns a normalised ISO string, or throws.
 */
export function normaliseDateTime(value: string, variable: string): string {
  const m = /^(.*?)(?:@([A-Za-z_/+-]+)|\[([A-Za-z_/+-]+)\])$/.exec(value);
  const text = m ? m[1] : value;
  const zone = m ? (m[2] ?? m[3]) : undefined;
  const dt = DateTime.fromISO(text, zone ? { zone } : { setZone: true });
  if (!dt.isValid) throw new JobInputError(`Variable "${variable}" is "${value}", not an ISO 8601 date or date-time (e.g. 2026-12-01T09:00:00+01:00). Correct it, then resolve the incident.`);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : dt.toISO({ suppressMilliseconds: true })!;
}
