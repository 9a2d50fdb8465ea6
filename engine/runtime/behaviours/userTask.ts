import type { ElementBehaviour } from './types';

/** A Camunda user task (zeebe:userTask); without it a job-based user task, a job for a task-list worker. */
export const userTask: ElementBehaviour = {
  onActivate: ({ ctx, ei, node, shared }) => (node.job ? shared.createJob(ctx, ei, node) : shared.createUserTask(ctx, ei, node)),
};
