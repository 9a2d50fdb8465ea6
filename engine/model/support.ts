/**
 * What the embedded engine can execute, in one place so a process owner can read it.
 * Everything not listed here is refused at deploy time with a finding that names the element.
 * docs/engine-bpmn-support.md is the prose version of this file; keep them in step.
 */
import type { ElementType } from './types';

/** BPMN flow nodes that compile to an executable element. */
export const SUPPORTED_FLOW_NODES: Readonly<Record<string, ElementType>> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:IntermediateCatchEvent': 'intermediateCatchEvent',
  'bpmn:IntermediateThrowEvent': 'intermediateThrowEvent',
  'bpmn:BoundaryEvent': 'boundaryEvent',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:SendTask': 'sendTask',
  'bpmn:ScriptTask': 'scriptTask',
  'bpmn:BusinessRuleTask': 'businessRuleTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ReceiveTask': 'receiveTask',
  'bpmn:ManualTask': 'manualTask',
  'bpmn:Task': 'task',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:ParallelGateway': 'parallelGateway',
  'bpmn:EventBasedGateway': 'eventBasedGateway',
  // Split only: an inclusive join (several incoming flows) is refused in validate.ts.
  'bpmn:InclusiveGateway': 'inclusiveGateway',
  'bpmn:SubProcess': 'subProcess',
  'bpmn:AdHocSubProcess': 'adHocSubProcess',
  'bpmn:CallActivity': 'callActivity',
};

/** Flow elements that are accepted but have no execution semantics (documentation only). */
export const IGNORED_FLOW_ELEMENTS: ReadonlySet<string> = new Set([
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
]);

/** BPMN flow nodes that are refused, with the reason and what to do instead. */
export const REJECTED_FLOW_NODES: Readonly<Record<string, string>> = {
  'bpmn:ComplexGateway': 'complex gateways are not supported (not by Zeebe either). Use exclusive or parallel gateways',
  'bpmn:Transaction': 'transaction subprocesses are not supported. Use an embedded subprocess',
  'bpmn:CallChoreography': 'choreographies are not executable',
  'bpmn:SubChoreography': 'choreographies are not executable',
  'bpmn:ChoreographyTask': 'choreographies are not executable',
  'bpmn:ImplicitThrowEvent': 'implicit throw events are not executable',
};

/** Where an event sits decides which event definitions it may carry. */
export type EventPosition =
  | 'processStart'
  | 'subProcessStart'
  | 'eventSubProcessStart'
  | 'end'
  | 'intermediateCatch'
  | 'intermediateThrow'
  | 'boundary';

export type EventKind = 'none' | 'terminate' | 'timer' | 'message' | 'signal' | 'error' | 'escalation' | 'link' | 'compensation';

export const SUPPORTED_EVENTS: Readonly<Record<EventPosition, readonly EventKind[]>> = {
  processStart: ['none', 'timer', 'message', 'signal'],
  subProcessStart: ['none'],
  eventSubProcessStart: ['timer', 'message', 'signal', 'error', 'escalation'],
  // Message end and throw events run as job workers (zeebe:taskDefinition), as in Zeebe 8.8.
  end: ['none', 'terminate', 'error', 'escalation', 'signal', 'message', 'compensation'],
  intermediateCatch: ['timer', 'message', 'signal', 'link'],
  intermediateThrow: ['none', 'escalation', 'signal', 'message', 'link', 'compensation'],
  boundary: ['timer', 'message', 'signal', 'error', 'escalation', 'compensation'],
};

/**
 * Timer kinds allowed per position (Zeebe rules): a cycle repeats, so it needs a place where the
 * scope survives the first firing: process starts and non-interrupting events only.
 */
export type TimerPosition =
  | 'processStart'
  | 'interruptingEventSubProcessStart'
  | 'nonInterruptingEventSubProcessStart'
  | 'intermediateCatch'
  | 'interruptingBoundary'
  | 'nonInterruptingBoundary';

export const SUPPORTED_TIMERS: Readonly<Record<TimerPosition, readonly ('duration' | 'date' | 'cycle')[]>> = {
  processStart: ['date', 'cycle'],
  interruptingEventSubProcessStart: ['duration', 'date'],
  nonInterruptingEventSubProcessStart: ['duration', 'date', 'cycle'],
  intermediateCatch: ['duration', 'date'],
  interruptingBoundary: ['duration', 'date'],
  nonInterruptingBoundary: ['duration', 'date', 'cycle'],
};

/** Only these hosts can receive an escalation from inside (Zeebe rule). */
export const ESCALATION_BOUNDARY_HOSTS: readonly ElementType[] = ['subProcess', 'adHocSubProcess', 'callActivity'];

/** Event definitions that are refused wherever they appear, with the reason. */
export const REJECTED_EVENT_DEFINITIONS: Readonly<Record<string, string>> = {
  'bpmn:ConditionalEventDefinition': 'conditional events are not supported by the embedded engine. Use a message or timer event',
  'bpmn:CancelEventDefinition': 'cancel events are not supported (they need transaction subprocesses)',
};

/** zeebe:* extension elements the engine understands, per compiled element kind. */
const ACTIVITY_COMMON = ['zeebe:IoMapping', 'zeebe:Properties', 'zeebe:ExecutionListeners'] as const;
const JOB_EXTENSIONS = [...ACTIVITY_COMMON, 'zeebe:TaskDefinition', 'zeebe:TaskHeaders'] as const;
/** Throw and end events: a job definition is only valid with a message event definition (checked in compile.ts). */
const THROW_EXTENSIONS = [...ACTIVITY_COMMON, 'zeebe:TaskDefinition', 'zeebe:TaskHeaders'] as const;
/** Gateways and catch events: no mappings where Zeebe would ignore them (see compile.ts ioRulesOf). */
const GATEWAY_EXTENSIONS = ['zeebe:Properties', 'zeebe:ExecutionListeners'] as const;

export const SUPPORTED_EXTENSIONS: Readonly<Record<ElementType, readonly string[]>> = {
  startEvent: [...ACTIVITY_COMMON, 'zeebe:FormDefinition'],
  endEvent: THROW_EXTENSIONS,
  intermediateCatchEvent: ACTIVITY_COMMON,
  intermediateThrowEvent: THROW_EXTENSIONS,
  boundaryEvent: ACTIVITY_COMMON,
  serviceTask: JOB_EXTENSIONS,
  sendTask: JOB_EXTENSIONS,
  scriptTask: [...JOB_EXTENSIONS, 'zeebe:Script'],
  businessRuleTask: [...JOB_EXTENSIONS, 'zeebe:CalledDecision'],
  userTask: [
    ...ACTIVITY_COMMON,
    'zeebe:UserTask',
    'zeebe:AssignmentDefinition',
    'zeebe:TaskSchedule',
    'zeebe:FormDefinition',
    'zeebe:PriorityDefinition',
    'zeebe:TaskHeaders',
    'zeebe:TaskListeners',
  ],
  receiveTask: ACTIVITY_COMMON,
  manualTask: ACTIVITY_COMMON,
  task: ACTIVITY_COMMON,
  exclusiveGateway: GATEWAY_EXTENSIONS,
  parallelGateway: GATEWAY_EXTENSIONS,
  inclusiveGateway: GATEWAY_EXTENSIONS,
  eventBasedGateway: GATEWAY_EXTENSIONS,
  subProcess: ACTIVITY_COMMON,
  adHocSubProcess: [...ACTIVITY_COMMON, 'zeebe:AdHoc'],
  callActivity: [...ACTIVITY_COMMON, 'zeebe:CalledElement'],
};

/** Extensions the engine knows but refuses, with the reason and what to do instead. */
export const REJECTED_EXTENSIONS: Readonly<Record<string, string>> = {
  'zeebe:LinkedResources': 'linked resources are not supported by the embedded engine',
  'zeebe:ConditionalFilter': 'conditional events are not supported by the embedded engine',
  'zeebe:JobPriorityDefinition': 'job priorities are not supported by the embedded engine',
  'zeebe:AgentDefinition': 'AI agent definitions are not supported by the embedded engine',
};

/** Non-executable diagram content that is accepted and ignored. */
export const IGNORED_ARTIFACTS = ['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group', 'bpmn:LaneSet', 'bpmn:Collaboration', 'bpmn:Participant'];

/** XML namespaces whose attributes carry no execution semantics (modeler metadata, diagram colours). */
export const IGNORED_ATTRIBUTE_NAMESPACES: ReadonlySet<string> = new Set([
  'http://camunda.org/schema/modeler/1.0',
  'http://bpmn.io/schema/bpmn/biocolor/1.0',
  'http://www.omg.org/spec/BPMN/non-normative/color/1.0',
  'http://www.w3.org/2001/XMLSchema-instance',
]);
