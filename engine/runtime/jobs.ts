import { nextKey } from '../store/db';
import {
  activatableJobs, endJob, getJob, insertJob, lockJob, recordJobError, recordJobFailure, releaseBackOffs, setJobDeadline, setJobRetries, timeOutDueJobs,
  type JobRow,
} from '../store/jobs';
import type { FlowNode } from '../model/types';
import * as expr from './expressions';
import { userTaskJobHeaders } from './jobUserTasks';
import type { Ctx, ElementInstanceRow } from './context';

export type { JobRow } from '../store/jobs';
export { nextJobDeadline, nextRetryAt } from '../store/jobs';
import { invalidArgument, invalidState, notFound } from './errors';
import { getElementInstance, updateData } from '../store/elementInstances';
import { createIncident } from './incidents';
import { parseData } from './model';
import { setLocalVariables, visibleVariables } from './variables';
import { throwError } from './events';
import { ElementFailure } from './errors';
import { onExecutionListenerJobCompleted } from './listeners';
import { completeTaskListenerJob, type TaskListenerResult } from './taskListeners';

/** The incident a job of each kind raises when it runs out of retries. */
const NO_RETRIES_INCIDENT = { BPMN_ELEMENT: 'JOB_NO_RETRIES', EXECUTION_LISTENER: 'EXECUTION_LISTENER_NO_RETRIES', TASK_LISTENER: 'TASK_LISTENER_NO_RETRIES' } as const;

/** Job commands: activation, completion, failure (retries, back-off, incident), BPMN error, update. */

export interface ActivatedJob {
  job: JobRow;
  variables: Record<string, unknown>;
}

export function activateJobs(
  ctx: Ctx,
  request: { type: string; worker: string; timeout: number; maxJobsToActivate: number; fetchVariable?: string[] },
): ActivatedJob[] {
  const rows = activatableJobs(ctx, request.type, ctx.now, request.maxJobsToActivate);
  if (rows.length > 0) ctx.wakeScheduler = true;
  return rows.map((job) => {
    job.deadline = ctx.now + request.timeout;
    job.worker = request.worker;
    lockJob(ctx, job.key, job.deadline, job.worker);
    const visible = visibleVariables(ctx, job.element_instance_key);
    const wanted = request.fetchVariable && request.fetchVariable.length > 0 ? new Set(request.fetchVariable) : undefined;
    // Read inside the transaction (visible values are lazy); only the wanted ones when the worker names them.
    const variables = Object.fromEntries(Object.keys(visible).filter((name) => !wanted || wanted.has(name)).map((name) => [name, visible[name]]));
    return { job, variables };
  });
}

/** Jobs whose back-off ended are activatable now: clear the back-off and announce their types once. */
export function releaseBackedOffJobs(ctx: Ctx): void {
  for (const type of releaseBackOffs(ctx, ctx.now)) ctx.jobTypesActivatable.add(type);
}

function requireJob(ctx: Ctx, key: number, action: string): JobRow {
  const job = getJob(ctx, key);
  if (!job || job.state === 'COMPLETED' || job.state === 'CANCELED' || job.state === 'ERROR_THROWN') {
    throw notFound(`Expected to ${action} job with key '${key}', but no such job was found (it may have been completed or canceled already).`);
  }
  return job;
}

function requireNoIncident(job: JobRow, action: string): void {
  if (job.incident_key !== null) {
    throw invalidState(
      `Expected to ${action} job with key '${job.key}', but it has an open incident (${job.incident_key}). Update its retries and resolve the incident first.`,
    );
  }
}

export function completeJob(ctx: Ctx, key: number, variables: Record<string, unknown>, result?: TaskListenerResult): void {
  const job = requireJob(ctx, key, 'complete');
  requireNoIncident(job, 'complete');
  if (job.kind === 'TASK_LISTENER') return completeTaskListenerJob(ctx, job, variables, result);
  endJob(ctx, key, 'COMPLETED', ctx.now);
  if (job.kind === 'EXECUTION_LISTENER') return onExecutionListenerJobCompleted(ctx, job, variables);
  const ei = getElementInstance(ctx, job.element_instance_key)!;
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: variables });
  ctx.flow.schedule(ctx, ei.key, 'leave');
}

export function failJob(ctx: Ctx, key: number, request: { retries: number; errorMessage?: string; retryBackOff: number; variables?: Record<string, unknown> }): void {
  const job = requireJob(ctx, key, 'fail');
  requireNoIncident(job, 'fail');
  const retryAt = request.retries > 0 && request.retryBackOff > 0 ? ctx.now + request.retryBackOff : null;
  recordJobFailure(ctx, key, request.retries, request.errorMessage ?? null, retryAt);
  if (request.variables) setLocalVariables(ctx, job.element_instance_key, job.process_instance_key, request.variables);
  if (request.retries <= 0) {
    const ei = getElementInstance(ctx, job.element_instance_key)!;
    const message = request.errorMessage || 'No more retries left.';
    createIncident(ctx, ei, NO_RETRIES_INCIDENT[job.kind], message, null, key);
  } else if (retryAt === null) {
    ctx.jobTypesActivatable.add(job.type);
  } else {
    ctx.wakeScheduler = true;
  }
}

export function throwJobError(ctx: Ctx, key: number, request: { errorCode: string; errorMessage?: string; variables?: Record<string, unknown> }): void {
  const job = requireJob(ctx, key, 'throw an error for');
  requireNoIncident(job, 'throw an error for');
  if (job.kind !== 'BPMN_ELEMENT') {
    // Zeebe 8.8: the element is not active while its listeners run, so there is nothing to catch the error.
    throw invalidState(`Cannot throw BPMN error from ${job.kind} job with key '${key}', type '${job.type}' and processInstanceKey '${job.process_instance_key}'`);
  }
  recordJobError(ctx, key, request.errorCode, request.errorMessage ?? null, ctx.now);
  const ei = getElementInstance(ctx, job.element_instance_key)!;
  try {
    ctx.db.transaction(() => throwError(ctx, ei, request.errorCode, request.errorMessage ?? '', request.variables ?? {}))();
  } catch (error) {
    if (!(error instanceof ElementFailure)) throw error;
    createIncident(ctx, ei, error.errorType, error.message, null, key);
  }
}

export function updateJob(ctx: Ctx, key: number, changeset: { retries?: number | null; timeout?: number | null }): void {
  const job = requireJob(ctx, key, 'update');
  if (changeset.retries === undefined && changeset.timeout === undefined) {
    throw invalidArgument('The changeset is empty: set at least one of retries or timeout.');
  }
  if (changeset.retries !== undefined && changeset.retries !== null) {
    if (changeset.retries < 1) throw invalidArgument(`Expected retries to be at least 1, but it was ${changeset.retries}.`);
    setJobRetries(ctx, key, changeset.retries);
    if (job.incident_key === null) ctx.jobTypesActivatable.add(job.type);
  }
  if (changeset.timeout !== undefined && changeset.timeout !== null) {
    if (job.deadline === null) throw invalidState(`Expected to update the timeout of job '${key}', but it is not activated.`);
    setJobDeadline(ctx, key, ctx.now + changeset.timeout);
    ctx.wakeScheduler = true;
  }
}

/** Activated jobs whose deadline passed go back to the workers. Returns the affected job types. */
export function timeOutJobs(ctx: Ctx): void {
  for (const type of timeOutDueJobs(ctx, ctx.now)) ctx.jobTypesActivatable.add(type);
}

/** Creates the job of a job-worker element (service, send, script, business-rule task, throw event with a job). */
export function createJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const job = node.job!;
  const vars = visibleVariables(ctx, ei.key);
  const type = expr.evaluateString(job.type, vars, `the job type of '${node.id}'`);
  const retriesValue = expr.evaluateValue(job.retries || '3', vars, `the job retries of '${node.id}'`);
  const retries = Number(retriesValue);
  if (!Number.isInteger(retries)) {
    throw new ElementFailure('EXTRACT_VALUE_ERROR', `Expected the job retries of '${node.id}' to be an integer, but it was ${JSON.stringify(retriesValue)}.`);
  }
  const definition = ctx.definition(ei.process_definition_key).row;
  insertJob(ctx, {
    key: nextKey(ctx.db), type, retries, customHeaders: { ...job.headers, ...userTaskJobHeaders(job, vars, node.id) }, elementInstanceKey: ei.key, elementId: node.id,
    processInstanceKey: ei.process_instance_key, processDefinitionKey: ei.process_definition_key, bpmnProcessId: ei.bpmn_process_id,
    version: definition.version, createdAt: ctx.now,
  });
  ctx.jobTypesActivatable.add(type);
}
