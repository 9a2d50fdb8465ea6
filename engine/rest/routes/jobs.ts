import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../runtime/engine';
import { activateJobs, completeJob, failJob, throwJobError, updateJob } from '../../runtime/jobs';
import { TENANT, activatedJobView } from '../views';
import { millis, parseInput, parseKey, variablesObject } from '../validation';

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
const completionSchema = z.strictObject({ variables: variablesObject.nullable().optional(), result: z.unknown().optional() });
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

export function jobRoutes(engine: Engine): Router {
  const router = Router();

  router.post('/jobs/activation', async (req, res) => {
    const input = parseInput(activationSchema, req.body);
    const request = { type: input.type, worker: input.worker ?? '', timeout: input.timeout, maxJobsToActivate: input.maxJobsToActivate, fetchVariable: input.fetchVariable };
    const requestTimeout = input.requestTimeout === undefined || input.requestTimeout === 0 ? DEFAULT_REQUEST_TIMEOUT : input.requestTimeout;
    const deadline = Date.now() + Math.max(0, requestTimeout);
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    for (;;) {
      const jobs = engine.run((ctx) => activateJobs(ctx, request));
      const remaining = deadline - Date.now();
      if (jobs.length > 0 || remaining <= 0 || aborted.signal.aborted || engine.closing) {
        res.json({ jobs: jobs.map(({ job, variables }) => activatedJobView(job, variables)) });
        return;
      }
      await engine.jobWaiters.wait(input.type, remaining, aborted.signal);
    }
  });

  router.post('/jobs/:key/completion', (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(completionSchema, req.body);
    engine.run((ctx) => completeJob(ctx, key, input.variables ?? {}));
    res.status(204).end();
  });

  router.post('/jobs/:key/failure', (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(failSchema, req.body);
    engine.run((ctx) => failJob(ctx, key, { retries: input.retries ?? 0, errorMessage: input.errorMessage, retryBackOff: input.retryBackOff ?? 0, variables: input.variables }));
    res.status(204).end();
  });

  router.post('/jobs/:key/error', (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(errorSchema, req.body);
    engine.run((ctx) => throwJobError(ctx, key, { errorCode: input.errorCode, errorMessage: input.errorMessage ?? undefined, variables: input.variables ?? undefined }));
    res.status(204).end();
  });

  router.patch('/jobs/:key', (req, res) => {
    const key = parseKey(req.params.key, 'job key');
    const input = parseInput(updateSchema, req.body);
    engine.run((ctx) => updateJob(ctx, key, input.changeset));
    res.status(204).end();
  });

  return router;
}
