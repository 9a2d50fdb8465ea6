/** What the crash test runs: the test fixtures, the care-chain diagrams and a notification-only process. */
import fs from 'node:fs';
import path from 'node:path';
import type { CamundaClient } from '../../../common/camunda';
import { ROOT } from './children';
import type { CrashReport } from './types';

const FIXTURES = path.join(ROOT, 'test', 'fixtures');
/** Job types of the fixtures, always served by the journalling worker. */
export const FIXTURE_TYPES = ['chain.a', 'chain.b', 'chain.c', 'timer.remind'];
/** Loop-free fixtures: no element may run twice in one instance. */
export const LOOP_FREE = ['service-chain', 'user-task', 'timer-intermediate'];
export const FIXTURE_PROCESSES = ['service-chain', 'service-chain', 'user-task', 'timer-intermediate', 'timer-boundary', 'message-catch'];

/** A process whose only step is the real workers' e-mail job (vk.notify.task), for the "no e-mail sent twice" check. */
const NOTIFY_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs-crash-notify" targetNamespace="http://vardkedjan/crash">
  <bpmn:process id="crash-notify" name="Crash test: notify" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <bpmn:serviceTask id="notify" name="Meddela">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="vk.notify.task" retries="5"/>
        <zeebe:taskHeaders><zeebe:header key="group" value="socialsekreterare-{kommun}"/></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;

const file = (p: string) => new File([fs.readFileSync(p)], path.basename(p));

export function caseRef(n: number): string {
  return `VK-2026-${String(n).padStart(6, '0')}`;
}

/** Variables a care-chain case starts with (pseudonymous case reference and kommun, per docs/CONVENTIONS.md). */
export function careVariables(n: number): Record<string, unknown> {
  const kommuner = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];
  return { caseRef: `VK-2026-9${String(n).padStart(5, '0')}`, kommun: kommuner[n % kommuner.length] };
}

/** Start variables for case `n` of `processId`; `timerSeconds` is the fixture timer's wait. */
export function startVariables(processId: string, n: number, timerSeconds: number): Record<string, unknown> {
  if (processId === 'service-chain') return { lastType: ['a', 'b', 'c'][n % 3], caseRef: caseRef(n) };
  if (processId === 'timer-intermediate') return { waitFor: `PT${timerSeconds}S`, caseRef: caseRef(n) };
  if (['user-task', 'message-catch', 'timer-boundary'].includes(processId)) return { caseRef: caseRef(n), kommun: 'vaxjo', assignee: 'anna' };
  return careVariables(n);
}

/**
 * Deploys the fixtures and, when present, the care-chain diagrams with their forms. Each care-chain process is probed
 * with a start from only caseRef and kommun: those that start are driven (report.careChainProcesses), the others
 * are reported with the engine's answer. Returns the job types the care-chain diagrams use.
 */
export async function deployFixtures(client: CamundaClient, report: CrashReport): Promise<Set<string>> {
  await client.createDeployment({
    resources: ['service-chain', 'user-task', 'timer-intermediate', 'timer-boundary', 'message-catch'].map((n) => file(path.join(FIXTURES, 'bpmn', `${n}.bpmn`)))
      .concat([file(path.join(FIXTURES, 'forms', 'review-form.form'))]),
  });
  const careTypes = new Set<string>();
  const bpmnDir = path.join(ROOT, 'bpmn');
  const careFiles = fs.existsSync(bpmnDir) ? fs.readdirSync(bpmnDir).filter((f) => /^vk-.*\.bpmn$/.test(f)) : [];
  if (careFiles.length === 0) return careTypes;
  const formsDir = path.join(ROOT, 'forms');
  const forms = fs.existsSync(formsDir) ? fs.readdirSync(formsDir).filter((f) => f.endsWith('.form')).map((f) => file(path.join(formsDir, f))) : [];
  try {
    // The decision tables the care chain's business rule tasks call (vk-prioritet) deploy with the diagrams.
    const decisions = fs.readdirSync(bpmnDir).filter((f) => f.endsWith('.dmn')).map((f) => file(path.join(bpmnDir, f)));
    await client.createDeployment({ resources: [...careFiles.map((f) => file(path.join(bpmnDir, f))), ...decisions, ...forms] });
    for (const f of careFiles) {
      const xml = fs.readFileSync(path.join(bpmnDir, f), 'utf8');
      for (const m of xml.matchAll(/taskDefinition type="([^"=][^"]*)"/g)) careTypes.add(m[1]);
      const id = /<bpmn:process id="([^"]+)"/.exec(xml)?.[1];
      if (!id) continue;
      try {
        await client.createProcessInstance({ processDefinitionId: id as never, variables: careVariables(0) });
        report.careChainProcesses.push(id);
      } catch (e) {
        report.careChainRefused[id] = String((e as Error).message).slice(0, 200);
      }
    }
  } catch (e) {
    report.careChainRefused['(deployment)'] = String((e as Error).message).slice(0, 300);
  }
  return careTypes;
}

export async function deployNotifyProcess(client: CamundaClient): Promise<void> {
  await client.createDeployment({ resources: [new File([NOTIFY_BPMN], 'crash-notify.bpmn')] });
}
