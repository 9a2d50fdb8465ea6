import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { storageEnvSchema, type StorageConfig } from '../common/storage/config';

/**
 * Worker configuration: environment variables (deployment-specific: SMTP, URLs, paths) plus
 * config/workers.json (domain settings: who gets mail for which group, retries); places per home in config/places.json.
 */

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  DATA_DIR: z.string().default('./data'),
  WORKERS_CONFIG: z.string().default('config/workers.json'),
  PLACES_CONFIG: z.string().default('config/places.json'),
  DEADLINES_CONFIG: z.string().default('config/deadlines.json'),
  /** The psychiatry units a vårdkedjeremiss can summon (config/psykiatri-enheter.json). */
  PSYKIATRI_ENHETER_CONFIG: z.string().default('config/psykiatri-enheter.json'),
  WEB_BASE_URL: z.url({ message: 'WEB_BASE_URL must be an absolute URL such as http://localhost:3000' }).default('http://localhost:3000'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
  /** Implicit TLS from the first byte (port 465). */
  SMTP_SECURE: bool.default(false),
  /** Refuse to send unless the server offers STARTTLS (always use it when offered). */
  SMTP_REQUIRE_STARTTLS: bool.default(false),
  /** Accept self-signed certificates (dev only). */
  SMTP_TLS_REJECT_UNAUTHORIZED: bool.default(true),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  MAIL_FROM: z.string().default('Vårdkedjan <noreply@vardkedjan.local>'),
  WORKER_NAME: z.string().default('vk-workers'),
  ...storageEnvSchema.shape,
});

const fileSchema = z.object({
  /** Candidate group → e-mail addresses (functional mailboxes, not personal data in the mail body). */
  groups: z.record(z.string(), z.array(z.email())).default({}),
  /**
   * Address for a group missing from `groups`, `{group}` replaced; null = such a group is a configuration error
   * (incident telling operations to add it).
   */
  groupAddressFallback: z.string().nullable().default(null),
  /**
   * Places per home. Normally absent: the capacity lives in config/places.json (shared with the web app's
   * "Platser och kö"); a value here overrides it (tests).
   */
  capacity: z.record(z.enum(['ekeliden', 'novus']), z.number().int().min(0)).optional(),
  /** Maximum consent validity in months (law/routine: at most 12). */
  consentMaxMonths: z.number().int().min(1).max(12).default(12),
  /** Pattern a case reference must match: pseudonymous, never a personnummer. */
  caseRefPattern: z.string().default('^VK-\\d{4}-\\d{6}$'),
  /**
   * A send interrupted by a crash mid-SMTP-transaction (accepted or not: unknown): `skip` = never a duplicate
   * (audited `notification.uncertain`, outbox status `uncertain` for an operator to check), `resend` = never lost.
   */
  onInterruptedSend: z.enum(['skip', 'resend']).default('skip'),
  /**
   * How long a send claimed by another worker replica counts as still on its way (`busy`: the job attempt fails as
   * transient) before it counts as interrupted. Longer than a whole SMTP attempt (10 s connect + 10 s greeting +
   * 20 s socket) and not longer than the job timeout (the job reaches another replica only after it).
   */
  sendInFlightMs: z.number().int().min(1000).default(60_000),
  retry: z.object({
    /** First back-off after a transient failure; doubles each retry up to maxBackoffMs. */
    backoffMs: z.number().int().min(0).default(10_000),
    maxBackoffMs: z.number().int().min(0).default(300_000),
  }).prefault({}),
  /** "Ny uppgift" mail to the candidate groups when a user task is created (workers/notify/task-created.ts). */
  taskCreatedMail: z.object({
    enabled: z.boolean().default(true),
    /** How often the user-task search is polled for new tasks. */
    pollMs: z.number().int().min(100).default(5_000),
    /** How far behind the cursor each poll looks again (a cluster makes new tasks searchable with a delay). */
    overlapMs: z.number().int().min(0).default(60_000),
  }).prefault({}),
  worker: z.object({
    jobTimeoutMs: z.number().int().min(1000).default(60_000),
    maxParallelJobs: z.number().int().min(1).default(4),
    pollTimeoutMs: z.number().int().default(10_000),
  }).prefault({}),
});

export type WorkersFileConfig = z.infer<typeof fileSchema>;

/** A unit id becomes the candidate group `psykiatri-<id>`, so it must stay a lower-case slug. */
const psychiatryUnitsSchema = z.object({
  $comment: z.string().optional(),
  drogfrihetsenhet: z.string().regex(/^[a-z][a-z0-9-]*$/),
  enheter: z.array(z.object({ id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'unit ids are lower-case slugs (they become the group psykiatri-<id>)'), namn: z.string().min(2) })).min(1),
}).refine((c) => c.enheter.some((e) => e.id === c.drogfrihetsenhet), { message: 'drogfrihetsenhet must be one of the enheter ids' })
  .refine((c) => new Set(c.enheter.map((e) => e.id)).size === c.enheter.length, { message: 'unit ids must be unique' });
export type PsychiatryUnits = z.infer<typeof psychiatryUnitsSchema>;

export function parsePsychiatryUnits(raw: unknown, source: string): PsychiatryUnits {
  const r = psychiatryUnitsSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${issues(r.error)}`);
  return r.data;
}

export interface WorkersConfig extends WorkersFileConfig {
  dataDir: string;
  /** SQLite files in dataDir, or the PostgreSQL database of DATABASE_URL shared by every replica. */
  storage: StorageConfig;
  psychiatryUnits: PsychiatryUnits;
  deadlinesFile: string;
  placesFile: string;
  webBaseUrl: string;
  workerName: string;
  smtp: {
    host: string; port: number; secure: boolean; requireTLS: boolean; rejectUnauthorized: boolean;
    auth?: { user: string; pass: string }; from: string;
  };
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseWorkersFile(raw: unknown, source: string): WorkersFileConfig {
  const r = fileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${issues(r.error)}`);
  return r.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkersFileConfig> = {}): WorkersConfig {
  const e = envSchema.safeParse(env);
  if (!e.success) throw new Error(`Worker environment is invalid: ${issues(e.error)}`);
  const v = e.data;
  let file: WorkersFileConfig;
  if (fs.existsSync(v.WORKERS_CONFIG)) {
    let raw: unknown;
    try { raw = JSON.parse(fs.readFileSync(v.WORKERS_CONFIG, 'utf8')); } catch (err) {
      throw new Error(`${v.WORKERS_CONFIG} is not valid JSON: ${(err as Error).message}`);
    }
    file = parseWorkersFile(raw, v.WORKERS_CONFIG);
  } else {
    file = parseWorkersFile({}, '(defaults)');
  }
  let units: unknown;
  try { units = JSON.parse(fs.readFileSync(v.PSYKIATRI_ENHETER_CONFIG, 'utf8')); } catch (err) {
    throw new Error(`${v.PSYKIATRI_ENHETER_CONFIG} (the psychiatry units, PSYKIATRI_ENHETER_CONFIG) cannot be read: ${(err as Error).message}`);
  }
  const psychiatryUnits = parsePsychiatryUnits(units, v.PSYKIATRI_ENHETER_CONFIG);
  if ((v.SMTP_USER === undefined) !== (v.SMTP_PASS === undefined)) {
    throw new Error('Set both SMTP_USER and SMTP_PASS, or neither.');
  }
  return {
    ...file, ...overrides,
    psychiatryUnits,
    dataDir: path.resolve(v.DATA_DIR),
    storage: { dataDir: path.resolve(v.DATA_DIR), ...(v.DATABASE_URL ? { databaseUrl: v.DATABASE_URL } : {}), poolMax: v.DATABASE_POOL_MAX },
    deadlinesFile: path.resolve(v.DEADLINES_CONFIG),
    placesFile: path.resolve(v.PLACES_CONFIG),
    webBaseUrl: v.WEB_BASE_URL.replace(/\/$/, ''),
    workerName: v.WORKER_NAME,
    smtp: {
      host: v.SMTP_HOST, port: v.SMTP_PORT, secure: v.SMTP_SECURE, requireTLS: v.SMTP_REQUIRE_STARTTLS,
      rejectUnauthorized: v.SMTP_TLS_REJECT_UNAUTHORIZED, from: v.MAIL_FROM,
      ...(v.SMTP_USER !== undefined && v.SMTP_PASS !== undefined ? { auth: { user: v.SMTP_USER, pass: v.SMTP_PASS } } : {}),
    },
  };
}

/** Addresses of a candidate group, or an actionable error. */
export function groupAddresses(cfg: Pick<WorkersFileConfig, 'groups' | 'groupAddressFallback'>, group: string): string[] {
  const list = cfg.groups[group];
  if (list && list.length > 0) return list;
  if (cfg.groupAddressFallback) return [cfg.groupAddressFallback.replace('{group}', group)];
  throw new ConfigError(`No e-mail address configured for group "${group}". Add it under "groups" in config/workers.json (or set "groupAddressFallback"), then retry the job.`);
}

/** A configuration problem a person must fix: the job fails without retries (incident). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
