import { ElementFailure } from '../errors';
import * as expr from '../expressions';
import { processOf } from '../model';
import { openEventGatewayWaits } from '../waits';
import { visibleVariables } from '../variables';
import type { ElementBehaviour, HookArgs } from './types';

/** Exclusive and inclusive gateways: pass through, then take the flows whose conditions hold (else the default flow). */
function conditionalOutgoing({ ctx, ei, node }: HookArgs): string[] {
  const process = processOf(ctx, ei);
  if (node.outgoing.length === 1 && !process.flows[node.outgoing[0]].condition) return node.outgoing;
  const vars = visibleVariables(ctx, ei.key);
  const matching: string[] = [];
  for (const flowId of node.outgoing) {
    if (flowId === node.defaultFlow) continue;
    const condition = process.flows[flowId].condition;
    if (condition === undefined || expr.evaluateCondition(condition, vars, flowId)) {
      matching.push(flowId);
      if (node.type === 'exclusiveGateway') break;
    }
  }
  if (matching.length > 0) return matching;
  if (node.defaultFlow) return [node.defaultFlow];
  throw new ElementFailure(
    'CONDITION_ERROR',
    `Expected at least one condition to evaluate to true, or to have a default flow, at gateway '${node.id}'. Set the variables the conditions need (or add a default flow), then resolve the incident.`,
  );
}

const passThrough = ({ ctx, ei, shared }: HookArgs): void => shared.complete(ctx, ei);

export const exclusiveGateway: ElementBehaviour = { onActivate: passThrough, outgoing: conditionalOutgoing };
export const inclusiveGateway: ElementBehaviour = { onActivate: passThrough, outgoing: conditionalOutgoing };

/** A parallel gateway forks to every outgoing flow; the join (a token on every incoming flow) is done by flow taking. */
export const parallelGateway: ElementBehaviour = { onActivate: passThrough };

/** An event-based gateway waits for the first of its events; the event's catch element continues the flow, not the gateway. */
export const eventBasedGateway: ElementBehaviour = {
  onActivate: ({ ctx, ei, node }) => openEventGatewayWaits(ctx, ei, node),
  outgoing: () => [],
};
