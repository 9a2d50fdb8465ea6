import { activeChildren, getElementInstance } from '../../store/elementInstances';
import { clearJoinTokens } from '../../store/tokens';
import { enterCompensationThrow } from '../compensation';
import { broadcastSignal, throwError, throwEscalation } from '../events';
import { openCatchWait } from '../waits';
import type { ElementBehaviour, HookArgs } from './types';

/** Start and boundary events: activated because their event happened, they complete at once. */
const passThrough = ({ ctx, ei, shared }: HookArgs): void => shared.complete(ctx, ei);

export const startEvent: ElementBehaviour = { onActivate: passThrough };
export const boundaryEvent: ElementBehaviour = { onActivate: passThrough };

/** Catch events (and receive tasks) wait for their message, timer or signal; one activated by its event continues at once. */
export function catchEvent(args: HookArgs): void {
  const { ctx, ei, node, data, shared } = args;
  // A link catch event is entered by its link throw and continues at once.
  if (data.triggered || node.eventDefinition?.kind === 'link') return shared.complete(ctx, ei);
  openCatchWait(ctx, ei, node);
}

export const intermediateCatchEvent: ElementBehaviour = { onActivate: catchEvent };

/** Throw and end events: a job (message throw with a task definition), or the event they throw. */
function throwEvent({ ctx, ei, node, shared }: HookArgs): void {
  if (node.job) return shared.createJob(ctx, ei, node);
  const def = node.eventDefinition;
  switch (def?.kind) {
    case 'terminate': {
      const scope = getElementInstance(ctx, ei.flow_scope_key!);
      if (!scope) throw new Error(`Element instance ${ei.flow_scope_key} vanished`);
      for (const sibling of activeChildren(ctx, scope.key)) if (sibling.key !== ei.key) shared.terminate(ctx, sibling);
      clearJoinTokens(ctx, scope.key);
      return shared.complete(ctx, ei);
    }
    case 'error':
      return throwError(ctx, ei, def.errorCode ?? '', `Error end event '${node.id}'`, {});
    case 'escalation': {
      throwEscalation(ctx, ei, def.escalationCode ?? '');
      if (getElementInstance(ctx, ei.key)?.state === 'ACTIVE') shared.complete(ctx, ei);
      return;
    }
    case 'signal': {
      broadcastSignal(ctx, def.signalName, {});
      return shared.complete(ctx, ei);
    }
    case 'compensation':
      return enterCompensationThrow(ctx, ei, node);
    default:
      return shared.complete(ctx, ei);
  }
}

export const intermediateThrowEvent: ElementBehaviour = { onActivate: throwEvent };
export const endEvent: ElementBehaviour = { onActivate: throwEvent };
