import type { CompiledProcess, ElementType, FlowNode, SequenceFlow } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, documentationOf, expressionBody, extensionOf, extensionsOf, foreignAttributes } from './moddle';
import { compileEventDefinition, compileMessage } from './events';
import { compileScript } from './script';
import { compileStartForm } from './startForm';
import { compileJobUserTask, embeddedFormIdsOf } from './jobUserTask';
import { compileCallActivity, compileIoMapping, compileJob, compileMultiInstance, compileUserTask, type IoMappingRules } from './activities';
import { compileCalledDecision } from './decisions';
import { compileAdHoc } from './adHoc';
import { compileExecutionListeners, compileTaskListeners } from './listeners';
import {
  IGNORED_ATTRIBUTE_NAMESPACES,
  IGNORED_FLOW_ELEMENTS,
  REJECTED_EXTENSIONS,
  REJECTED_FLOW_NODES,
  SUPPORTED_EXTENSIONS,
  SUPPORTED_FLOW_NODES,
  type EventPosition,
  type TimerPosition,
} from './support';

/** Unknown attributes in these namespaces are already reported by the parser as warnings. */
const PARSER_NAMESPACES: ReadonlySet<string> = new Set(['http://www.omg.org/spec/BPMN/20100524/MODEL', 'http://camunda.org/schema/zeebe/1.0']);

type ScopeKind = 'process' | 'subProcess' | 'eventSubProcess' | 'adHocSubProcess';

const JOB_TASKS: ReadonlySet<ElementType> = new Set(['serviceTask', 'sendTask', 'scriptTask', 'businessRuleTask']);
const EVENTS: ReadonlySet<ElementType> = new Set(['startEvent', 'endEvent', 'intermediateCatchEvent', 'intermediateThrowEvent', 'boundaryEvent']);
const GATEWAYS: ReadonlySet<ElementType> = new Set(['exclusiveGateway', 'parallelGateway', 'inclusiveGateway', 'eventBasedGateway']);

export function isActivity(type: ElementType): boolean {
  return !EVENTS.has(type) && !GATEWAYS.has(type);
}

const IO_RULES: Readonly<Partial<Record<ElementType, IoMappingRules>>> = {
  startEvent: { inputs: false, outputs: true },
  boundaryEvent: { inputs: false, outputs: true },
  intermediateThrowEvent: { inputs: true, outputs: true },
};

/**
 * Turns one executable `bpmn:Process` into a CompiledProcess, reporting every construct the
 * engine cannot execute. The result is only meaningful when no findings were reported.
 */
export class ProcessCompiler {
  private readonly elements: Record<string, FlowNode> = {};
  private readonly flows: Record<string, SequenceFlow> = {};
  private readonly sources = new Map<string, ModdleElement>();
  /** Ids of refused elements: flows touching them are not reported again. */
  private readonly refused = new Set<string>();
  private startForm: CompiledProcess['startForm'];
  /** bpmn:association source → target ids: what links a compensation boundary event to its handler. */
  private readonly associations: [string, string][] = [];
  private embeddedFormIds: ReadonlySet<string> = new Set();

  constructor(
    private readonly findings: FindingCollector,
    /** xmlns prefix → namespace URI, from the definitions element. */
    private readonly namespaces: Record<string, string>,
  ) {}

  compile(process: ModdleElement): CompiledProcess {
    this.sources.set(process.id!, process);
    this.checkExtensions(process, ['zeebe:VersionTag', 'zeebe:Properties', 'zeebe:UserTaskForm', 'zeebe:ExecutionListeners']);
    this.embeddedFormIds = embeddedFormIdsOf(process, this.findings);
    this.checkForeignAttributes(process);
    this.compileScope(process, undefined, 'process');
    this.connectFlows();
    this.attachBoundaryEvents();
    this.linkCompensationHandlers();
    const compiled: CompiledProcess = {
      id: process.id!,
      elements: this.elements,
      flows: this.flows,
      startEventIds: Object.values(this.elements)
        .filter((e) => e.type === 'startEvent' && e.parentId === undefined)
        .map((e) => e.id),
    };
    const name = attr(process, 'name');
    if (name) compiled.name = name;
    const versionTag = attr(extensionOf(process, 'zeebe:VersionTag'), 'value');
    if (versionTag) compiled.versionTag = versionTag;
    if (this.startForm) compiled.startForm = this.startForm;
    const listeners = compileExecutionListeners(process, { type: 'process' }, this.findings);
    if (listeners) compiled.executionListeners = listeners;
    return compiled;
  }

  /** The moddle element a compiled node or flow came from, for validation messages. */
  sourceOf(id: string): ModdleElement {
    return this.sources.get(id)!;
  }

  private compileScope(container: ModdleElement, parentId: string | undefined, scope: ScopeKind): string[] {
    const childIds: string[] = [];
    for (const artifact of (container.artifacts as ModdleElement[] | undefined) ?? []) {
      const source = artifact.sourceRef?.id as string | undefined;
      const target = artifact.targetRef?.id as string | undefined;
      if (artifact.$type === 'bpmn:Association' && source && target) this.associations.push([source, target]);
    }
    for (const element of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (element.$type === 'bpmn:SequenceFlow') {
        this.compileFlow(element);
        continue;
      }
      if (IGNORED_FLOW_ELEMENTS.has(element.$type)) continue;
      const rejected = REJECTED_FLOW_NODES[element.$type];
      const type = SUPPORTED_FLOW_NODES[element.$type];
      if (rejected || !type) {
        if (element.id) this.refused.add(element.id);
        this.findings.report(element, `is not supported by the embedded engine: ${rejected ?? 'unknown flow element'}. Remove it or deploy to a Camunda 8 cluster.`);
        continue;
      }
      if (!element.id) {
        this.findings.report(element, 'has no id. Give every element an id.');
        continue;
      }
      const node = this.compileNode(element, type, parentId, scope);
      childIds.push(node.id);
    }
    return childIds;
  }

  private compileNode(element: ModdleElement, type: ElementType, parentId: string | undefined, scope: ScopeKind): FlowNode {
    const node: FlowNode = { id: element.id!, type, incoming: [], outgoing: [], boundaryEventIds: [] };
    this.elements[node.id] = node;
    this.sources.set(node.id, element);
    const name = attr(element, 'name');
    if (name) node.name = name;
    if (parentId) node.parentId = parentId;
    const documentation = documentationOf(element);
    if (documentation) node.documentation = documentation;

    const rejectedExtensions = this.checkExtensions(element, SUPPORTED_EXTENSIONS[type]);
    this.checkForeignAttributes(element);
    this.checkExecutionSemantics(element);

    if (EVENTS.has(type)) this.compileEvent(element, node, scope);
    assign(node, 'executionListeners', compileExecutionListeners(element, node, this.findings));
    if (JOB_TASKS.has(type)) this.compileJobTask(element, node, rejectedExtensions);
    if (type === 'userTask' && extensionOf(element, 'zeebe:UserTask')) {
      assign(node, 'userTask', compileUserTask(element, this.findings));
      if (node.userTask) assign(node.userTask, 'taskListeners', compileTaskListeners(element, true, this.findings));
    } else if (type === 'userTask') {
      node.job = compileJobUserTask(element, this.embeddedFormIds, this.findings);
      compileTaskListeners(element, false, this.findings);
    }
    if (type === 'callActivity') assign(node, 'callActivity', compileCallActivity(element, this.findings));
    if (type === 'receiveTask') assign(node, 'eventDefinition', compileMessage(element, element.messageRef, 'receiveTask', this.findings));
    if (type === 'subProcess') this.compileSubProcess(element, node);
    if (type === 'adHocSubProcess') {
      node.adHoc = compileAdHoc(element, this.findings);
      node.childIds = this.compileScope(element, node.id, 'adHocSubProcess');
    }
    if (GATEWAYS.has(type) && element.default?.id) node.defaultFlow = element.default.id;
    if (isActivity(type)) assign(node, 'multiInstance', compileMultiInstance(element, this.findings));
    if (element.isForCompensation === true) node.isForCompensation = true;
    const ioMapping = compileIoMapping(element, ioRulesOf(node), this.findings);
    if (ioMapping && (ioMapping.inputs.length > 0 || ioMapping.outputs.length > 0)) node.ioMapping = ioMapping;
    return node;
  }

  private compileEvent(element: ModdleElement, node: FlowNode, scope: ScopeKind): void {
    const position = eventPosition(node.type, scope);
    if (node.type === 'startEvent' && scope === 'eventSubProcess') node.isInterrupting = element.isInterrupting !== false;
    if (node.type === 'boundaryEvent') {
      node.cancelActivity = element.cancelActivity !== false;
      const host = element.attachedToRef?.id as string | undefined;
      if (host) node.attachedToRef = host;
      else this.findings.report(element, 'is a boundary event that is not attached to an activity. Attach it to a task or subprocess.');
    }
    const timerPosition = timerPositionOf(node, position);
    assign(node, 'eventDefinition', compileEventDefinition(element, position, this.findings, timerPosition));
    this.compileThrowJob(element, node);
    if (node.type === 'startEvent') {
      const form = compileStartForm(element, position === 'processStart' && node.eventDefinition?.kind === 'none', this.findings);
      if (form) this.startForm = form;
    }
  }

  /** Message throw and end events run as job workers in Zeebe 8.8; a job definition on any other event would do nothing. */
  private compileThrowJob(element: ModdleElement, node: FlowNode): void {
    const hasJob = extensionOf(element, 'zeebe:TaskDefinition') !== undefined;
    if (node.eventDefinition?.kind === 'messageThrow') {
      if (hasJob) assign(node, 'job', compileJob(element, this.findings));
      else this.findings.report(element, "throws a message without a job definition. Must have exactly one 'zeebe:taskDefinition' extension element: add a job type (e.g. \"skicka-meddelande\") and a job worker that publishes the message.");
      return;
    }
    if (hasJob || extensionOf(element, 'zeebe:TaskHeaders')) {
      this.findings.report(element, 'has a job definition (zeebe:taskDefinition/taskHeaders), but only message throw and message end events run as job workers. Remove it or make it a message event.');
    }
  }

  private compileJobTask(element: ModdleElement, node: FlowNode, rejectedExtensions: string[]): void {
    if (node.type === 'scriptTask' && extensionOf(element, 'zeebe:Script')) {
      assign(node, 'script', compileScript(element, this.findings));
      return;
    }
    if (node.type === 'businessRuleTask' && extensionOf(element, 'zeebe:CalledDecision')) {
      assign(node, 'calledDecision', compileCalledDecision(element, this.findings));
      return;
    }
    const scriptLike = node.type === 'scriptTask' || node.type === 'businessRuleTask';
    if (scriptLike && !extensionOf(element, 'zeebe:TaskDefinition')) {
      // Neither implementation: say what the task needs (a rejected extension was already reported as the reason).
      if (rejectedExtensions.length === 0) {
        const what = node.type === 'scriptTask'
          ? "script tasks run here as FEEL scripts or job workers: Must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension element (in Camunda Modeler: Implementation \"FEEL expression\" or \"Job worker\"). Add one"
          : "business rule tasks run here as DMN decisions or job workers: Must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' extension element (in Camunda Modeler: Implementation \"DMN decision\" or \"Job worker\"). Add one";
        this.findings.report(element, `is not supported by the embedded engine: ${what}, remove it or deploy to a Camunda 8 cluster.`);
      }
      return;
    }
    assign(node, 'job', compileJob(element, this.findings));
  }

  private compileSubProcess(element: ModdleElement, node: FlowNode): void {
    const eventTriggered = element.triggeredByEvent === true;
    if (eventTriggered) node.triggeredByEvent = true;
    node.childIds = this.compileScope(element, node.id, eventTriggered ? 'eventSubProcess' : 'subProcess');
  }

  private compileFlow(element: ModdleElement): void {
    const sourceRef = element.sourceRef?.id as string | undefined;
    const targetRef = element.targetRef?.id as string | undefined;
    if (!element.id || !sourceRef || !targetRef) {
      this.findings.report(element, 'is a sequence flow without source or target. Connect both ends or delete it.');
      return;
    }
    const flow: SequenceFlow = { id: element.id, sourceRef, targetRef };
    const name = attr(element, 'name');
    if (name) flow.name = name;
    const condition = expressionBody(element.conditionExpression);
    if (condition !== undefined) {
      if (condition.startsWith('=')) flow.condition = condition;
      else this.findings.report(element, `has the condition '${condition}', which is not a FEEL expression. Start it with '=' (e.g. =beslut = "bifall").`);
    }
    this.checkForeignAttributes(element);
    this.checkExtensions(element, ['zeebe:Properties']);
    this.flows[flow.id] = flow;
    this.sources.set(flow.id, element);
  }

  /** Incoming/outgoing are derived from the flows themselves; the optional XML child elements may be missing. */
  private connectFlows(): void {
    for (const flow of Object.values(this.flows)) {
      const source = this.elements[flow.sourceRef];
      const target = this.elements[flow.targetRef];
      if (!source || !target) {
        if (this.refused.has(flow.sourceRef) || this.refused.has(flow.targetRef)) continue;
        const missing = !source ? flow.sourceRef : flow.targetRef;
        this.findings.report(this.sourceOf(flow.id), `connects to '${missing}', which is not an executable element of this process. Reconnect or delete the flow.`);
        continue;
      }
      source.outgoing.push(flow.id);
      target.incoming.push(flow.id);
    }
  }

  private attachBoundaryEvents(): void {
    for (const node of Object.values(this.elements)) {
      if (node.type !== 'boundaryEvent' || !node.attachedToRef) continue;
      const host = this.elements[node.attachedToRef];
      if (!host || !isActivity(host.type)) {
        this.findings.report(this.sourceOf(node.id), `is attached to '${node.attachedToRef}', which is not an activity of this process. Attach it to a task or subprocess.`);
        continue;
      }
      if (host.parentId !== node.parentId) {
        this.findings.report(this.sourceOf(node.id), `lies in another (sub)process than its host '${host.id}'. Place the boundary event on the border of its host.`);
        continue;
      }
      host.boundaryEventIds.push(node.id);
    }
  }

  /** A compensation boundary event names its handler through an association (either direction, as modelers draw it). */
  private linkCompensationHandlers(): void {
    for (const boundary of Object.values(this.elements)) {
      if (boundary.type !== 'boundaryEvent' || boundary.eventDefinition?.kind !== 'compensation' || !boundary.attachedToRef) continue;
      const handlers = this.associations
        .map(([source, target]) => (source === boundary.id ? target : target === boundary.id ? source : undefined))
        .filter((id): id is string => id !== undefined && this.elements[id] !== undefined);
      if (handlers.length !== 1) {
        this.findings.report(this.sourceOf(boundary.id), `is a compensation boundary event with ${handlers.length} associated compensation handlers. Connect it by an association to exactly one activity marked "for compensation".`);
        continue;
      }
      const host = this.elements[boundary.attachedToRef];
      if (host) host.compensationHandlerId = handlers[0]!;
    }
  }

  /** Reports refused and unknown extension elements; returns the refused zeebe:* types found. */
  private checkExtensions(element: ModdleElement, supported: readonly string[]): string[] {
    const rejected: string[] = [];
    for (const extension of extensionsOf(element)) {
      if (supported.includes(extension.$type)) continue;
      const reason = REJECTED_EXTENSIONS[extension.$type];
      if (reason) {
        rejected.push(extension.$type);
        this.findings.report(element, `is not supported by the embedded engine: ${reason}. Remove it or deploy to a Camunda 8 cluster.`);
      } else {
        this.findings.report(element, `has the extension element <${extension.$type}>, which the embedded engine does not understand here. Remove it.`);
      }
    }
    return rejected;
  }

  /** Attributes from other engines (e.g. Camunda 7 camunda:class) would silently do nothing here. */
  private checkForeignAttributes(element: ModdleElement): void {
    for (const name of foreignAttributes(element)) {
      // Unprefixed unknown attributes are in the BPMN namespace: the parser already warned.
      if (!name.includes(':')) continue;
      const prefix = name.slice(0, name.indexOf(':'));
      const namespace = this.namespaces[prefix];
      if (namespace && (IGNORED_ATTRIBUTE_NAMESPACES.has(namespace) || PARSER_NAMESPACES.has(namespace))) continue;
      this.findings.report(element, `has the attribute '${name}'${namespace ? ` (namespace ${namespace})` : ''}, which the embedded engine does not understand. Remove it.`);
    }
  }

  private checkExecutionSemantics(element: ModdleElement): void {
    const dataAssociations = [...(element.dataInputAssociations ?? []), ...(element.dataOutputAssociations ?? [])];
    if (dataAssociations.length > 0) {
      this.findings.report(element, 'has data input/output associations, which the engine cannot execute. Use zeebe:ioMapping inputs and outputs instead.');
    }
    if (element.ioSpecification) {
      this.findings.report(element, 'has a bpmn:ioSpecification, which the engine cannot execute. Use zeebe:ioMapping inputs and outputs instead.');
    }
  }
}

/**
 * Where Zeebe 8.8 applies variable mappings (its element processors): outputs on every event that completes,
 * inputs on catch events (before the subscription, so a correlation key can use them) and on throw and end
 * events. A link catch completes at once without applying inputs; an end event has no outputs unless a job
 * worker completes it.
 */
function ioRulesOf(node: FlowNode): IoMappingRules {
  const link = node.eventDefinition?.kind === 'link';
  if (node.type === 'intermediateCatchEvent') return { inputs: !link, outputs: true };
  if (node.type === 'endEvent') return { inputs: true, outputs: node.job !== undefined };
  return IO_RULES[node.type] ?? { inputs: true, outputs: true };
}

function eventPosition(type: ElementType, scope: ScopeKind): EventPosition {
  switch (type) {
    case 'startEvent':
      return scope === 'process' ? 'processStart' : scope === 'eventSubProcess' ? 'eventSubProcessStart' : 'subProcessStart';
    case 'endEvent':
      return 'end';
    case 'intermediateCatchEvent':
      return 'intermediateCatch';
    case 'intermediateThrowEvent':
      return 'intermediateThrow';
    default:
      return 'boundary';
  }
}

function timerPositionOf(node: FlowNode, position: EventPosition): TimerPosition | undefined {
  switch (position) {
    case 'processStart':
    case 'intermediateCatch':
      return position;
    case 'eventSubProcessStart':
      return node.isInterrupting === false ? 'nonInterruptingEventSubProcessStart' : 'interruptingEventSubProcessStart';
    case 'boundary':
      return node.cancelActivity === false ? 'nonInterruptingBoundary' : 'interruptingBoundary';
    default:
      return undefined;
  }
}

function assign<T extends object, K extends keyof T>(node: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) node[key] = value;
}
