import { z } from 'zod';
import type { AuditLog } from '../common/audit';
import { ConfigError } from './config';
import { PermanentError, TransientError } from './mail/sender';

/**
 * The small framework every handler runs in: validates variables and headers with zod, runs the plain handler
 * function, audits the outcome and maps errors to what Zeebe should do:
 *   - BpmnError          → throw a BPMN error the diagram catches
 *   - TransientError     → fail with retries − 1 and an exponential back-off
 *   - invalid input, ConfigError, PermanentError, anything else → fail with retries 0 (incident) and a message a
 *     person can act on.
 */

export interface JobInfo {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  elementInstanceKey: string;
  retries: number;
  /**
   * The engine's clock when it handed out the job (its lock deadline minus the timeout we asked for): the process's
   * time, which a pinned engine clock moves and the worker host's clock does not.
   */
  engineTime?: string;
}

export class BpmnError extends Error {
  override name = 'BpmnError';
  constructor(readonly code: string, message: string, readonly variables: Record<string, unknown> = {}) { super(message); }
}

/** Input the job itself got wrong (missing/invalid variable or header): a person must fix the data or the diagram. */
export class JobInputError extends Error { override name = 'JobInputError'; }

export interface HandlerInput<V, H> { variables: V; headers: H; job: JobInfo }

export interface Handler<V = unknown, H = unknown> {
  type: string;
  /** Validates the job variables (zod; unknown variables are ignored). */
  variables: z.ZodType<V>;
  /** Validates the task headers (static strings from the diagram). */
  headers: z.ZodType<H>;
  handle(input: HandlerInput<V, H>): Promise<Record<string, unknown>>;
}

export function defineHandler<V, H>(h: Handler<V, H>): Handler<V, H> {
  return h;
}

export type Outcome =
  | { kind: 'complete'; variables: Record<string, unknown> }
  | { kind: 'fail'; retries: number; errorMessage: string; retryBackOff: number }
  | { kind: 'error'; errorCode: string; errorMessage: string; variables: Record<string, unknown> };

export interface RetryPolicy { backoffMs: number; maxBackoffMs: number }

export interface RunDeps { audit: AuditLog; actor: string; retry: RetryPolicy }

function describe(e: z.ZodError, what: string, type: string): string {
  const parts = e.issues.map((i) => `${what} ${i.path.join('.') || '(all)'}: ${i.message}`);
  return `Job ${type} cannot run: ${parts.join('; ')}. Correct the ${what === 'header' ? 'task header in the diagram and redeploy' : 'process variable (e.g. via "Modify" in Operate or the form)'}, then resolve the incident.`;
}

/** Back-off doubles per failed attempt; Zeebe's default is 3 retries, so attempt = 3 − retries left. */
export function backoffFor(retriesLeft: number, p: RetryPolicy): number {
  const attempt = Math.max(0, 3 - retriesLeft);
  return Math.min(p.maxBackoffMs, p.backoffMs * 2 ** attempt);
}

export async function runJob<V, H>(h: Handler<V, H>, raw: { variables: unknown; customHeaders: unknown }, job: JobInfo, deps: RunDeps): Promise<Outcome> {
  const base = { type: job.type, jobKey: job.jobKey, processInstanceKey: job.processInstanceKey, elementId: job.elementId, processDefinitionId: job.processDefinitionId };
  const rawVars = (raw.variables ?? {}) as Record<string, unknown>;
  const caseRef = typeof rawVars.caseRef === 'string' ? rawVars.caseRef : undefined;
  const audit = async (action: string, details: Record<string, unknown>) => deps.audit.record({ actor: deps.actor, action, ...(caseRef ? { caseRef } : {}), details: { ...base, ...details } });

  let outcome: Outcome;
  try {
    const headers = h.headers.safeParse(raw.customHeaders ?? {});
    if (!headers.success) throw new JobInputError(describe(headers.error, 'header', job.type));
    const variables = h.variables.safeParse(rawVars);
    if (!variables.success) throw new JobInputError(describe(variables.error, 'variable', job.type));
    const out = await h.handle({ variables: variables.data, headers: headers.data, job });
    outcome = { kind: 'complete', variables: out };
    await audit('job.completed', { outputs: Object.keys(out) });
  } catch (err) {
    if (err instanceof BpmnError) {
      outcome = { kind: 'error', errorCode: err.code, errorMessage: err.message, variables: err.variables };
      await audit('job.bpmn-error', { errorCode: err.code, errorMessage: err.message });
    } else if (err instanceof TransientError) {
      const retries = Math.max(0, job.retries - 1);
      outcome = { kind: 'fail', retries, errorMessage: retries > 0 ? err.message : `${err.message} No retries left: check the mail server / dependency, then increase retries and resolve the incident.`, retryBackOff: backoffFor(job.retries, deps.retry) };
      await audit(retries > 0 ? 'job.failed' : 'job.incident', { errorMessage: outcome.errorMessage, retries, retryBackOff: outcome.retryBackOff, transient: true });
    } else {
      const known = err instanceof JobInputError || err instanceof ConfigError || err instanceof PermanentError;
      const message = known ? (err as Error).message : `Unexpected error in worker for ${job.type}: ${(err as Error)?.message ?? String(err)}. Report to the developers with this job key (${job.jobKey}).`;
      outcome = { kind: 'fail', retries: 0, errorMessage: message, retryBackOff: 0 };
      await audit('job.incident', { errorMessage: message, retries: 0, transient: false });
    }
  }
  return outcome;
}

/** A string header holding a comma-separated list. */
export const csv = z.string().min(1).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
