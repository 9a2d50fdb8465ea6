import type { CompiledProcess, FlowNode, SequenceFlow } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { ESCALATION_BOUNDARY_HOSTS } from './support';
import { validateLinks } from './links';
import { validateAdHoc } from './adHoc';
import { validateCompensation } from './compensation';

/**
 * Structural rules over a compiled process (Zeebe's deploy-time validation for the supported
 * subset): start/end placement, scopes, gateways and their conditions, boundary events.
 */
export function validateStructure(process: CompiledProcess, sourceOf: (id: string) => ModdleElement, findings: FindingCollector): void {
  const nodes = Object.values(process.elements);
  const report: Report = (id, problem) => findings.report(sourceOf(id), problem);
  validateScopeStarts(process, nodes, report);
  validateCatchSets(process, nodes, report);
  for (const node of nodes) validateNode(process, node, report);
  for (const flow of Object.values(process.flows)) validateFlow(process, flow, report);
  validateLinks(process, report);
  validateCompensation(process, report);
}

function validateCatchSets(process: CompiledProcess, nodes: FlowNode[], report: Report): void {
  for (const scope of [undefined, ...nodes.filter((n) => n.type === 'subProcess').map((n) => n.id)]) {
    const eventSubStarts = nodes
      .filter((n) => n.type === 'subProcess' && n.triggeredByEvent && n.parentId === scope)
      .flatMap((sub) => startEventsOf(process, sub));
    validateUniqueTriggers(eventSubStarts, 'event subprocess in the same scope', report);
  }
  for (const activity of nodes.filter((n) => n.boundaryEventIds.length > 1)) {
    validateUniqueTriggers(activity.boundaryEventIds.map((id) => process.elements[id]!), `boundary event on '${activity.id}'`, report);
  }
}

function validateNode(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.type === 'startEvent' && node.incoming.length > 0) report(node.id, 'is a start event with incoming sequence flows. Remove them; a start event cannot be entered.');
  if (node.type === 'endEvent' && node.outgoing.length > 0) report(node.id, 'is an end event with outgoing sequence flows. Remove them or use an intermediate event.');
  if (node.type === 'boundaryEvent') validateBoundary(process, node, report);
  if (node.type === 'exclusiveGateway' || node.type === 'inclusiveGateway') validateConditionalSplit(process, node, report);
  if (node.type === 'inclusiveGateway' && node.incoming.length > 1) {
    report(node.id, `is an inclusive gateway joining ${node.incoming.length} flows; the embedded engine supports inclusive gateways only as splits. Join the branches with a parallel gateway (all branches always taken) or restructure the model.`);
  }
  if (node.type === 'eventBasedGateway') validateEventBasedGateway(process, node, report);
  if (node.type === 'subProcess' && node.triggeredByEvent) validateEventSubProcess(process, node, report);
  if (node.type === 'adHocSubProcess') validateAdHoc(process, node, report);
  if (node.defaultFlow && !node.outgoing.includes(node.defaultFlow)) {
    report(node.id, `names '${node.defaultFlow}' as default flow, but that is not one of its outgoing flows. Pick one of its outgoing flows.`);
  }
}

function validateFlow(process: CompiledProcess, flow: SequenceFlow, report: Report): void {
  const source = process.elements[flow.sourceRef];
  const target = process.elements[flow.targetRef];
  if (!source || !target) return;
  if (source.parentId !== target.parentId) {
    report(flow.id, `crosses a subprocess boundary ('${source.id}' → '${target.id}'). Sequence flows must stay inside one (sub)process.`);
  }
  if (flow.condition && source.type !== 'exclusiveGateway' && source.type !== 'inclusiveGateway') {
    report(flow.id, `has a condition but starts at '${source.id}' (${source.type}); conditions are only evaluated on flows leaving an exclusive or inclusive gateway. Add a gateway or remove the condition.`);
  }
  if (flow.condition && source.defaultFlow === flow.id) {
    report(flow.id, 'is the default flow of its gateway and also has a condition. Remove the condition; the default flow is taken when no other condition holds.');
  }
}

type Report = (id: string, problem: string) => void;

/**
 * Within one catch set (boundary events of an activity, event subprocesses of a scope, process start
 * events) each message, signal, error code and escalation code may be caught once, and there may be
 * only one catch-all error/escalation; otherwise which one fires would be ambiguous (Zeebe rule).
 */
function validateUniqueTriggers(events: FlowNode[], what: string, report: Report): void {
  const seen = new Map<string, string>();
  for (const event of events) {
    const trigger = triggerOf(event);
    if (!trigger) continue;
    const previous = seen.get(trigger);
    if (previous) report(event.id, `catches ${trigger} like '${previous}' (another ${what}). Each trigger may be caught once there; remove or change one.`);
    else seen.set(trigger, event.id);
  }
}

function triggerOf(event: FlowNode): string | undefined {
  const definition = event.eventDefinition;
  switch (definition?.kind) {
    case 'message':
      return `message '${definition.messageName}'`;
    case 'signal':
      return `signal '${definition.signalName}'`;
    case 'error':
      return definition.errorCode ? `error code '${definition.errorCode}'` : 'all errors (no error code)';
    case 'escalation':
      return definition.escalationCode ? `escalation code '${definition.escalationCode}'` : 'all escalations (no escalation code)';
    default:
      return undefined;
  }
}

function validateScopeStarts(process: CompiledProcess, nodes: FlowNode[], report: Report): void {
  const topLevelStarts = nodes.filter((n) => n.type === 'startEvent' && n.parentId === undefined);
  if (topLevelStarts.length === 0) {
    report(process.id, 'has no start event. Add a start event.');
  }
  const noneStarts = topLevelStarts.filter((n) => n.eventDefinition?.kind === 'none');
  if (noneStarts.length > 1) {
    report(process.id, `has ${noneStarts.length} plain start events (${noneStarts.map((n) => n.id).join(', ')}). Keep one; other start events need a timer, message or signal.`);
  }
  validateUniqueTriggers(topLevelStarts, 'process start event', report);
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

function validateBoundary(process: CompiledProcess, node: FlowNode, report: Report): void {
  const host = node.attachedToRef ? process.elements[node.attachedToRef] : undefined;
  if (node.eventDefinition?.kind === 'escalation' && host && !ESCALATION_BOUNDARY_HOSTS.includes(host.type)) {
    report(node.id, `is an escalation boundary event on '${host.id}' (${host.type}); escalations can only be caught on a subprocess or call activity. Move it there.`);
  }
  if (node.incoming.length > 0) report(node.id, 'is a boundary event with incoming sequence flows. Remove them.');
  if (node.eventDefinition?.kind === 'error' && node.cancelActivity === false) {
    report(node.id, 'is a non-interrupting error boundary event. Error boundary events are always interrupting; make it interrupting.');
  }
}

function validateConditionalSplit(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.outgoing.length < 2) return;
  const kind = node.type === 'exclusiveGateway' ? 'exclusive' : 'inclusive';
  for (const flowId of node.outgoing) {
    const flow = process.flows[flowId]!;
    if (!flow.condition && flow.id !== node.defaultFlow) {
      report(flow.id, `leaves ${kind} gateway '${node.id}' without a condition and is not its default flow. Add a condition (e.g. =godkand = true) or make it the default flow.`);
    }
  }
}

function validateEventBasedGateway(process: CompiledProcess, node: FlowNode, report: Report): void {
  if (node.outgoing.length < 2) report(node.id, 'is an event-based gateway with fewer than two outgoing flows. Connect at least two events.');
  const targets: FlowNode[] = [];
  for (const flowId of node.outgoing) {
    const target = process.elements[process.flows[flowId]!.targetRef];
    if (!target) continue;
    const kind = target.eventDefinition?.kind;
    const catchable = target.type === 'intermediateCatchEvent' && (kind === 'timer' || kind === 'message' || kind === 'signal');
    if (!catchable) {
      report(node.id, `leads to '${target.id}' (${target.type}); an event-based gateway may only lead to timer, message or signal intermediate catch events.`);
      continue;
    }
    targets.push(target);
    if (target.incoming.length > 1) {
      report(target.id, `follows event-based gateway '${node.id}' but has other incoming flows too. Only the gateway may lead to it; merge the other paths after the event.`);
    }
  }
  validateUniqueTriggers(targets, `event after gateway '${node.id}'`, report);
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
