import type { ElementType, EventDefinition, ExecutionListener, TaskListener, TaskListenerEventType } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, extensionOf } from './moddle';

/**
 * zeebe:executionListeners and zeebe:taskListeners, validated as Zeebe 8.8 validates them (the messages are
 * Zeebe's where it has one). Runtime: engine/runtime/listeners.ts.
 */

const GATEWAYS: ReadonlySet<ElementType> = new Set(['exclusiveGateway', 'parallelGateway', 'inclusiveGateway', 'eventBasedGateway']);

/** Where a listener sits: a flow node (type + event definition) or the process itself. */
export interface ListenerHost {
  type: ElementType | 'process';
  eventDefinition?: EventDefinition;
}

export function compileExecutionListeners(element: ModdleElement, host: ListenerHost, findings: FindingCollector): ExecutionListener[] | undefined {
  const container = extensionOf(element, 'zeebe:ExecutionListeners');
  if (!container) return undefined;
  const listeners: ExecutionListener[] = [];
  for (const listener of (container.listeners as ModdleElement[] | undefined) ?? []) {
    const eventType = attr(listener, 'eventType');
    const type = attr(listener, 'type');
    if (eventType !== 'start' && eventType !== 'end') {
      findings.report(element, `has an execution listener with eventType '${eventType ?? ''}'. Execution listeners listen to 'start' or 'end'.`);
      continue;
    }
    if (!type) {
      findings.report(element, `has a '${eventType}' execution listener without a job type. Set its type (e.g. "berakna-datum") so a job worker can pick it up.`);
      continue;
    }
    listeners.push({ eventType, type, retries: attr(listener, 'retries') ?? '3' });
  }
  for (const problem of placementProblems(host, listeners)) findings.report(element, problem);
  for (const problem of duplicates(listeners, (l) => `${l.eventType}|${l.type}`)) {
    const [eventType, type] = problem.key.split('|');
    findings.report(element, `has execution listeners that repeat each other: Found '${problem.count}' duplicates based on eventType[${eventType}] and type[${type}], these combinations should be unique.`);
  }
  return listeners.length > 0 ? listeners : undefined;
}

/** Zeebe's element validators: where an element cannot run start or end listeners by its nature. */
function placementProblems(host: ListenerHost, listeners: ExecutionListener[]): string[] {
  const has = (eventType: 'start' | 'end') => listeners.some((l) => l.eventType === eventType);
  const kind = host.eventDefinition?.kind;
  const problems: string[] = [];
  if (host.type === 'startEvent' && has('start')) problems.push("Execution listeners of type 'start' are not supported by start events. Use a start listener of the (sub)process instead.");
  if (host.type === 'boundaryEvent' && kind === 'compensation' && listeners.length > 0) {
    problems.push("Execution listeners of type 'start' and 'end' are not supported by [compensation] boundary events. Put them on the compensation handler.");
  } else if (host.type === 'boundaryEvent' && has('start')) {
    problems.push("Execution listeners of type 'start' are not supported by boundary events. Use a start listener of the activity the event is attached to.");
  }
  if (host.type !== 'process' && GATEWAYS.has(host.type) && has('end')) {
    problems.push("Execution listeners of type 'end' are not supported by gateway element. Use a start listener on the element after the gateway.");
  }
  if (host.type === 'endEvent' && (kind === 'error' || kind === 'escalation') && has('end')) {
    problems.push("Execution listeners of type 'end' are not supported by [escalation, error] end events. Put them on the catching event.");
  }
  return problems;
}

const TASK_LISTENER_EVENTS: readonly TaskListenerEventType[] = ['creating', 'assigning', 'updating', 'completing', 'canceling'];
/** The names of Camunda 8.6/8.7, still accepted by Zeebe 8.8. */
const DEPRECATED_TASK_LISTENER_EVENTS: Readonly<Record<string, TaskListenerEventType>> = { assignment: 'assigning', update: 'updating', complete: 'completing' };

export function compileTaskListeners(element: ModdleElement, camundaUserTask: boolean, findings: FindingCollector): TaskListener[] | undefined {
  const container = extensionOf(element, 'zeebe:TaskListeners');
  if (!container) return undefined;
  const listeners: TaskListener[] = [];
  for (const listener of (container.listeners as ModdleElement[] | undefined) ?? []) {
    const written = attr(listener, 'eventType') ?? '';
    const eventType = TASK_LISTENER_EVENTS.find((e) => e === written) ?? DEPRECATED_TASK_LISTENER_EVENTS[written];
    const type = attr(listener, 'type');
    if (!eventType) {
      findings.report(element, `has a task listener with eventType '${written}': Task listener event type '${written}' is not supported. Currently, only '${TASK_LISTENER_EVENTS.join("', '")}' event types and '${Object.keys(DEPRECATED_TASK_LISTENER_EVENTS).join("', '")}' deprecated event types are supported.`);
      continue;
    }
    if (!type) {
      findings.report(element, `has a '${eventType}' task listener without a job type. Set its type (e.g. "kontrollera-tilldelning") so a job worker can pick it up.`);
      continue;
    }
    if (eventType === 'canceling') {
      findings.report(element, "has a 'canceling' task listener, which the embedded engine does not run (it would have to hold the termination of the task, e.g. a canceled instance, until the listener completes). Remove it, or deploy to a Camunda 8 cluster.");
      continue;
    }
    listeners.push({ eventType, type, retries: attr(listener, 'retries') ?? '3' });
  }
  if (!camundaUserTask && (container.listeners as ModdleElement[] | undefined)?.length) {
    findings.report(element, 'has task listeners, but Task listeners are only allowed on Camunda user tasks. Add <zeebe:userTask/> (in Camunda Modeler: Implementation "Camunda user task").');
    return undefined;
  }
  return listeners.length > 0 ? listeners : undefined;
}

function duplicates<T>(items: T[], keyOf: (item: T) => string): { key: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([key, count]) => ({ key, count }));
}
