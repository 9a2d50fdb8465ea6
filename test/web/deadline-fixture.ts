import { DateTime } from 'luxon';
import type { WorkersFileConfig } from '../../workers/config';
import { startWorkerApp, type WorkerApp } from '../../workers/main';
import { pinClock } from '../helpers/api';
import { definitions } from '../helpers/bpmn-xml';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';
import { testConfig } from '../workers/setup';
import { startTestWeb, type TestWeb } from './helpers';

/**
 * `vk-test-tidsfrist`: one user task with a due date (`frist`), its reminder at `fristReminder` and the daily breach
 * escalation from `frist` on, wired like every deadline in bpmn/ (for the product-time tests).
 */
const escalate = (id: string, level: string) => `<bpmn:serviceTask id="${id}" name="${level}"><bpmn:extensionElements><zeebe:taskDefinition type="vk.escalate" /><zeebe:taskHeaders>
  <zeebe:header key="level" value="${level}" /><zeebe:header key="deadline" value="remissmote" /><zeebe:header key="dueDateVariable" value="frist" />
  <zeebe:header key="group" value="socialsekreterare-{kommun}" /><zeebe:header key="escalateTo" value="chef-{kommun}" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>`;
const XML = definitions(`<bpmn:process id="vk-test-tidsfrist" name="Tidsfrist" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Hall" />
  <bpmn:userTask id="Hall" name="Håll mötet"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" /><zeebe:taskSchedule dueDate="=frist" /></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="Hall" targetRef="end" /><bpmn:endEvent id="end" />
  <bpmn:boundaryEvent id="Paminnelse" cancelActivity="false" attachedToRef="Hall"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">=fristReminder</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f3" sourceRef="Paminnelse" targetRef="Hall_paminn" />${escalate('Hall_paminn', 'reminder')}<bpmn:sequenceFlow id="f4" sourceRef="Hall_paminn" targetRef="e1" /><bpmn:endEvent id="e1" />
  <bpmn:boundaryEvent id="Forsenad" cancelActivity="false" attachedToRef="Hall"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">="R/" + frist + "/P1D"</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f5" sourceRef="Forsenad" targetRef="Hall_eskalera" />${escalate('Hall_eskalera', 'breach')}<bpmn:sequenceFlow id="f6" sourceRef="Hall_eskalera" targetRef="e2" /><bpmn:endEvent id="e2" />
</bpmn:process>`);

export interface TimeTravel { engine: TestEngine; web: TestWeb; smtp: TestSmtp; workers: WorkerApp; setClock(ms: number): Promise<void> }

/**
 * Engine pinned at `t0` with vk-test-tidsfrist deployed, real SMTP, the real workers (on the engine's time) and a web
 * app on the real clock — it never learns the engine's but from what the processes record.
 */
export function useTimeTravel(t0: number, workerOverrides: Partial<WorkersFileConfig> = {}): TimeTravel {
  const ctx = {} as TimeTravel;
  let clock = t0;
  ctx.setClock = async (ms) => { clock = ms; await pinClock(ctx.engine.client, ms); };
  beforeAll(async () => {
    ctx.engine = await startTestEngine();
    ctx.smtp = await startTestSmtp();
    await ctx.setClock(t0);
    await ctx.engine.client.createDeployment({ resources: [new File([XML], 'vk-test-tidsfrist.bpmn', { type: 'application/xml' })] });
    ctx.web = await startTestWeb(ctx.engine.client);
    ctx.workers = await startWorkerApp({ ...testConfig(ctx.smtp.port, ctx.web.dataDir, workerOverrides), storage: ctx.web.storage }, ctx.engine.client, () => DateTime.fromMillis(clock));
  }, 60_000);
  afterAll(async () => {
    await ctx.workers?.stop(700);
    await ctx.smtp?.stop();
    await ctx.web?.stop();
    await ctx.engine?.stop();
  });
  return ctx;
}
