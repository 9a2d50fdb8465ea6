/**
 * The compiled, executable form of a BPMN process: what `engine/model` produces from BPMN XML
 * and what `engine/runtime` executes. Plain JSON-serialisable data so it can be stored with the
 * deployment and reloaded after a restart without re-parsing XML.
 *
 * Expressions are kept as written in the diagram: a string starting with `=` is FEEL, anything
 * else is a static value (Zeebe semantics). Evaluation happens in `engine/feel`.
 */

export type ElementType =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'serviceTask'
  | 'sendTask'
  | 'scriptTask'
  | 'businessRuleTask'
  | 'userTask'
  | 'receiveTask'
  | 'manualTask'
  | 'task'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'adHocSubProcess'
  | 'callActivity';

export type EventDefinition =
  | { kind: 'none' }
  | { kind: 'terminate' }
  | { kind: 'timer'; timer: TimerDefinition }
  | { kind: 'message'; messageName: string; correlationKey?: string }
  | { kind: 'signal'; signalName: string }
  | { kind: 'error'; errorCode?: string; errorCodeVariable?: string; errorMessageVariable?: string }
  | { kind: 'escalation'; escalationCode?: string; escalationCodeVariable?: string }
  /** Link throw/catch pair within one scope, matched by name. */
  | { kind: 'link'; linkName: string }
  /** Message throw/end events: Zeebe runs them only as job workers, so the message name is informational. */
  | { kind: 'messageThrow'; messageName?: string }
  /** Compensation boundary (activityRef unset) or throw/end event: compensates activityRef, or every compensable activity of its scope. */
  | { kind: 'compensation'; activityRef?: string };

/** `expression` is an ISO 8601 duration / date-time / repeating interval, or a FEEL expression producing one. */
export interface TimerDefinition {
  type: 'duration' | 'date' | 'cycle';
  expression: string;
}

export interface Mapping {
  /** FEEL expression (`=...`) or static value. */
  source: string;
  /** Variable name, possibly a dotted path (`a.b`), as in zeebe:input/output `target`. */
  target: string;
}

export interface IoMapping {
  inputs: Mapping[];
  outputs: Mapping[];
}

export interface MultiInstance {
  isSequential: boolean;
  inputCollection: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
}

export interface JobDefinition {
  /** zeebe:taskDefinition type (expression or static). */
  type: string;
  /** zeebe:taskDefinition retries (expression or static), default "3". */
  retries: string;
  headers: Record<string, string>;
  /** Job-based user tasks: header name → expression, evaluated when the job is created (assignee, candidate lists as JSON arrays, dates). */
  userTaskHeaders?: Record<string, string>;
}

/** zeebe:executionListener: a job (kind EXECUTION_LISTENER) the element waits for when it starts or ends. */
export interface ExecutionListener {
  eventType: 'start' | 'end';
  /** Job type (expression or static). */
  type: string;
  /** Job retries (expression or static), default "3". */
  retries: string;
}

/** User task lifecycle events a zeebe:taskListener can listen to (Camunda 8.8). */
export type TaskListenerEventType = 'creating' | 'assigning' | 'updating' | 'completing' | 'canceling';

/** zeebe:taskListener: a blocking job (kind TASK_LISTENER) run on a lifecycle transition of a Camunda user task. */
export interface TaskListener {
  eventType: TaskListenerEventType;
  type: string;
  retries: string;
}

/** zeebe:script: a FEEL expression evaluated by the engine, its result stored under resultVariable. */
export interface ScriptDefinition {
  expression: string;
  resultVariable: string;
}

export interface UserTaskDefinition {
  assignee?: string;
  /** Expression or comma-separated static list. */
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  /** Linked Camunda Form: zeebe:formDefinition formId (+ bindingType) */
  formId?: string;
  formBindingType?: 'latest' | 'deployment' | 'versionTag';
  formVersionTag?: string;
  /** zeebe:formDefinition externalReference, passed through to Tasklist-like clients. */
  externalFormReference?: string;
  /** zeebe:userTaskForm embedded form (legacy); stored as JSON string. */
  embeddedForm?: string;
  headers: Record<string, string>;
  /** zeebe:taskListeners in diagram order. */
  taskListeners?: TaskListener[];
}

export interface CallActivityDefinition {
  processId: string;
  propagateAllChildVariables: boolean;
  propagateAllParentVariables: boolean;
  bindingType?: 'latest' | 'deployment' | 'versionTag';
  /** zeebe:calledElement versionTag, set when bindingType is 'versionTag'. */
  versionTag?: string;
}

/** bpmn:adHocSubProcess with zeebe:adHoc (BPMN implementation, as in Zeebe 8.8). */
export interface AdHocDefinition {
  /** FEEL list of inner element ids activated on entry (zeebe:adHoc activeElementsCollection). */
  activeElementsCollection?: string;
  /** FEEL boolean evaluated whenever a path inside completes. */
  completionCondition?: string;
  /** Terminate the inner instances still active once the completion condition holds (BPMN default true). */
  cancelRemainingInstances: boolean;
}

export interface CalledDecisionDefinition {
  /** The decision id, static or a FEEL expression (`=...`). */
  decisionId: string;
  resultVariable: string;
  bindingType: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
}

export interface FlowNode {
  id: string;
  name?: string;
  type: ElementType;
  /** Id of the enclosing subProcess, or undefined when directly in the process. */
  parentId?: string;
  incoming: string[];
  outgoing: string[];
  /** Events: start/end/catch/throw/boundary; receive tasks carry their message here too. Undefined otherwise. */
  eventDefinition?: EventDefinition;
  /** Boundary events: host activity and whether it interrupts. */
  attachedToRef?: string;
  cancelActivity?: boolean;
  /** Activities: ids of boundary events attached to this activity. */
  boundaryEventIds: string[];
  /** Start events of event subprocesses: interrupting? */
  isInterrupting?: boolean;
  /** subProcess with triggeredByEvent=true */
  triggeredByEvent?: boolean;
  /** Gateways: default sequence flow id. */
  defaultFlow?: string;
  ioMapping?: IoMapping;
  multiInstance?: MultiInstance;
  job?: JobDefinition;
  script?: ScriptDefinition;
  userTask?: UserTaskDefinition;
  callActivity?: CallActivityDefinition;
  /** Business rule tasks evaluated by the engine (zeebe:calledDecision) instead of a job worker. */
  calledDecision?: CalledDecisionDefinition;
  adHoc?: AdHocDefinition;
  /** zeebe:executionListeners in diagram order (on multi-instance activities they run around each inner instance). */
  executionListeners?: ExecutionListener[];
  /** Activities: isForCompensation="true", run only as the compensation handler of another activity. */
  isForCompensation?: boolean;
  /** Activities with a compensation boundary event: the handler associated with that boundary event. */
  compensationHandlerId?: string;
  /** Child flow node ids of a subProcess or adHocSubProcess. */
  childIds?: string[];
  documentation?: string;
}

export interface SequenceFlow {
  id: string;
  name?: string;
  sourceRef: string;
  targetRef: string;
  /** FEEL condition expression (with leading `=`), if any. */
  condition?: string;
}

/** A deployed Camunda Form referenced by id, resolved by binding when it is needed. */
export interface FormLink {
  formId: string;
  bindingType: 'latest' | 'deployment' | 'versionTag';
  versionTag?: string;
}

export interface CompiledProcess {
  id: string;
  name?: string;
  versionTag?: string;
  /** zeebe:formDefinition on the none start event of the process. */
  startForm?: FormLink;
  /** zeebe:executionListeners of the process itself. */
  executionListeners?: ExecutionListener[];
  elements: Record<string, FlowNode>;
  flows: Record<string, SequenceFlow>;
  /** Ids of top-level start events (none, timer, message) in the process scope. */
  startEventIds: string[];
}

/** A diagram element the engine cannot execute; deploy is refused with these. */
export interface UnsupportedFinding {
  elementId: string;
  message: string;
}
