import type { CallActivityDefinition, IoMapping, JobDefinition, Mapping, MultiInstance, UserTaskDefinition } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, expressionBody, extensionOf } from './moddle';

const BINDING_TYPES = ['latest', 'deployment', 'versionTag'] as const;
type BindingType = (typeof BINDING_TYPES)[number];

/** zeebe:taskDefinition: required for service, send, script and business rule tasks. */
export function compileJob(element: ModdleElement, findings: FindingCollector): JobDefinition | undefined {
  const definition = extensionOf(element, 'zeebe:TaskDefinition');
  const type = attr(definition, 'type');
  if (!type) {
    findings.report(element, 'has no job type. Add zeebe:taskDefinition with a type (e.g. "payment-service") so a job worker can pick it up.');
    return undefined;
  }
  return { type, retries: attr(definition, 'retries') ?? '3', headers: compileHeaders(element, findings) };
}

export function compileHeaders(element: ModdleElement, findings: FindingCollector): Record<string, string> {
  // A Map, then Object.fromEntries: header keys are user text, even '__proto__' must stay a plain key.
  const headers = new Map<string, string>();
  const values = (extensionOf(element, 'zeebe:TaskHeaders')?.values as ModdleElement[] | undefined) ?? [];
  for (const header of values) {
    const key = attr(header, 'key');
    if (!key) {
      findings.report(element, 'has a task header without a key. Give every zeebe:header a key or remove it.');
      continue;
    }
    if (headers.has(key)) findings.report(element, `has the task header '${key}' twice. Keep one.`);
    headers.set(key, typeof header.value === 'string' ? header.value : '');
  }
  return Object.fromEntries(headers);
}

/** Camunda user task (zeebe:userTask); job-based user tasks are compiled in jobUserTask.ts. */
export function compileUserTask(element: ModdleElement, findings: FindingCollector): UserTaskDefinition | undefined {
  const assignment = extensionOf(element, 'zeebe:AssignmentDefinition');
  const schedule = extensionOf(element, 'zeebe:TaskSchedule');
  const priority = extensionOf(element, 'zeebe:PriorityDefinition');
  const definition: UserTaskDefinition = { headers: compileHeaders(element, findings) };
  assignIfSet(definition, 'assignee', attr(assignment, 'assignee'));
  assignIfSet(definition, 'candidateGroups', attr(assignment, 'candidateGroups'));
  assignIfSet(definition, 'candidateUsers', attr(assignment, 'candidateUsers'));
  assignIfSet(definition, 'dueDate', attr(schedule, 'dueDate'));
  assignIfSet(definition, 'followUpDate', attr(schedule, 'followUpDate'));
  assignIfSet(definition, 'priority', attr(priority, 'priority'));
  if (definition.priority && !definition.priority.startsWith('=') && !isPriority(definition.priority)) {
    findings.report(element, `has priority '${definition.priority}'; a priority must be a whole number from 0 to 100 or a FEEL expression.`);
  }
  compileForm(element, definition, findings);
  return definition;
}

function isPriority(value: string): boolean {
  return /^\d+$/.test(value) && Number(value) <= 100;
}

function compileForm(element: ModdleElement, definition: UserTaskDefinition, findings: FindingCollector): void {
  const form = extensionOf(element, 'zeebe:FormDefinition');
  if (!form) return;
  const formId = attr(form, 'formId');
  const externalReference = attr(form, 'externalReference');
  if (attr(form, 'formKey')) {
    findings.report(element, 'links a form by formKey, which only job-based user tasks support. Link the deployed form with zeebe:formDefinition formId.');
    return;
  }
  if (formId && externalReference) {
    findings.report(element, 'has both formId and externalReference on zeebe:formDefinition. Keep one.');
    return;
  }
  if (!formId && !externalReference) {
    findings.report(element, 'has an empty zeebe:formDefinition. Set formId to the id of a deployed Camunda Form, or remove it.');
    return;
  }
  if (externalReference) {
    definition.externalFormReference = externalReference;
    return;
  }
  definition.formId = formId;
  const binding = compileBinding(element, form, findings);
  if (binding) {
    definition.formBindingType = binding.bindingType;
    assignIfSet(definition, 'formVersionTag', binding.versionTag);
  }
}

export function compileBinding(
  element: ModdleElement,
  holder: ModdleElement,
  findings: FindingCollector,
): { bindingType: BindingType; versionTag?: string } | undefined {
  const bindingType = attr(holder, 'bindingType') ?? 'latest';
  if (!(BINDING_TYPES as readonly string[]).includes(bindingType)) {
    findings.report(element, `has binding type '${bindingType}'. Use one of: ${BINDING_TYPES.join(', ')}.`);
    return undefined;
  }
  const versionTag = attr(holder, 'versionTag');
  if (bindingType === 'versionTag' && !versionTag) {
    findings.report(element, "has binding type 'versionTag' without a version tag. Set versionTag.");
    return undefined;
  }
  return versionTag ? { bindingType: bindingType as BindingType, versionTag } : { bindingType: bindingType as BindingType };
}

export function compileCallActivity(element: ModdleElement, findings: FindingCollector): CallActivityDefinition | undefined {
  const called = extensionOf(element, 'zeebe:CalledElement');
  const processId = attr(called, 'processId');
  if (!processId) {
    findings.report(element, 'calls no process. Add zeebe:calledElement with the processId of the process to start.');
    return undefined;
  }
  if (attr(called, 'processIdExpression') || attr(called, 'businessId')) {
    findings.report(element, 'uses processIdExpression/businessId on zeebe:calledElement, which the embedded engine does not support. Put the expression in processId (e.g. processId="=childProcessId").');
    return undefined;
  }
  const binding = compileBinding(element, called!, findings);
  if (!binding) return undefined;
  const definition: CallActivityDefinition = {
    processId,
    // Zeebe's defaults: both directions propagate everything unless switched off.
    propagateAllChildVariables: called!.propagateAllChildVariables !== false,
    propagateAllParentVariables: called!.propagateAllParentVariables !== false,
    bindingType: binding.bindingType,
  };
  assignIfSet(definition, 'versionTag', binding.versionTag);
  return definition;
}

export function compileMultiInstance(element: ModdleElement, findings: FindingCollector): MultiInstance | undefined {
  const loop = element.loopCharacteristics as ModdleElement | undefined;
  if (!loop) return undefined;
  if (loop.$type === 'bpmn:StandardLoopCharacteristics') {
    findings.report(element, 'has a standard loop, which is not supported. Use a multi-instance marker (parallel or sequential) with an input collection.');
    return undefined;
  }
  if (expressionBody(loop.loopCardinality)) {
    findings.report(element, 'has a multi-instance loop cardinality, which is not supported. Use zeebe:loopCharacteristics inputCollection instead.');
    return undefined;
  }
  const zeebeLoop = extensionOf(loop, 'zeebe:LoopCharacteristics');
  const inputCollection = attr(zeebeLoop, 'inputCollection');
  if (!inputCollection) {
    findings.report(element, 'is multi-instance without an input collection. Set zeebe:loopCharacteristics inputCollection (e.g. =deltagare).');
    return undefined;
  }
  if (!inputCollection.startsWith('=')) {
    findings.report(element, `has the multi-instance input collection '${inputCollection}', which is not a FEEL expression. Write it as =${inputCollection}.`);
    return undefined;
  }
  const multiInstance: MultiInstance = { isSequential: loop.isSequential === true, inputCollection };
  assignIfSet(multiInstance, 'inputElement', attr(zeebeLoop, 'inputElement'));
  assignIfSet(multiInstance, 'outputCollection', attr(zeebeLoop, 'outputCollection'));
  assignIfSet(multiInstance, 'outputElement', attr(zeebeLoop, 'outputElement'));
  assignIfSet(multiInstance, 'completionCondition', expressionBody(loop.completionCondition));
  if (multiInstance.outputCollection && !multiInstance.outputElement) {
    findings.report(element, 'sets a multi-instance output collection without an output element. Set outputElement (e.g. =resultat).');
  }
  if (multiInstance.outputElement && !multiInstance.outputCollection) {
    findings.report(element, 'sets a multi-instance output element without an output collection. Set outputCollection.');
  }
  for (const [name, value] of [['outputElement', multiInstance.outputElement], ['completionCondition', multiInstance.completionCondition]] as const) {
    if (value && !value.startsWith('=')) findings.report(element, `has multi-instance ${name} '${value}' that is not a FEEL expression. Start it with '='.`);
  }
  for (const [name, value] of [['inputElement', multiInstance.inputElement], ['outputCollection', multiInstance.outputCollection]] as const) {
    if (value && !isTargetPath(value)) findings.report(element, `has multi-instance ${name} '${value}', which must be a plain variable name (e.g. deltagare), not an expression.`);
  }
  return multiInstance;
}

export interface IoMappingRules {
  inputs: boolean;
  outputs: boolean;
}

export function compileIoMapping(element: ModdleElement, rules: IoMappingRules, findings: FindingCollector): IoMapping | undefined {
  const io = extensionOf(element, 'zeebe:IoMapping');
  if (!io) return undefined;
  const inputs = compileMappings(element, 'input', (io.inputParameters as ModdleElement[] | undefined) ?? [], findings);
  const outputs = compileMappings(element, 'output', (io.outputParameters as ModdleElement[] | undefined) ?? [], findings);
  if (inputs.length > 0 && !rules.inputs) findings.report(element, 'has input mappings, which this kind of element cannot have. Remove them.');
  if (outputs.length > 0 && !rules.outputs) findings.report(element, 'has output mappings, which this kind of element cannot have. Remove them.');
  return { inputs, outputs };
}

const TARGET_PATH = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/;
const RESERVED_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

function isTargetPath(target: string): boolean {
  return TARGET_PATH.test(target) && !target.split('.').some((segment) => RESERVED_SEGMENTS.has(segment));
}

function compileMappings(element: ModdleElement, kind: 'input' | 'output', parameters: ModdleElement[], findings: FindingCollector): Mapping[] {
  const mappings: Mapping[] = [];
  for (const parameter of parameters) {
    const target = attr(parameter, 'target');
    if (!target || !isTargetPath(target)) {
      findings.report(element, `has an ${kind} mapping with target '${target ?? ''}'. A target must be a variable name or dotted path such as 'placering.datum'.`);
      continue;
    }
    const source = attr(parameter, 'source');
    if (kind === 'output' && !source?.startsWith('=')) {
      // Zeebe: output sources read the element's result, so they must be expressions.
      findings.report(element, `has an output mapping to '${target}' whose source ${source ? `'${source}' is not a FEEL expression` : 'is empty'}. Write a FEEL expression such as =resultat.`);
      continue;
    }
    // An empty input source assigns null (Zeebe 8.7+: a local variable without value).
    mappings.push({ source: source ?? '=null', target });
  }
  return mappings;
}

function assignIfSet<T extends object, K extends keyof T>(object: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) object[key] = value;
}
