import { evaluateCalledDecision } from '../businessRuleTask';
import type { ElementBehaviour } from './types';

/** A business rule task evaluates its called decision (zeebe:calledDecision), or is a job for a worker. */
export const businessRuleTask: ElementBehaviour = {
  onActivate: ({ ctx, ei, node, shared }) =>
    node.calledDecision ? evaluateCalledDecision(ctx, ei, node, () => shared.complete(ctx, ei)) : shared.requireJob(ctx, ei, node),
};
