import type { ElementBehaviour, HookArgs } from './types';
import { catchEvent } from './events';

/** Undefined and manual tasks: nothing to do, they complete at once. */
const passThrough = ({ ctx, ei, shared }: HookArgs): void => shared.complete(ctx, ei);

export const task: ElementBehaviour = { onActivate: passThrough };
export const manualTask: ElementBehaviour = { onActivate: passThrough };

/** A receive task waits for its message, as a message catch event does. */
export const receiveTask: ElementBehaviour = { onActivate: catchEvent };
