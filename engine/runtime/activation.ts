import type { Ctx } from './context';
import { activateJobs, type ActivatedJob } from './jobs';
import type { Waiters } from './waiters';

/** What long-polling activation needs of the engine (an interface, so this module imports no engine.ts). */
export interface ActivationSource {
  execute<T>(command: (ctx: Ctx) => T): Promise<T>;
  readonly closing: boolean;
  readonly jobWaiters: Waiters<string>;
}

export type ActivationRequest = Parameters<typeof activateJobs>[1];

/**
 * Job activation with long polling: activates what is there; when nothing is, waits until a job of the type may
 * have become activatable (or `requestTimeout` ms passed, or `signal` aborted) and looks again. The waiters'
 * generation is read inside the activating command, so a job created by a later command of the same group commit
 * (announced before this request could start waiting) is not missed.
 */
export async function activateJobsLongPolling(engine: ActivationSource, request: ActivationRequest, requestTimeout: number, signal: AbortSignal): Promise<ActivatedJob[]> {
  const deadline = Date.now() + Math.max(0, requestTimeout);
  for (;;) {
    if (engine.closing) return [];
    const { jobs, seen } = await engine.execute((ctx) => ({ jobs: activateJobs(ctx, request), seen: engine.jobWaiters.generation }));
    const remaining = deadline - Date.now();
    if (jobs.length > 0 || remaining <= 0 || signal.aborted || engine.closing) return jobs;
    await engine.jobWaiters.wait(request.type, remaining, signal, seen);
  }
}
