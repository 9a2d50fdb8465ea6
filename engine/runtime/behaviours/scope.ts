import type { FlowNode } from '../../model/types';
import type { Ctx, ElementData, ElementInstanceRow } from '../context';
import { ElementFailure } from '../errors';
import { childrenOf, eventSubprocessStart, isNoneStart, processOf } from '../model';
import { openEventSubprocessWaits } from '../waits';

/** Process root, embedded and event sub-process: open event sub-process waits, start the flow. */
export function enterScope(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode | undefined, data: ElementData): void {
  const process = processOf(ctx, ei);
  openEventSubprocessWaits(ctx, ei, node?.id);
  let startId = data.startEventId;
  if (!startId) {
    const start = node?.triggeredByEvent
      ? eventSubprocessStart(process, node)
      : childrenOf(process, node?.id).find((n) => isNoneStart(n));
    if (!start) throw new ElementFailure('EXTRACT_VALUE_ERROR', `Scope '${ei.element_id}' has no none start event to begin with.`);
    startId = start.id;
  }
  ctx.flow.activate(ctx, ei, startId, { data: { triggered: true, triggerVars: data.startVars } });
}
