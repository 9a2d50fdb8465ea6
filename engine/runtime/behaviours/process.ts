import { getElementInstance, updateData } from '../../store/elementInstances';
import { completeProcessInstanceRow, terminateProcessInstanceRow } from '../instances';
import { awaitExecutionListener } from '../listeners';
import { parseData, processOf } from '../model';
import { localVariables } from '../variables';
import type { ElementBehaviour } from './types';
import { enterScope } from './scope';

/** The process instance's root element: its start listeners, then the flow from its start event. */
export const processRoot: ElementBehaviour<undefined> = {
  ownActivation: true,
  onActivate: ({ ctx, ei, data }) => {
    if (awaitExecutionListener(ctx, processOf(ctx, ei), ei, undefined, data, 'start')) return;
    enterScope(ctx, ei, undefined, data);
  },
  /** The instance completed: a called instance completes its call activity. */
  onCompleted: ({ ctx, ei: root, shared }) => {
    const parentKey = completeProcessInstanceRow(ctx, root.key);
    if (parentKey === undefined) return;
    const parent = getElementInstance(ctx, parentKey);
    if (!parent || parent.state !== 'ACTIVE') return;
    // Output mappings of the call activity see the child's variables even when they are not propagated.
    updateData(ctx, parent.key, { ...parseData(parent), triggerVars: localVariables(ctx, root.key) });
    shared.complete(ctx, parent);
  },
  onTerminated: ({ ctx, ei }) => terminateProcessInstanceRow(ctx, ei.key),
};
