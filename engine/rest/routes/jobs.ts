import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { activateJobsLongPolling } from '../../runtime/activation';
import { completeJob, failJob, throwJobError, updateJob } from '../../runtime/jobs';
import { runSearch, type SearchDefinition } from '../search';
import { TENANT, activatedJobView, jobView } from '../views';
import type { JobRow } from '../../runtime/jobs';
import { iso, millis, parseInput, parseKey, variablesObject } from '../validation';

/** Zeebe's default long-polling timeout when the request does not set one. */
const DEFAULT_REQUEST_TIMEOUT = 10_000;

const activationSchema = z.strictObject({
  type: z.string().min(1, 'the job type must not be empty'),
  worker: z.string().optional(),
  timeout: millis,
  maxJobsToActivate: z.number().int().min(1, 'maxJobsToActivate must be at least 1'),
  fetchVariable: z.array(z.string()).optional(),
  requestTimeout: z.union([z.number().int(), z.string().regex(/^-?[0-9]+$/).transform(Number)]).optional(),
  tenantIds: z.array(z.literal(TENANT)).optional(),
});
/** `result` of a task listener job (JobResultUserTask); corrections of other attributes are ignored, as Camunda documents. */
const correctionsSchema = z.object({
  assignee: z.string().nullable().optional(),
  dueDate: z.union([iso, z.literal('')]).nullable().optional(),
  followUpDate: z.union([iso, z.literal('')]).nullable().optional(),
  candidateUsers: z.array(z.string()).nullable().optional(),
  candidateGroups: z.array(z.string()).nullable().optional(),
  priority: z.number().int().min(0, 'priority must be 0 to 100').max(100, 'priority must be 0 to 100').nullable().optional(),
});
const resultSchema = z.object({
  type: z.string().optional(),
  denied: z.boolean().nullable().optional(),
  deniedReason: z.string().nullable().optional(),
  corrections: correctionsSchema.nullable().optional(),
});
const completionSchema = z.strictObject({ variables: variablesObject.nullable().optional(), result: resultSchema.nullable().optional() });
const failSchema = z.strictObject({
  retries: z.number().int().optional(),
  errorMessage: z.string().optional(),
  retryBackOff: millis.optional(),
  variables: variablesObject.optional(),
});
const errorSchema = z.strictObject({
  errorCode: z.string().min(1, 'the error code must not be empty'),
  errorMessage: z.string().nullable().optional(),
  variables: variablesObject.nullable().optional(),
});
const updateSchema = z.strictObject({
  changeset: z.strictObject({ retries: z.number().int().nullable().optional(), timeout: millis.nullable().optional() }),
  operationReference: z.union([z.number(), z.string()]).optional(),
});

const JOB_STATES = ['CANCELED', 'COMPLETED', 'CREATED', 'ERROR_THROWN', 'FAILED', 'MIGRATED', 'RETRIES_UPDATED', 'TIMED_OUT'] as const;

const jobSearch: SearchDefinition<JobRow, ReturnType<typeof jobView>> = {
  from: 'jobs j',
  fields: {
    jobKey: { column: 'j.key', kind: 'key' },
    type: { column: 'j.type', kind: 'string' },
    state: { column: 'j.state', kind: 'string', values: JOB_STATES },
    kind: { column: 'j.kind', kind: 'string', values: ['BPMN_ELEMENT', 'EXECUTION_LISTENER', 'TASK_LISTENER', 'AD_HOC_SUB_PROCESS'] },
    listenerEventType: {
      column: 'j.listener_event_type', kind: 'string', values: ['ASSIGNING', 'CANCELING', 'COMPLETING', 'CREATING', 'END', 'START', 'UNSPECIFIED', 'UPDATING'],
    },
    retries: { column: 'j.retries', kind: 'int' },
    worker: { column: 'j.worker', kind: 'string' },
    deadline: { column: 'j.deadline', kind: 'date' },
    endTime: { column: 'j.end_time', kind: 'date' },
    errorCode: { column: 'j.error_code', kind: 'string' },
    errorMessage: { column: 'j.error_message', kind: 'string' },
    elementId: { column: 'j.element_id', kind: 'string' },
    elementInstanceKey: { column: 'j.element_instance_key', kind: 'key' },
    processDefinitionId: { column: 'j.bpmn_process_id', kind: 'string' },
    processDefinitionKey: { column: 'j.process_definition_key', kind: 'key' },
    processInstanceKey: { column: 'j.process_instance_key', kind: 'key' },
    tenantId: { column: `'${TENANT}'`, kind: 'string' },
  },
  extraFilters: { hasFailedWithRetriesLeft: z.boolean() },
  applyExtraFilters: (where, filter) => {
    if (filter.hasFailedWithRetriesLeft !== undefined) {
      where.add(`(j.state = 'FAILED' AND j.retries > 0) = ?`, filter.hasFailedWithRetriesLeft ? 1 : 0);
    }
  },
  sort: {
    deadline: 'j.deadline', elementId: 'j.element_id', elementInstanceKey: 'j.element_instance_key', endTime: 'j.end_time',
    errorCode: 'j.error_code', errorMessage: 'j.error_message', jobKey: 'j.key', processDefinitionId: 'j.bpmn_process_id',
    processDefinitionKey: 'j.process_definition_key', processInstanceKey: 'j.process_instance_key', retries: 'j.retries',
    state: 'j.state', type: 'j.type', worker: 'j.worker', tenantId: 'j.key', kind: 'j.kind', listenerEventType: 'j.listener_event_type',
  },
  defaultOrder: 'j.key ASC',
  toItem: jobView,
};

export function jobRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/jobs/search', async (req, res) => {
    res.json(runSearch(engine.db, jobSearch, req.body));
  });

  router.post('/jobs/activation', async (req, res) => {
    const input = parseInput(activationSchema, req.body);
    const request = { type: input.type, worker: input.worker ?? '', timeout: input.timeout, maxJobsToActivate: input.maxJobsToActivate, fetchVariable: input.fetchVariable };
    const requestTimeout = input.requestTimeout === undefined || input.requestTimeout === 0 ? DEFAULT_REQUEST_TIMEOUT : input.requestTimeout;
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const jobs = await activateJobsLongPolling(engine, request, requestTimeout, aborted.signal);
    res.json({ jobs: jobs.map(({ job, variables }) => activatedJobView(job, variables)) });
  });

  router.post('/jobs/:key/completion', async (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(completionSchema, req.body);
    await engine.execute((ctx) => completeJob(ctx, key, input.variables ?? {}, input.result ?? undefined));
    res.status(204).end();
  });

  router.post('/jobs/:key/failure', async (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(failSchema, req.body);
    await engine.execute((ctx) => failJob(ctx, key, { retries: input.retries ?? 0, errorMessage: input.errorMessage, retryBackOff: input.retryBackOff ?? 0, variables: input.variables }));
    res.status(204).end();
  });

  router.post('/jobs/:key/error', async (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(errorSchema, req.body);
    await engine.execute((ctx) => throwJobError(ctx, key, { errorCode: input.errorCode, errorMessage: input.errorMessage ?? undefined, variables: input.variables ?? undefined }));
    res.status(204).end();
  });

  router.patch('/jobs/:key', async (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(updateSchema, req.body);
    await engine.execute((ctx) => updateJob(ctx, key, input.changeset));
    res.status(204).end();
  });

  return router;
}
