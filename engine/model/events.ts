import type { EventDefinition, TimerDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, expressionBody, extensionOf } from './moddle';
import { cycleIntervalProblem } from '../feel/timers';
import { compileLink } from './links';
import { REJECTED_EVENT_DEFINITIONS, SUPPORTED_EVENTS, SUPPORTED_TIMERS, type EventKind, type EventPosition, type TimerPosition } from './support';

const KIND_BY_TYPE: Readonly<Record<string, EventKind>> = {
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:LinkEventDefinition': 'link',
  'bpmn:CompensateEventDefinition': 'compensation',
};

const POSITION_LABEL: Readonly<Record<EventPosition, string>> = {
  processStart: 'a process start event',
  subProcessStart: 'the start event of an embedded subprocess',
  eventSubProcessStart: 'the start event of an event subprocess',
  end: 'an end event',
  intermediateCatch: 'an intermediate catch event',
  intermediateThrow: 'an intermediate throw event',
  boundary: 'a boundary event',
};

/**
 * Compiles the (single) event definition of an event at `position`. Returns undefined after
 * reporting when the event cannot be executed.
 */
export function compileEventDefinition(
  event: ModdleElement,
  position: EventPosition,
  findings: FindingCollector,
  timerPosition?: TimerPosition,
): EventDefinition | undefined {
  const definitions = (event.eventDefinitions as ModdleElement[] | undefined) ?? [];
  if (definitions.length > 1) {
    findings.report(event, `has ${definitions.length} event definitions; the engine supports exactly one per event (multiple/parallel multiple events are not supported). Split it into separate events.`);
    return undefined;
  }
  const definition = definitions[0];
  if (!definition) return checkKind(event, 'none', position, findings) ? { kind: 'none' } : undefined;

  const rejected = REJECTED_EVENT_DEFINITIONS[definition.$type];
  if (rejected) {
    findings.report(event, `is not supported: ${rejected}. Remove it or deploy to a Camunda 8 cluster.`);
    return undefined;
  }
  const kind = KIND_BY_TYPE[definition.$type];
  if (!kind) {
    findings.report(event, `has an unknown event definition ${definition.$type}. Remove it.`);
    return undefined;
  }
  if (!checkKind(event, kind, position, findings)) return undefined;

  switch (kind) {
    case 'none':
      return { kind: 'none' };
    case 'terminate':
      return { kind: 'terminate' };
    case 'timer':
      return compileTimer(event, definition, findings, timerPosition);
    case 'message':
      if (position === 'end' || position === 'intermediateThrow') return compileMessageThrow(definition);
      return compileMessage(event, definition.messageRef as ModdleElement | undefined, position, findings);
    case 'link':
      return compileLink(event, definition, findings);
    case 'signal':
      return compileSignal(event, definition, findings);
    case 'error':
      return compileError(event, definition, position, findings);
    case 'escalation':
      return compileEscalation(event, definition, position, findings);
    case 'compensation': {
      const activityRef = (definition.activityRef as ModdleElement | undefined)?.id;
      return activityRef ? { kind: 'compensation', activityRef } : { kind: 'compensation' };
    }
  }
}

function checkKind(event: ModdleElement, kind: EventKind, position: EventPosition, findings: FindingCollector): boolean {
  const supported = SUPPORTED_EVENTS[position];
  if (supported.includes(kind)) return true;
  const label = kind === 'none' ? 'without an event definition' : `with a ${kind} event definition`;
  findings.report(
    event,
    `is ${POSITION_LABEL[position]} ${label}, which the embedded engine does not support there. Supported here: ${supported.join(', ')}.`,
  );
  return false;
}

function compileTimer(
  event: ModdleElement,
  definition: ModdleElement,
  findings: FindingCollector,
  timerPosition: TimerPosition | undefined,
): EventDefinition | undefined {
  const candidates: [TimerDefinition['type'], string | undefined][] = [
    ['duration', expressionBody(definition.timeDuration)],
    ['date', expressionBody(definition.timeDate)],
    ['cycle', expressionBody(definition.timeCycle)],
  ];
  const present = candidates.filter(([, expression]) => expression !== undefined) as [TimerDefinition['type'], string][];
  if (present.length === 0) {
    findings.report(event, 'has a timer without a definition. Set a time duration (e.g. P14D), a date (e.g. 2026-12-01T09:00:00+01:00) or a cycle (e.g. R/P1D).');
    return undefined;
  }
  if (present.length > 1) {
    findings.report(event, `has a timer with more than one definition (${present.map(([t]) => t).join(', ')}). Keep exactly one.`);
    return undefined;
  }
  const [type, expression] = present[0]!;
  if (timerPosition && !SUPPORTED_TIMERS[timerPosition].includes(type)) {
    findings.report(event, `has a timer ${type}, which is not allowed here. Allowed: ${SUPPORTED_TIMERS[timerPosition].join(', ')}.`);
    return undefined;
  }
  // A static cycle can be judged now; a computed one (=expression) is checked when it is scheduled (an incident).
  const tooShort = type === 'cycle' && !expression.trim().startsWith('=') ? cycleIntervalProblem(expression.trim()) : undefined;
  if (tooShort) {
    findings.report(event, `has a timer cycle that is too frequent: ${tooShort}`);
    return undefined;
  }
  return { kind: 'timer', timer: { type, expression } };
}

/** Also used for receive tasks, which reference the message directly. */
export function compileMessage(
  element: ModdleElement,
  message: ModdleElement | undefined,
  position: EventPosition | 'receiveTask',
  findings: FindingCollector,
): EventDefinition | undefined {
  const messageName = attr(message, 'name');
  if (!messageName) {
    findings.report(element, 'catches a message without a message name. Reference a bpmn:message with a name (e.g. "Placering beviljad").');
    return undefined;
  }
  const correlationKey = attr(message ? extensionOf(message, 'zeebe:Subscription') : undefined, 'correlationKey');
  // A process-level message start creates a new instance, so there is nothing to correlate with.
  if (!correlationKey && position !== 'processStart') {
    findings.report(element, `catches message '${messageName}' without a correlation key. Set zeebe:subscription correlationKey on the message (e.g. =orderId).`);
    return undefined;
  }
  if (correlationKey && !correlationKey.startsWith('=') && position !== 'processStart') {
    findings.report(element, `catches message '${messageName}' with the static correlation key '${correlationKey}'. A correlation key must be a FEEL expression, e.g. =${correlationKey}.`);
    return undefined;
  }
  return correlationKey && position !== 'processStart'
    ? { kind: 'message', messageName, correlationKey }
    : { kind: 'message', messageName };
}

/** The job worker publishes the message (zeebe:taskDefinition, checked by the caller), so a message reference is optional. */
function compileMessageThrow(definition: ModdleElement): EventDefinition {
  const messageName = attr(definition.messageRef as ModdleElement | undefined, 'name');
  return messageName ? { kind: 'messageThrow', messageName } : { kind: 'messageThrow' };
}

function compileSignal(event: ModdleElement, definition: ModdleElement, findings: FindingCollector): EventDefinition | undefined {
  const signalName = attr(definition.signalRef as ModdleElement | undefined, 'name');
  if (!signalName) {
    findings.report(event, 'has a signal event without a signal name. Reference a bpmn:signal with a name.');
    return undefined;
  }
  return { kind: 'signal', signalName };
}

function compileError(event: ModdleElement, definition: ModdleElement, position: EventPosition, findings: FindingCollector): EventDefinition | undefined {
  const errorCode = attr(definition.errorRef as ModdleElement | undefined, 'errorCode');
  if (position === 'end' && !errorCode) {
    findings.report(event, 'throws an error without an error code. Reference a bpmn:error with an errorCode.');
    return undefined;
  }
  // Catch events without a code catch every error (Zeebe's catch-all).
  return errorCode ? { kind: 'error', errorCode } : { kind: 'error' };
}

function compileEscalation(event: ModdleElement, definition: ModdleElement, position: EventPosition, findings: FindingCollector): EventDefinition | undefined {
  const escalationCode = attr(definition.escalationRef as ModdleElement | undefined, 'escalationCode');
  const throwing = position === 'end' || position === 'intermediateThrow';
  if (throwing && !escalationCode) {
    findings.report(event, 'throws an escalation without an escalation code. Reference a bpmn:escalation with an escalationCode.');
    return undefined;
  }
  return escalationCode ? { kind: 'escalation', escalationCode } : { kind: 'escalation' };
}
