import type { CompiledProcess, FlowNode } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';

/**
 * Structural rules over a compiled process (Zeebe's deploy-time validation for the supported
 * subset): start/end placement, scopes, gateways and their conditions, boundary events.
 */
export function validateStructure(process: CompiledProcess, sourceOf: (id: string) => ModdleElement, findings: FindingCollector): void {
  const nodes = Object.values(process.elements);
  const report = (id: string, problem: string) => findings.report(sourceOf(id), problem);

  validateScopeStarts(process, nodes, report);
  for (const node of nodes) {
    if (node.type === 'startEvent' && node.incoming.length > 0) report(node.id, 'is a start event with incoming sequence flows. Remove them; a start event cannot be entered.');
    if (node.type === 'endEvent' && node.outgoing.length > 0) report(node.id, 'is an end event with outgoing sequence flows. Remove them or use an intermediate event.');
    if (node.type === 'boundaryEvent') validateBoundary(node, report);
    if (node.type === 'exclusiveGateway') validateExclusiveGateway(process, node, report);
    if (node.type === 'eventBasedGateway') validateEventBasedGateway(process, node, report);
    if (node.type === 'subProcess' && node.triggeredByEvent) validateEventSubProcess(process, node, report);
    if (node.defaultFlow && !node.outgoing.includes(node.defaultFlow)) {
      report(node.id, `names '${node.defaultFlow}' as default flow, but that is not one of its outgoing flows. Pick one of its outgoing flows.`);
    }
  }
  for (const flow of Object.values(process.flows)) {
    const source = process.elements[flow.sourceRef];
    const target = process.elements[flow.targetRef];
    if (!source || !target) continue;
    if (source.parentId !== target.parentId) {
      report(flow.id, `crosses a subprocess boundary ('${source.id}' → '${target.id}'). Sequence flows must stay inside one (sub)process.`);
    }
    if (flow.condition && source.type !== 'exclusiveGateway') {
      report(flow.id, `has a condition but starts at '${source.id}' (${source.type}); conditions are only evaluated on flows leaving an exclusive gateway. Add an exclusive gateway or remove the condition.`);
    }
    if (flow.condition && source.defaultFlow === flow.id) {
      report(flow.id, 'is the default flow of its gateway and also has a condition. Remove the condition; the default flow is taken when no other condition holds.');
    }
  }
}

type Report = (id: string, problem: string) => void;

function validateScopeStarts(process: CompiledProcess, nodes: FlowNode[], report: Report): void {
  const topLevelStarts = nodes.filter((n) => n.type === 'startEvent' && n.parentId === undefined);
  if (topLevelStarts.length === 0) {
    report(process.id, 'has no start event. Add a start event.');
  }
  const noneStarts = topLevelStarts.filter((n) => n.eventDefinition?.kind === 'none');
  if (noneStarts.length > 1) {
    report(process.id, `has ${noneStarts.length} plain start events (${noneStarts.map((n) => n.id).join(', ')}). Keep one; other start events need a timer, message or signal.`);
  }
  const messageNames = new Map<string, string>();
  for (const start of topLevelStarts) {
    if (start.eventDefinition?.kind !== 'message') continue;
    const previous = messageNames.get(start.eventDefinition.messageName);
    if (previous) report(start.id, `starts on message '${start.eventDefinition.messageName}' like '${previous}'. Each message may start the process only once.`);
    messageNames.set(start.eventDefinition.messageName, start.id);
  }
  for (const sub of nodes.filter((n) => n.type === 'subProcess' && !n.triggeredByEvent)) {
    const starts = startEventsOf(process, sub);
    if (starts.length !== 1) {
      report(sub.id, `is an embedded subprocess with ${starts.length} start events. It needs exactly one plain start event.`);
    }
  }
}

function startEventsOf(process: CompiledProcess, scope: FlowNode): FlowNode[] {
  return (scope.childIds ?? []).map((id) => process.elements[id]!).filter((n) => n.type === 'startEvent');
}

function validateBoundary(node: FlowNode, report: Report): void {
  if (node.incoming.length > 0) report(node.id, 'is a boundary event with incoming sequence flows. Remove them.');
  if (node.outgoing.length === 0) report(node.id, 'is a boundary event without an outgoing sequence flow. Connect it to the next step.');
  if (node.eventDefinition?.kind === 'error' && node.cancelActivity === false) {
    report(node.id, 'is a non-interrupting error boundary event. Error boundary events are always interrupting; make it interrupting.');
  }
}

function validateExclusiveGateway(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.outgoing.length < 2) return;
  for (const flowId of node.outgoing) {
    const flow = process.flows[flowId]!;
    if (!flow.condition && flow.id !== node.defaultFlow) {
      report(flow.id, `leaves exclusive gateway '${node.id}' without a condition and is not its default flow. Add a condition (e.g. =godkand = true) or make it the default flow.`);
    }
  }
}

function validateEventBasedGateway(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.outgoing.length < 2) report(node.id, 'is an event-based gateway with fewer than two outgoing flows. Connect at least two events.');
  for (const flowId of node.outgoing) {
    const target = process.elements[process.flows[flowId]!.targetRef];
    if (!target) continue;
    const kind = target.eventDefinition?.kind;
    const catchable = target.type === 'intermediateCatchEvent' && (kind === 'timer' || kind === 'message' || kind === 'signal');
    if (!catchable) report(node.id, `leads to '${target.id}' (${target.type}); an event-based gateway may only lead to timer, message or signal intermediate catch events.`);
  }
}

function validateEventSubProcess(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.incoming.length > 0 || node.outgoing.length > 0) report(node.id, 'is an event subprocess with sequence flows. Remove them; it is started by its start event.');
  if (node.boundaryEventIds.length > 0) report(node.id, 'is an event subprocess with boundary events. Remove them.');
  if (node.multiInstance) report(node.id, 'is a multi-instance event subprocess, which is not supported. Remove the multi-instance marker.');
  const starts = startEventsOf(process, node);
  if (starts.length !== 1) {
    report(node.id, `is an event subprocess with ${starts.length} start events. It needs exactly one start event with a timer, message, signal, error or escalation.`);
    return;
  }
  const start = starts[0]!;
  if (start.eventDefinition?.kind === 'error' && start.isInterrupting === false) {
    report(start.id, 'is a non-interrupting error start event. Error start events are always interrupting; make it interrupting.');
  }
}
