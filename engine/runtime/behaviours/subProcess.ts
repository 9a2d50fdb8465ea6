import type { ElementBehaviour } from './types';
import { enterScope } from './scope';

/** An embedded sub-process: its none start event begins its flow; it completes when no token is left in it. */
export const subProcess: ElementBehaviour = { onActivate: ({ ctx, ei, node, data }) => enterScope(ctx, ei, node, data) };
