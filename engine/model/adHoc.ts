import type { AdHocDefinition, CompiledProcess, FlowNode } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, expressionBody, extensionOf } from './moddle';

/**
 * Ad-hoc subprocesses (bpmn:adHocSubProcess) as Zeebe 8.8 runs them with the BPMN implementation: on entry the
 * engine activates the inner elements named by zeebe:adHoc activeElementsCollection; more can be activated through
 * POST /element-instances/ad-hoc-activities/{key}/activation; the completionCondition (with
 * cancelRemainingInstances) decides when it completes. The runtime side is engine/runtime/adHoc.ts.
 */
export function compileAdHoc(element: ModdleElement, findings: FindingCollector): AdHocDefinition {
  const zeebe = extensionOf(element, 'zeebe:AdHoc');
  const definition: AdHocDefinition = {
    // BPMN default: true (remaining inner instances are canceled once the completion condition holds).
    cancelRemainingInstances: element.cancelRemainingInstances !== false,
  };
  const active = attr(zeebe, 'activeElementsCollection');
  if (active !== undefined) {
    if (active.startsWith('=')) definition.activeElementsCollection = active;
    else findings.report(element, `has the active elements collection '${active}', which is not a FEEL expression. Write a FEEL list of element ids, e.g. =["${active}"] or =valdaSteg.`);
  }
  const condition = expressionBody(element.completionCondition);
  if (condition !== undefined) {
    if (condition.startsWith('=')) definition.completionCondition = condition;
    else findings.report(element, `has the completion condition '${condition}', which is not a FEEL expression. Start it with '=' (e.g. =klar = true).`);
  }
  if (attr(zeebe, 'outputCollection') || attr(zeebe, 'outputElement')) {
    findings.report(element, 'sets zeebe:adHoc outputCollection/outputElement, which the embedded engine does not support. Remove them and write the results to process variables (output mappings of the inner activities).');
  }
  if (element.ordering === 'Sequential') {
    findings.report(element, "has ordering 'Sequential'; Zeebe runs the inner elements of an ad-hoc subprocess in parallel only. Remove the ordering attribute.");
  }
  return definition;
}

type Report = (id: string, problem: string) => void;

/** Zeebe's deploy rules for an ad-hoc subprocess, plus what the embedded engine does not run inside one. */
export function validateAdHoc(process: CompiledProcess, node: FlowNode, report: Report): void {
  const children = (node.childIds ?? []).map((id) => process.elements[id]!);
  const isInnerActivity = (child: FlowNode) => !EVENT_OR_GATEWAY.has(child.type) && !child.triggeredByEvent;
  if (!children.some(isInnerActivity)) {
    report(node.id, 'is an ad-hoc subprocess without activities. Must have at least one activity: add a task (or subprocess) inside it.');
  }
  for (const child of children) {
    if (child.type === 'startEvent') report(child.id, `is a start event inside ad-hoc subprocess '${node.id}'. An ad-hoc subprocess must not contain start events; remove it (inner elements without incoming flows are what can be activated).`);
    if (child.type === 'endEvent') report(child.id, `is an end event inside ad-hoc subprocess '${node.id}'. An ad-hoc subprocess must not contain end events; remove it (a path inside ends with its last element).`);
    if (child.type === 'subProcess' && child.triggeredByEvent) {
      report(child.id, `is an event subprocess inside ad-hoc subprocess '${node.id}', which the embedded engine does not support. Use a boundary event on the ad-hoc subprocess instead.`);
    }
  }
}

const EVENT_OR_GATEWAY: ReadonlySet<FlowNode['type']> = new Set([
  'startEvent', 'endEvent', 'intermediateCatchEvent', 'intermediateThrowEvent', 'boundaryEvent',
  'exclusiveGateway', 'parallelGateway', 'inclusiveGateway', 'eventBasedGateway',
]);

/** Inner elements of an ad-hoc subprocess that can be activated: those without incoming flows (not boundary events). */
export function adHocActivatableIds(process: CompiledProcess, node: FlowNode): string[] {
  return (node.childIds ?? []).filter((id) => {
    const child = process.elements[id]!;
    return child.incoming.length === 0 && child.type !== 'boundaryEvent' && !child.triggeredByEvent;
  });
}
