import { awaitExecutionListener } from '../listeners';
import { processOf } from '../model';
import type { ElementBehaviour } from './types';
import { enterScope } from './scope';

/** The process instance's root element: its start listeners, then the flow from its start event. */
export const processRoot: ElementBehaviour<undefined> = {
  ownActivation: true,
  onActivate: ({ ctx, ei, data }) => {
    if (awaitExecutionListener(ctx, processOf(ctx, ei), ei, undefined, data, 'start')) return;
    enterScope(ctx, ei, undefined, data);
  },
};
