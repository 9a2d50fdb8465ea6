import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { CamundaClient } from '../../../common/camunda';
import { PROJECT_ROOT } from '../../../common/paths';
import { userKommun, type SessionUser } from '../auth/user';
import { NOW, statusOf } from '../camunda-util';
import { UserError } from '../errors';
import type { FormSchema } from '../tasks/form-catalog';

/**
 * "Starta ärende" (/arenden/ny): which processes staff may start, from configuration (config/start.json,
 * WEB_START_FILE) joined with what is deployed (the latest version of each, read with searchProcessDefinitions).
 * A configured process that is not deployed is not offered. A deployed version with a start form
 * (`zeebe:formDefinition` on its none start event, `hasStartForm`) is started through that form.
 */
const StartEntry = z.strictObject({
  processId: z.string().regex(/^[A-Za-z_][\w.-]{0,99}$/),
  /** The button text (Swedish). */
  label: z.string().min(1).max(120),
  /**
   * Who may start it: the group role the user must hold in their own kommun (`socialsekreterare` = member of
   * `socialsekreterare-<kommun>`). The new case gets that kommun and a new pseudonymous caseRef.
   */
  role: z.string().regex(/^[a-z]+$/),
});
const StartFile = z.strictObject({ $comment: z.string().optional(), processes: z.array(StartEntry).min(1) });
export type StartEntry = z.infer<typeof StartEntry>;

const DEFAULT_START_FILE = path.join(PROJECT_ROOT, 'config', 'start.json');

/** The startable processes of a config file; a bad file stops the web app at start. */
export function loadStartConfig(file = DEFAULT_START_FILE): StartEntry[] {
  const parsed = StartFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = parsed.data.processes.map((p) => p.processId);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`${file}: the process "${twice}" is listed twice`);
  return parsed.data.processes;
}

/** A process the user may start now: configured, allowed for them, deployed. */
export interface StartOption extends StartEntry {
  processDefinitionKey: string;
  version: number;
  hasStartForm: boolean;
}

/** The configured processes the user's groups allow (in the user's own kommun). */
export function allowedEntries(entries: readonly StartEntry[], user: SessionUser): StartEntry[] {
  const kommun = userKommun(user);
  return kommun ? entries.filter((e) => user.groups.includes(`${e.role}-${kommun}`)) : [];
}

/** The latest deployed version of each of the given process ids (one search, official client). */
export async function latestDeployed(client: CamundaClient, processIds: string[]): Promise<Map<string, { key: string; version: number; hasStartForm: boolean }>> {
  const out = new Map<string, { key: string; version: number; hasStartForm: boolean }>();
  if (processIds.length === 0) return out;
  const res = await client.searchProcessDefinitions({
    filter: { processDefinitionId: { $in: processIds }, isLatestVersion: true } as never,
    page: { limit: Math.max(processIds.length * 2, 10) } as never,
  } as never, NOW);
  for (const d of res.items ?? []) {
    const id = String(d.processDefinitionId);
    const prev = out.get(id);
    if (!prev || Number(d.version) > prev.version) out.set(id, { key: String(d.processDefinitionKey), version: Number(d.version), hasStartForm: d.hasStartForm === true });
  }
  return out;
}

/** The start form of a deployed version (getStartProcessForm), or null when it has none. */
export async function startFormOf(client: CamundaClient, processDefinitionKey: string): Promise<FormSchema | null> {
  let form;
  try {
    form = await client.getStartProcessForm({ processDefinitionKey: processDefinitionKey as never }, NOW as never);
  } catch (err) {
    if (statusOf(err) === 404) throw new UserError(503, 'Startformuläret för processen är inte driftsatt. Kontakta processägaren.');
    throw err;
  }
  let s: unknown = (form as { schema?: unknown } | undefined)?.schema;
  if (typeof s === 'string') s = JSON.parse(s);
  return s && typeof s === 'object' ? (s as FormSchema) : null;
}

/**
 * The values a start form sent: the browser posts form-js's data as one JSON field (`data`), the JSON API as an
 * object. Anything else is no values at all.
 */
export const StartValues = z.unknown().transform((v, ctx): Record<string, unknown> | undefined => {
  if (v === undefined) return undefined;
  let values: unknown = v;
  if (typeof v === 'string') {
    try { values = JSON.parse(v); } catch { values = undefined; }
  }
  if (values && typeof values === 'object' && !Array.isArray(values)) return values as Record<string, unknown>;
  ctx.addIssue({ code: 'custom', message: 'Formulärets värden kunde inte läsas. Ladda om sidan och fyll i formuläret igen.' });
  return z.NEVER;
}).optional();
