import { runScript } from '../script';
import type { ElementBehaviour } from './types';

/** A script task runs its FEEL script (zeebe:script) in the step, or is a job for a worker (zeebe:taskDefinition). */
export const scriptTask: ElementBehaviour = {
  onActivate: ({ ctx, ei, node, shared }) => (node.script ? runScript(ctx, ei, node) : shared.requireJob(ctx, ei, node)),
};
