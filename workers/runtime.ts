import type { CamundaClient } from '../common/camunda';
import type { Deps } from './deps';
import { runJob, type Handler, type JobInfo } from './framework';
import { allHandlers } from './handlers';

export interface RunningWorkers {
  types: string[];
  /** Stops polling and waits (bounded) for jobs in flight to be acknowledged. */
  stop(waitUpToMs?: number): Promise<void>;
}

/**
 * Registers one `createJobWorker` per job type against the Orchestration Cluster API (works the same against the
 * embedded engine and a real Camunda 8 cluster). `handlers` defaults to every job type.
 */
export function startWorkers(client: CamundaClient, deps: Deps, handlers: Handler<any, any>[] = allHandlers(deps)): RunningWorkers {
  const w = deps.config.worker;
  const workers = handlers.map((h) => client.createJobWorker({
    jobType: h.type,
    workerName: `${deps.config.workerName}:${h.type}`,
    maxParallelJobs: w.maxParallelJobs,
    jobTimeoutMs: w.jobTimeoutMs,
    pollTimeoutMs: w.pollTimeoutMs,
    // Validation happens in runJob, so a bad variable becomes an actionable incident instead of a log line.
    validateSchemas: false,
    jobHandler: async (job) => {
      const info: JobInfo = {
        jobKey: String(job.jobKey), type: job.type, processInstanceKey: String(job.processInstanceKey),
        processDefinitionId: String(job.processDefinitionId), elementId: String(job.elementId),
        elementInstanceKey: String(job.elementInstanceKey), retries: job.retries,
        engineTime: engineTimeOf(job.deadline, w.jobTimeoutMs),
      };
      const outcome = await runJob(h, job, info, { audit: deps.audit, actor: deps.actor, retry: deps.config.retry });
      switch (outcome.kind) {
        case 'complete': return job.complete(outcome.variables);
        case 'error': return job.error({ errorCode: outcome.errorCode, errorMessage: outcome.errorMessage, variables: outcome.variables });
        case 'fail': return job.fail({ retries: outcome.retries, errorMessage: outcome.errorMessage, retryBackOff: outcome.retryBackOff });
      }
    },
  }));
  return {
    types: handlers.map((h) => h.type),
    async stop(waitUpToMs = 10_000) {
      await Promise.all(workers.map((x) => x.stopGracefully({ waitUpToMs })));
    },
  };
}

/** The engine's now at activation: it sets a job's deadline to its own clock plus the requested timeout. */
function engineTimeOf(deadline: unknown, timeoutMs: number): string | undefined {
  // The SDK hands epoch milliseconds over as a bigint (a number or numeric string from other clients).
  const d = typeof deadline === 'bigint' || typeof deadline === 'string' ? Number(deadline) : typeof deadline === 'number' ? deadline : NaN;
  return Number.isFinite(d) && d > 0 ? new Date(d - timeoutMs).toISOString() : undefined;
}
