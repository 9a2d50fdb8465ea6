import type { CompiledProcess, FlowNode } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { ExpressionError, evaluateDateTime, feelSyntaxProblem, scheduleTimer } from '../feel';

interface ExpressionSite {
  ownerId: string;
  label: string;
  expression: string;
}

/**
 * Deploy-time checks of every expression in a compiled process: FEEL must parse, and static values
 * that can be checked now (timers, due dates, retries) must be valid, so typos are refused at
 * deploy instead of raising an incident when the case reaches that step.
 */
export function validateExpressions(process: CompiledProcess, sourceOf: (id: string) => ModdleElement, findings: FindingCollector): void {
  for (const site of expressionSites(process)) {
    const problem = feelSyntaxProblem(site.expression) ?? staticValueProblem(site);
    if (problem) findings.report(sourceOf(site.ownerId), `has an invalid ${site.label}: ${problem}. Correct the expression.`);
  }
}

function staticValueProblem(site: ExpressionSite): string | undefined {
  if (site.expression.startsWith('=')) return undefined;
  if (site.label === 'job retries' && !/^\d+$/.test(site.expression)) return `'${site.expression}' is not a whole number`;
  if (site.label.startsWith('timer ')) return timerProblem(site);
  if (site.label === 'due date' || site.label === 'follow-up date') return dateTimeProblem(site.expression);
  return undefined;
}

function timerProblem(site: ExpressionSite): string | undefined {
  const type = site.label.slice('timer '.length) as 'duration' | 'date' | 'cycle';
  try {
    scheduleTimer({ type, expression: site.expression }, {}, new Date(0));
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return stripPrefix(error.message);
    throw error;
  }
}

function dateTimeProblem(expression: string): string | undefined {
  try {
    evaluateDateTime(expression, {});
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return stripPrefix(error.message);
    throw error;
  }
}

/** "Failed to evaluate expression 'x': reason" → "reason" (the finding already names the field). */
function stripPrefix(message: string): string {
  return message.replace(/^Failed to evaluate expression '.*?': /, '').replace(/\.$/, '');
}

function expressionSites(process: CompiledProcess): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  for (const node of Object.values(process.elements)) sites.push(...nodeSites(node));
  for (const flow of Object.values(process.flows)) {
    if (flow.condition) sites.push({ ownerId: flow.id, label: 'condition', expression: flow.condition });
  }
  return sites;
}

function nodeSites(node: FlowNode): ExpressionSite[] {
  const raw: [string, string | undefined][] = [
    ['job type', node.job?.type],
    ['job retries', node.job?.retries],
    ['assignee', node.userTask?.assignee],
    ['candidate groups', node.userTask?.candidateGroups],
    ['candidate users', node.userTask?.candidateUsers],
    ['due date', node.userTask?.dueDate],
    ['follow-up date', node.userTask?.followUpDate],
    ['priority', node.userTask?.priority],
    ['called process id', node.callActivity?.processId],
    ['multi-instance input collection', node.multiInstance?.inputCollection],
    ['multi-instance output element', node.multiInstance?.outputElement],
    ['multi-instance completion condition', node.multiInstance?.completionCondition],
    ...eventSites(node),
    ...(node.ioMapping?.inputs ?? []).map((m): [string, string] => [`input mapping for '${m.target}'`, m.source]),
    ...(node.ioMapping?.outputs ?? []).map((m): [string, string] => [`output mapping for '${m.target}'`, m.source]),
  ];
  return raw
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([label, expression]) => ({ ownerId: node.id, label, expression }));
}

function eventSites(node: FlowNode): [string, string | undefined][] {
  const definition = node.eventDefinition;
  switch (definition?.kind) {
    case 'timer':
      return [[`timer ${definition.timer.type}`, definition.timer.expression]];
    case 'message':
      return [['message name', definition.messageName], ['correlation key', definition.correlationKey]];
    case 'signal':
      return [['signal name', definition.signalName]];
    case 'error':
      return [['error code', definition.errorCode]];
    case 'escalation':
      return [['escalation code', definition.escalationCode]];
    default:
      return [];
  }
}
