import type { FlowNode } from '../../model/types';
import type { ElementInstanceRow } from '../context';
import { MI_BODY_TYPE, ROOT_TYPE } from '../model';
import { adHocSubProcess } from './adHocSubProcess';
import { businessRuleTask } from './businessRuleTask';
import { callActivity } from './callActivity';
import { eventSubProcess } from './eventSubProcess';
import { boundaryEvent, endEvent, intermediateCatchEvent, intermediateThrowEvent, startEvent } from './events';
import { eventBasedGateway, exclusiveGateway, inclusiveGateway, parallelGateway } from './gateways';
import { sendTask, serviceTask } from './jobWorkerTasks';
import { multiInstanceBody } from './multiInstanceBody';
import { processRoot } from './process';
import { scriptTask } from './scriptTask';
import { subProcess } from './subProcess';
import { manualTask, receiveTask, task } from './tasks';
import type { BehaviourKind, BehaviourTable, ElementBehaviour } from './types';
import { userTask } from './userTask';

export type { ElementBehaviour, HookArgs, SharedBehaviours } from './types';

/** One behaviour per kind of element instance (Zeebe's BpmnElementProcessors); a kind left out does not compile. */
export const BEHAVIOURS: BehaviourTable = {
  process: processRoot,
  multiInstanceBody,
  startEvent,
  endEvent,
  intermediateCatchEvent,
  intermediateThrowEvent,
  boundaryEvent,
  serviceTask,
  sendTask,
  scriptTask,
  businessRuleTask,
  userTask,
  receiveTask,
  manualTask,
  task,
  exclusiveGateway,
  parallelGateway,
  inclusiveGateway,
  eventBasedGateway,
  subProcess,
  eventSubProcess,
  adHocSubProcess,
  callActivity,
};

/** The kind of an element instance: the engine's wrappers by their element type, BPMN elements by their node. */
export function behaviourKind(ei: ElementInstanceRow, node: FlowNode | undefined): BehaviourKind {
  if (ei.element_type === ROOT_TYPE || !node) return 'process';
  if (ei.element_type === MI_BODY_TYPE) return 'multiInstanceBody';
  if (node.type === 'subProcess' && node.triggeredByEvent) return 'eventSubProcess';
  return node.type;
}

/** The behaviour of any element instance, given its compiled node (none for the process root). */
export function behaviourOfInstance(ei: ElementInstanceRow, node: FlowNode | undefined): ElementBehaviour<FlowNode | undefined> {
  return BEHAVIOURS[behaviourKind(ei, node)];
}

/** The behaviour of a BPMN element instance (any kind but the process root). */
export function behaviourOf(ei: ElementInstanceRow, node: FlowNode): ElementBehaviour {
  const kind = behaviourKind(ei, node);
  if (kind === 'process') throw new Error(`Element instance ${ei.key} of '${node.id}' is a process root`);
  return BEHAVIOURS[kind];
}
