import type { CompiledProcess, FlowNode } from './types';

/**
 * Deploy rules of compensation (Zeebe 8.8's, plus the subset the embedded engine runs): a compensation boundary
 * event is linked by an association to one handler marked isForCompensation; handlers have no sequence flows; a
 * compensation throw or end event compensates the completed activities of its own (sub)process scope, all of them or
 * the one named by activityRef. The runtime side is engine/runtime/compensation.ts.
 */
type Report = (id: string, problem: string) => void;

export function isCompensationThrow(node: FlowNode): boolean {
  return (node.type === 'intermediateThrowEvent' || node.type === 'endEvent') && node.eventDefinition?.kind === 'compensation';
}

export function validateCompensation(process: CompiledProcess, report: Report): void {
  const nodes = Object.values(process.elements);
  const handlerHosts = new Map<string, FlowNode>();
  for (const host of nodes) if (host.compensationHandlerId) handlerHosts.set(host.compensationHandlerId, host);

  for (const boundary of nodes.filter((n) => n.type === 'boundaryEvent' && n.eventDefinition?.kind === 'compensation')) {
    if (boundary.outgoing.length > 0) report(boundary.id, 'is a compensation boundary event with outgoing sequence flows. Remove them; its handler is connected by an association.');
    const host = boundary.attachedToRef ? process.elements[boundary.attachedToRef] : undefined;
    if (host?.multiInstance) report(boundary.id, `is a compensation boundary event on multi-instance activity '${host.id}', which the embedded engine does not compensate. Compensate a single activity (or a subprocess around the multi-instance).`);
  }
  for (const handler of nodes.filter((n) => n.isForCompensation)) {
    const host = handlerHosts.get(handler.id);
    if (!host) report(handler.id, 'is marked for compensation but no compensation boundary event is associated with it. Associate it with a compensation boundary event or remove the marker.');
    if (handler.incoming.length > 0 || handler.outgoing.length > 0) report(handler.id, 'is a compensation handler with sequence flows. A compensation handler must not have incoming or outgoing sequence flows; remove them.');
    if (handler.boundaryEventIds.length > 0) report(handler.id, 'is a compensation handler with boundary events, which the embedded engine does not support. Remove them.');
    if (host && host.parentId !== handler.parentId) report(handler.id, `is the compensation handler of '${host.id}' but lies in another (sub)process. Place it next to '${host.id}'.`);
  }
  for (const [handlerId, host] of handlerHosts) {
    if (!process.elements[handlerId]!.isForCompensation) report(handlerId, `is associated with the compensation boundary event of '${host.id}' but is not marked for compensation. Set isForCompensation (Modeler: "Compensation" marker).`);
  }
  for (const event of nodes.filter(isCompensationThrow)) validateThrow(process, event, report);
}

function validateThrow(process: CompiledProcess, event: FlowNode, report: Report): void {
  const scope = event.parentId === undefined ? undefined : process.elements[event.parentId];
  if (scope?.triggeredByEvent) {
    report(event.id, 'throws a compensation event inside an event subprocess, which the embedded engine does not support. Throw it in the (sub)process whose activities are to be compensated.');
    return;
  }
  const ref = event.eventDefinition?.kind === 'compensation' ? event.eventDefinition.activityRef : undefined;
  if (ref !== undefined) {
    const target = process.elements[ref];
    if (!target?.compensationHandlerId) report(event.id, `compensates '${ref}', which has no compensation boundary event with a handler. Reference an activity that has one.`);
    else if (target.parentId !== event.parentId) report(event.id, `compensates '${ref}' in another (sub)process; the embedded engine compensates activities of the throw event's own scope only. Throw the event inside that (sub)process.`);
    return;
  }
  const nested = Object.values(process.elements).filter((n) => n.compensationHandlerId && n.parentId !== event.parentId && isInside(process, n, event.parentId));
  if (nested.length > 0) {
    report(event.id, `would have to compensate ${nested.map((n) => `'${n.id}'`).join(', ')} inside a nested subprocess; the embedded engine compensates activities of the throw event's own scope only. Throw a compensation event inside that subprocess (e.g. before its end).`);
  }
}

function isInside(process: CompiledProcess, node: FlowNode, scopeId: string | undefined): boolean {
  if (scopeId === undefined) return true;
  for (let id = node.parentId; id !== undefined; id = process.elements[id]?.parentId) if (id === scopeId) return true;
  return false;
}
