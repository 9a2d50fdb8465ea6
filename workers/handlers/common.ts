import { z } from 'zod';
import type { Deps } from '../deps';

/** `caseRef` must be pseudonymous (configured pattern), so no personnummer can travel into a mail or the audit. */
export function caseRefSchema(deps: Deps) {
  const re = new RegExp(deps.config.caseRefPattern);
  return z.string().regex(re, `caseRef must be a pseudonymous case reference matching ${deps.config.caseRefPattern} (e.g. VK-2026-000123), never a personnummer or name`);
}

/** Replaces `{kommun}` in a group name from the header. */
export function resolveGroup(group: string, kommun: string | undefined): string {
  if (!group.includes('{kommun}')) return group;
  if (!kommun) throw new Error(`Group "${group}" needs the process variable kommun`);
  return group.replaceAll('{kommun}', kommun);
}

export function taskLink(deps: Deps, caseRef: string): string {
  return `${deps.config.webBaseUrl}/uppgifter?arende=${encodeURIComponent(caseRef)}`;
}

export const isoDateOrDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'must be an ISO 8601 date (2026-12-01) or date-time (2026-12-01T09:00:00+01:00)');
