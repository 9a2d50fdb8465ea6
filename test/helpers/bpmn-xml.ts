/** Tiny builders for inline BPMN fixtures in model tests (no diagram interchange needed to compile). */

export const NAMESPACES =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:modeler="http://camunda.org/schema/modeler/1.0"';

/** A bpmn:definitions document around `body` (processes, messages, errors, ...). */
export function definitions(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ${NAMESPACES} id="defs" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud">\n${body}\n</bpmn:definitions>`;
}

/** One executable process `id` containing `content`, plus root elements (`extraRoot`) after it. */
export function processXml(content: string, extraRoot = '', id = 'p'): string {
  return definitions(`<bpmn:process id="${id}" isExecutable="true">\n${content}\n</bpmn:process>\n${extraRoot}`);
}

export function flow(id: string, from: string, to: string, condition?: string): string {
  if (condition === undefined) return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
  return `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${escapeXml(condition)}</bpmn:conditionExpression></bpmn:sequenceFlow>`;
}

/** start → `middle` (element id `t`) → end, the usual frame around a single element under test. */
export function around(middle: string, middleId = 't'): string {
  return `<bpmn:startEvent id="start" />${flow('f_in', 'start', middleId)}\n${middle}\n${flow('f_out', middleId, 'end')}<bpmn:endEvent id="end" />`;
}

export function serviceTask(id: string, type = 'vk.test', extra = ''): string {
  return `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${extra}</bpmn:extensionElements></bpmn:serviceTask>`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A bpmn:adHocSubProcess `id` around `inner`; `active` is the zeebe:adHoc activeElementsCollection, `condition`
 * its completionCondition, `attrs` further XML attributes (e.g. cancelRemainingInstances="false").
 */
export function adHocSubProcess(id: string, inner: string, opts: { active?: string; condition?: string; attrs?: string; extra?: string } = {}): string {
  const zeebe = opts.active === undefined ? '' : `<zeebe:adHoc activeElementsCollection="${escapeXml(opts.active)}" />`;
  const extensions = zeebe || opts.extra ? `<bpmn:extensionElements>${zeebe}${opts.extra ?? ''}</bpmn:extensionElements>` : '';
  const condition = opts.condition === undefined ? '' : `<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">${escapeXml(opts.condition)}</bpmn:completionCondition>`;
  return `<bpmn:adHocSubProcess id="${id}" ${opts.attrs ?? ''}>${extensions}${inner}${condition}</bpmn:adHocSubProcess>`;
}

/** Service task `id` with a compensation boundary event associated to its handler `handlerId` (isForCompensation). */
export function compensable(id: string, type: string, handlerId: string, handlerType: string): string {
  return `${serviceTask(id, type)}<bpmn:boundaryEvent id="${id}_comp" attachedToRef="${id}"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>`
    + `<bpmn:serviceTask id="${handlerId}" isForCompensation="true"><bpmn:extensionElements><zeebe:taskDefinition type="${handlerType}" /></bpmn:extensionElements></bpmn:serviceTask>`
    + `<bpmn:association id="${id}_assoc" associationDirection="One" sourceRef="${id}_comp" targetRef="${handlerId}" />`;
}

/** A compensation intermediate throw or end event, compensating `activityRef` or (without) its whole scope. */
export function compensationThrow(id: string, kind: 'intermediateThrowEvent' | 'endEvent', activityRef?: string): string {
  return `<bpmn:${kind} id="${id}"><bpmn:compensateEventDefinition${activityRef ? ` activityRef="${activityRef}"` : ''} /></bpmn:${kind}>`;
}

/** `<zeebe:executionListeners>` with one listener per [eventType, type, retries?], for an element's extensionElements. */
export function executionListeners(...listeners: [string, string, string?][]): string {
  const items = listeners.map(([eventType, type, retries]) => `<zeebe:executionListener eventType="${eventType}" type="${escapeXml(type)}"${retries ? ` retries="${retries}"` : ''} />`);
  return `<zeebe:executionListeners>${items.join('')}</zeebe:executionListeners>`;
}
