/** Small test diagrams for the worker integration tests: one service task per job type, headers as in JOB_TYPES.md. */
import fs from 'node:fs';
import path from 'node:path';
import { escapeXml, flow, processXml } from '../helpers/bpmn-xml';

/** The process owner's priority table, as deployed with the diagrams (bpmn/vk-prioritet.dmn). */
export const PRIORITY_DMN_XML = fs.readFileSync(path.join(__dirname, '..', '..', 'bpmn', 'vk-prioritet.dmn'), 'utf8');
export const priorityDmn = (xml = PRIORITY_DMN_XML) => new File([xml], 'vk-prioritet.dmn', { type: 'application/xml' });

/** The business rule task of vk-placeringsforfragan: the engine evaluates vk-prioritet into queuePriority. */
export const PRIORITY_TASK = '<bpmn:businessRuleTask id="BestamPrioritet"><bpmn:extensionElements><zeebe:calledDecision decisionId="vk-prioritet" resultVariable="queuePriority" /></bpmn:extensionElements></bpmn:businessRuleTask>';

export function task(id: string, type: string, headers: Record<string, string> = {}, inputs: Record<string, string> = {}): string {
  const h = Object.entries(headers).map(([k, v]) => `<zeebe:header key="${k}" value="${escapeXml(v)}" />`).join('');
  const i = Object.entries(inputs).map(([target, source]) => `<zeebe:input source="${escapeXml(source)}" target="${target}" />`).join('');
  return `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="3" />${h ? `<zeebe:taskHeaders>${h}</zeebe:taskHeaders>` : ''}${i ? `<zeebe:ioMapping>${i}</zeebe:ioMapping>` : ''}</bpmn:extensionElements></bpmn:serviceTask>`;
}

/** vk.consent.check judges consent at the process's time: the diagram passes the engine clock (JOB_TYPES.md). */
export const AT_PROCESS_TIME = { consentCheckAt: '=string(now())' };

/** start → tasks in order → end. */
export function chain(id: string, tasks: string[], ids: string[], extra = ''): File {
  const all = ['start', ...ids, 'end'];
  const flows = all.slice(1).map((to, i) => flow(`f${i}`, all[i], to)).join('\n');
  const xml = processXml(`<bpmn:startEvent id="start" />\n${tasks.join('\n')}\n<bpmn:endEvent id="end" />\n${extra}\n${flows}`, '', id);
  return new File([xml], `${id}.bpmn`, { type: 'application/xml' });
}

/** start → vk.consent.check (CONSENT_MISSING caught → end `saknas`) → end. */
export function consentCheckDiagram(id: string, toParty: string, information: string): File {
  const xml = processXml(`<bpmn:startEvent id="start" />
${task('Kontrollera', 'vk.consent.check', { toParty, information }, AT_PROCESS_TIME)}
<bpmn:boundaryEvent id="ingetSamtycke" attachedToRef="Kontrollera"><bpmn:errorEventDefinition errorRef="errMissing" /></bpmn:boundaryEvent>
<bpmn:endEvent id="end" /><bpmn:endEvent id="saknas" />
${flow('f1', 'start', 'Kontrollera')}${flow('f2', 'Kontrollera', 'end')}${flow('f3', 'ingetSamtycke', 'saknas')}`,
  '<bpmn:error id="errMissing" errorCode="CONSENT_MISSING" />', id);
  return new File([xml], `${id}.bpmn`, { type: 'application/xml' });
}
