import type { CompiledProcess, ExecutionListener, FlowNode, TimerDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { ExpressionError, evaluate, evaluateDateTime, feelSyntaxProblem, isFeel, scheduleTimer } from '../feel';

/** A value check beyond FEEL syntax; returns a problem or undefined. */
type ValueCheck = (expression: string) => string | undefined;

interface ExpressionSite {
  ownerId: string;
  label: string;
  expression: string;
  check?: ValueCheck;
}

/**
 * Deploy-time checks of every expression in a compiled process: FEEL must parse, static values that
 * can be checked now (timers, due dates, retries) must be valid, and what the engine evaluates at
 * deploy (timers and names of process start events, which have no variables) must evaluate. Typos
 * are refused at deploy instead of raising an incident when a case reaches that step.
 */
export function validateExpressions(process: CompiledProcess, sourceOf: (id: string) => ModdleElement, findings: FindingCollector): void {
  for (const site of expressionSites(process)) {
    const problem = feelSyntaxProblem(site.expression) ?? site.check?.(site.expression);
    if (problem) findings.report(sourceOf(site.ownerId), `has an invalid ${site.label}: ${problem}. Correct the expression.`);
  }
}

const staticOnly = (check: ValueCheck): ValueCheck => (expression) => (isFeel(expression) ? undefined : check(expression));

const wholeNumber: ValueCheck = staticOnly((expression) => (/^\d+$/.test(expression) ? undefined : `'${expression}' is not a whole number`));

const dateTime: ValueCheck = staticOnly((expression) => problemOf(() => evaluateDateTime(expression, {})));

/** Timers of process start events are scheduled at deploy without variables, so FEEL is evaluated too. */
function timer(type: TimerDefinition['type'], evaluatedAtDeploy: boolean): ValueCheck {
  const check: ValueCheck = (expression) => problemOf(() => scheduleTimer({ type, expression }, {}, new Date(0)));
  return evaluatedAtDeploy ? check : staticOnly(check);
}

/** Process start events subscribe at deploy: a FEEL name cannot use variables and must give text. */
const startName: ValueCheck = (expression) => {
  if (!isFeel(expression)) return undefined;
  const problem = problemOf(() => evaluate(expression, {}));
  if (problem) return problem;
  const value = evaluate(expression, {});
  return typeof value === 'string' && value !== '' ? undefined : `it must give a non-empty text without process variables (start events are subscribed at deploy), but gave ${JSON.stringify(value)}`;
};

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message.replace(/^Failed to evaluate expression '.*?': /, '').replace(/\.$/, '');
    throw error;
  }
}

function expressionSites(process: CompiledProcess): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  for (const node of Object.values(process.elements)) sites.push(...nodeSites(node));
  for (const [label, expression, check] of listenerSites(process.executionListeners)) {
    sites.push({ ownerId: process.id, label, expression: expression!, ...(check ? { check } : {}) });
  }
  for (const flow of Object.values(process.flows)) {
    if (flow.condition) sites.push({ ownerId: flow.id, label: 'condition', expression: flow.condition });
  }
  return sites;
}

type RawSite = [label: string, expression: string | undefined, check?: ValueCheck];

function nodeSites(node: FlowNode): ExpressionSite[] {
  const raw: RawSite[] = [
    ['job type', node.job?.type],
    ['job retries', node.job?.retries, wholeNumber],
    ['assignee', node.userTask?.assignee],
    ['candidate groups', node.userTask?.candidateGroups],
    ['candidate users', node.userTask?.candidateUsers],
    ['due date', node.userTask?.dueDate, dateTime],
    ['follow-up date', node.userTask?.followUpDate, dateTime],
    ['priority', node.userTask?.priority],
    ['called process id', node.callActivity?.processId],
    ['script expression', node.script?.expression],
    ...Object.entries(node.job?.userTaskHeaders ?? {}).map(([header, expression]): RawSite => [`user task header '${header}'`, expression]),
    ['multi-instance input collection', node.multiInstance?.inputCollection],
    ['multi-instance output element', node.multiInstance?.outputElement],
    ['multi-instance completion condition', node.multiInstance?.completionCondition],
    ['active elements collection', node.adHoc?.activeElementsCollection],
    ['completion condition', node.adHoc?.completionCondition],
    ...eventSites(node),
    ...listenerSites(node.executionListeners),
    ...(node.userTask?.taskListeners ?? []).flatMap((l): RawSite[] => [
      [`job type of the '${l.eventType}' task listener`, l.type],
      [`job retries of the '${l.eventType}' task listener '${l.type}'`, l.retries, wholeNumber],
    ]),
    ...(node.ioMapping?.inputs ?? []).map((m): RawSite => [`input mapping for '${m.target}'`, m.source]),
    ...(node.ioMapping?.outputs ?? []).map((m): RawSite => [`output mapping for '${m.target}'`, m.source]),
  ];
  return raw
    .filter((entry): entry is [string, string, ValueCheck?] => entry[1] !== undefined)
    .map(([label, expression, check]) => (check ? { ownerId: node.id, label, expression, check } : { ownerId: node.id, label, expression }));
}

function listenerSites(listeners: ExecutionListener[] | undefined): RawSite[] {
  return (listeners ?? []).flatMap((l): RawSite[] => [
    [`job type of the '${l.eventType}' execution listener`, l.type],
    [`job retries of the '${l.eventType}' execution listener '${l.type}'`, l.retries, wholeNumber],
  ]);
}

function eventSites(node: FlowNode): RawSite[] {
  const processStart = node.type === 'startEvent' && node.parentId === undefined;
  const definition = node.eventDefinition;
  switch (definition?.kind) {
    case 'timer':
      return [[`timer ${definition.timer.type}`, definition.timer.expression, timer(definition.timer.type, processStart)]];
    case 'message':
      return [['message name', definition.messageName, processStart ? startName : undefined], ['correlation key', definition.correlationKey]];
    case 'signal':
      return [['signal name', definition.signalName, processStart ? startName : undefined]];
    case 'error':
      return [['error code', definition.errorCode]];
    case 'escalation':
      return [['escalation code', definition.escalationCode]];
    default:
      return [];
  }
}
