import type { ElementBehaviour, HookArgs } from './types';

/** Service and send tasks: a job for a worker; the job's completion completes the element. */
const requireJob = ({ ctx, ei, node, shared }: HookArgs): void => shared.requireJob(ctx, ei, node);

export const serviceTask: ElementBehaviour = { onActivate: requireJob };
export const sendTask: ElementBehaviour = { onActivate: requireJob };
