import type { CompiledProcess, FlowNode } from '../model/types';
import type { Ctx, ElementData, ElementInstanceRow } from './context';

export type { ElementData } from './context';

/** Read-only helpers over a CompiledProcess and element instance rows. */

export const ROOT_TYPE = 'PROCESS';
export const MI_BODY_TYPE = 'MULTI_INSTANCE_BODY';
/** One activation inside an ad-hoc subprocess: the flow scope (and variable scope) of the activated element, as in Zeebe 8.8. */
export const AD_HOC_INNER_TYPE = 'AD_HOC_SUB_PROCESS_INNER_INSTANCE';

const API_TYPES: Record<FlowNode['type'], string> = {
  startEvent: 'START_EVENT',
  endEvent: 'END_EVENT',
  intermediateCatchEvent: 'INTERMEDIATE_CATCH_EVENT',
  intermediateThrowEvent: 'INTERMEDIATE_THROW_EVENT',
  boundaryEvent: 'BOUNDARY_EVENT',
  serviceTask: 'SERVICE_TASK',
  sendTask: 'SEND_TASK',
  scriptTask: 'SCRIPT_TASK',
  businessRuleTask: 'BUSINESS_RULE_TASK',
  userTask: 'USER_TASK',
  receiveTask: 'RECEIVE_TASK',
  manualTask: 'MANUAL_TASK',
  task: 'TASK',
  exclusiveGateway: 'EXCLUSIVE_GATEWAY',
  parallelGateway: 'PARALLEL_GATEWAY',
  inclusiveGateway: 'INCLUSIVE_GATEWAY',
  eventBasedGateway: 'EVENT_BASED_GATEWAY',
  subProcess: 'SUB_PROCESS',
  adHocSubProcess: 'AD_HOC_SUB_PROCESS',
  callActivity: 'CALL_ACTIVITY',
};

export function apiElementType(node: FlowNode): string {
  if (node.type === 'subProcess' && node.triggeredByEvent) return 'EVENT_SUB_PROCESS';
  return API_TYPES[node.type];
}

export function processOf(ctx: Ctx, ei: Pick<ElementInstanceRow, 'process_definition_key'>): CompiledProcess {
  return ctx.definition(ei.process_definition_key).process;
}

export function nodeOf(ctx: Ctx, ei: ElementInstanceRow): FlowNode | undefined {
  return processOf(ctx, ei).elements[ei.element_id];
}

export function requireNode(process: CompiledProcess, elementId: string): FlowNode {
  const node = process.elements[elementId];
  if (!node) throw new Error(`Element '${elementId}' is not part of process '${process.id}'`);
  return node;
}

/** Direct children of a scope: the process (scopeElementId undefined) or a sub-process. */
export function childrenOf(process: CompiledProcess, scopeElementId: string | undefined): FlowNode[] {
  return Object.values(process.elements).filter((n) => n.parentId === scopeElementId);
}

export function isNoneStart(node: FlowNode): boolean {
  return node.type === 'startEvent' && (!node.eventDefinition || node.eventDefinition.kind === 'none');
}

/** The start event of an event sub-process (the one child start event it has). */
export function eventSubprocessStart(process: CompiledProcess, subprocess: FlowNode): FlowNode | undefined {
  return childrenOf(process, subprocess.id).find((n) => n.type === 'startEvent');
}

export function eventSubprocessesOf(process: CompiledProcess, scopeElementId: string | undefined): FlowNode[] {
  return childrenOf(process, scopeElementId).filter((n) => n.type === 'subProcess' && n.triggeredByEvent);
}

export function isScopeType(elementType: string): boolean {
  return elementType === ROOT_TYPE || elementType === 'SUB_PROCESS' || elementType === 'EVENT_SUB_PROCESS';
}

export function parseData(ei: ElementInstanceRow): ElementData {
  return JSON.parse(ei.data) as ElementData;
}

