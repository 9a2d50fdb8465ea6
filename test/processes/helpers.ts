/**
 * Helpers for the process tests: deploy every diagram and form from bpmn/ and forms/ to the embedded engine,
 * complete service-task jobs with small in-test handlers, complete user tasks with form-shaped variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CamundaClient } from '../../common/camunda';
import { NOW, activateJobs, cancelActiveInstances, eventually, pinClock, useEngine, type ActivatedJob } from '../helpers/api';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DAY = 86_400_000;

export function resourceFiles(): File[] {
  const files: File[] = [];
  for (const [dir, ext, type] of [['bpmn', '.bpmn', 'application/xml'], ['bpmn', '.dmn', 'application/xml'], ['forms', '.form', 'application/json']] as const) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((x) => x.endsWith(ext)).sort()) {
      files.push(new File([fs.readFileSync(path.join(ROOT, dir, f))], f, { type }));
    }
  }
  return files;
}

/**
 * The embedded engine for a process test file: clock pinned at `t0`, every diagram and form deployed; after each test
 * the instances are cancelled and the clock goes back to `t0`. `ref()` gives a fresh case reference per call.
 */
export function useDeployedEngine(t0: number, refDigit: string) {
  const t = useEngine();
  let n = 0;
  beforeAll(async () => {
    await pinClock(t.client, t0);
    await deployAll(t.client);
  });
  afterEach(async () => {
    await cancelActiveInstances(t.client);
    await pinClock(t.client, t0);
  });
  return { t, ref: () => `VK-2026-${refDigit}${String(++n).padStart(5, '0')}` };
}

export async function deployAll(client: CamundaClient) {
  return client.createDeployment({ resources: resourceFiles() });
}

export async function startProcess(client: CamundaClient, processDefinitionId: string, variables: Record<string, unknown>) {
  return client.createProcessInstance({ processDefinitionId: processDefinitionId as never, variables });
}

/** Activates exactly one job of `type` belonging to `processInstanceKey` (or any instance) and completes it. */
export async function completeJob(client: CamundaClient, type: string, variables: Record<string, unknown> = {}, check?: (job: ActivatedJob) => void): Promise<ActivatedJob> {
  const [job] = await activateJobs(client, type);
  check?.(job);
  await client.completeJob({ jobKey: job.jobKey, variables });
  return job;
}

/** Completes a vk.deadline.calculate job like the worker would (without holidays): base + offset, reminder 2 days before. */
export async function completeDeadline(client: CamundaClient, expected?: { rule?: string; resultVariable?: string; offset?: string }): Promise<{ job: ActivatedJob; deadline: string }> {
  const [job] = await activateJobs(client, 'vk.deadline.calculate');
  const h = job.customHeaders as Record<string, string>;
  const vars = job.variables as Record<string, unknown>;
  if (expected?.rule) expect(h.rule).toBe(expected.rule);
  if (expected?.resultVariable) expect(h.resultVariable).toBe(expected.resultVariable);
  if (expected?.offset) expect(vars.deadlineOffset).toBe(expected.offset);
  return { job, deadline: await completeDeadlineJob(client, job) };
}

/** Several deadline jobs that are due at once (parallel branches): each completed like completeDeadline, by rule. */
export async function completeDeadlines(client: CamundaClient, count: number): Promise<Record<string, { job: ActivatedJob; deadline: string }>> {
  const out: Record<string, { job: ActivatedJob; deadline: string }> = {};
  for (const job of await activateJobs(client, 'vk.deadline.calculate', count)) {
    out[(job.customHeaders as Record<string, string>).rule] = { job, deadline: await completeDeadlineJob(client, job) };
  }
  return out;
}

async function completeDeadlineJob(client: CamundaClient, job: ActivatedJob): Promise<string> {
  const h = job.customHeaders as Record<string, string>;
  const vars = job.variables as Record<string, unknown>;
  const base = String(vars[h.baseDateVariable]);
  const offset = String(vars.deadlineOffset ?? 'P0D');
  const m = /^(-)?P(\d+)([DM])$/.exec(offset);
  if (!m) throw new Error(`test deadline handler: unsupported offset ${offset}`);
  const d = new Date(base.length === 10 ? `${base}T16:00:00+01:00` : base);
  const n = Number(m[2]) * (m[1] ? -1 : 1);
  if (m[3] === 'D') d.setUTCDate(d.getUTCDate() + n); else d.setUTCMonth(d.getUTCMonth() + n);
  const deadline = d.toISOString();
  const reminder = new Date(d.getTime() - 2 * DAY).toISOString();
  await client.completeJob({ jobKey: job.jobKey, variables: { [h.resultVariable]: deadline, [`${h.resultVariable}Reminder`]: reminder } });
  return deadline;
}

export async function userTask(client: CamundaClient, processInstanceKey: string | undefined, elementId: string) {
  const filter: Record<string, unknown> = { elementId, state: 'CREATED' };
  if (processInstanceKey) filter.processInstanceKey = processInstanceKey;
  const { items } = await eventually(
    () => client.searchUserTasks({ filter: filter as never }, NOW),
    (r) => r.items.length > 0,
    { what: `user task ${elementId}` },
  );
  return items[0];
}

/** Waits for user task `elementId`, checks its form exists, completes it with `variables`. */
export async function completeTask(client: CamundaClient, processInstanceKey: string | undefined, elementId: string, variables: Record<string, unknown> = {}) {
  const task = await userTask(client, processInstanceKey, elementId);
  await client.completeUserTask({ userTaskKey: task.userTaskKey, variables });
  return task;
}

export async function publish(client: CamundaClient, name: string, caseRef: string, variables: Record<string, unknown> = {}) {
  await client.publishMessage({ name, correlationKey: caseRef, variables, timeToLive: 0 } as never);
}

/** No job of `type` can be activated right now. */
export async function noJobs(client: CamundaClient, type: string) {
  const { jobs } = await client.activateJobs({ type, maxJobsToActivate: 10, timeout: 1000, worker: 'process-test', requestTimeout: -1 } as never);
  return jobs.length === 0;
}

/**
 * Completes a vk.message.publish job like the worker does: publishes header `messageName` with correlation key
 * caseRef and the non-null `messageVariables`, then completes the job. Returns the job.
 */
export async function completePublish(client: CamundaClient, messageName?: string): Promise<ActivatedJob> {
  const [job] = await activateJobs(client, 'vk.message.publish');
  const h = job.customHeaders as Record<string, string>;
  if (messageName) expect(h.messageName).toBe(messageName);
  const vars = job.variables as { caseRef: string; messageVariables?: Record<string, unknown> };
  const variables = Object.fromEntries(Object.entries(vars.messageVariables ?? {}).filter(([, v]) => v !== null && v !== undefined));
  const ttl = h.timeToLive ? Number(/^P(\d+)D$/.exec(h.timeToLive)?.[1] ?? 0) * DAY : 0;
  await client.publishMessage({ name: h.messageName, correlationKey: vars.caseRef, variables, timeToLive: ttl } as never);
  await client.completeJob({ jobKey: job.jobKey, variables: {} });
  return job;
}

/** Completes a vk.process.start job like the worker does: creates header `processId` with the known start variables. */
export async function completeStart(client: CamundaClient, processId?: string): Promise<{ job: ActivatedJob; processInstanceKey: string }> {
  const [job] = await activateJobs(client, 'vk.process.start');
  const h = job.customHeaders as Record<string, string>;
  if (processId) expect(h.processId).toBe(processId);
  const vars = job.variables as { caseRef: string; kommun: string; startVariables?: Record<string, unknown> };
  const known = Object.fromEntries(Object.entries(vars.startVariables ?? {}).filter(([, v]) => v !== null && v !== undefined));
  const pi = await client.createProcessInstance({ processDefinitionId: h.processId as never, variables: { ...known, caseRef: vars.caseRef, kommun: vars.kommun } });
  await client.completeJob({ jobKey: job.jobKey, variables: { underPlaceringKey: String(pi.processInstanceKey) } });
  return { job, processInstanceKey: String(pi.processInstanceKey) };
}

/** Completes the two vk.notify.task jobs before the handover meeting; returns their resolved group headers. */
export async function completeNotifications(client: CamundaClient, count: number): Promise<Array<{ group: string; variables: Record<string, unknown> }>> {
  const out: Array<{ group: string; variables: Record<string, unknown> }> = [];
  for (let i = 0; i < count; i++) {
    const [job] = await activateJobs(client, 'vk.notify.task');
    out.push({ group: (job.customHeaders as Record<string, string>).group, variables: job.variables as Record<string, unknown> });
    await client.completeJob({ jobKey: job.jobKey, variables: {} });
  }
  return out;
}
