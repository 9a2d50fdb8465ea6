import type { ElementBehaviour } from './types';
import { enterScope } from './scope';

/** An event sub-process, activated by its start event's trigger (which it begins with). */
export const eventSubProcess: ElementBehaviour = { onActivate: ({ ctx, ei, node, data }) => enterScope(ctx, ei, node, data) };
