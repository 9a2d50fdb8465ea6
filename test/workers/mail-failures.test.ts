/**
 * Failure handling and idempotency against the embedded engine and a real SMTP server:
 * 4xx → job failed with retries and back-off, then success; 5xx → incident with an actionable message;
 * crash after sending but before completing → the re-activated job does not mail again.
 */
import type { CamundaClient } from '../../common/camunda';
import { runJob, type JobInfo } from '../../workers/framework';
import { escalate } from '../../workers/handlers/escalate';
import { openDeps } from '../../workers/main';
import { eventually, NOW } from '../helpers/api';
import { chain, task } from './diagrams';
import { useWorkerEnv } from './setup';

const env = useWorkerEnv();

async function completed(client: CamundaClient, processInstanceKey: string) {
  await eventually(() => client.searchProcessInstances({ filter: { processInstanceKey } as never }, NOW), (r) => r.items?.[0]?.state === 'COMPLETED', { what: 'process completed', timeoutMs: 20_000 });
}

const breach = (id: string) => chain(id, [
  task('Eskalera', 'vk.escalate', { level: 'breach', deadline: 'hemflytt-sip-mote', dueDateVariable: 'sipMote', group: 'socialsekreterare-{kommun}', escalateTo: 'remissgruppen' }),
], ['Eskalera']);

beforeAll(async () => {
  await env.engine.client.createDeployment({ resources: [breach('workers-eskalering')] });
});

test('crash after the e-mail was sent but before the job completed: the re-activated job sends nothing again', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000301';
  const pi = await client.createProcessInstance({ processDefinitionId: 'workers-eskalering' as never, variables: { caseRef, kommun: 'ljungby', sipMote: '2026-12-01T16:00:00+01:00' } });
  // First worker "process": activates the job with a short lock, sends, and dies before completing.
  const { jobs } = await eventually(() => client.activateJobs({ type: 'vk.escalate', maxJobsToActivate: 1, timeout: 1500, worker: 'crashing', requestTimeout: -1 } as never), (r) => r.jobs.length === 1, { what: 'job' });
  const job = jobs[0];
  const first = await openDeps(env.config);
  const info: JobInfo = { jobKey: String(job.jobKey), type: job.type, processInstanceKey: String(job.processInstanceKey), processDefinitionId: String(job.processDefinitionId), elementId: String(job.elementId), elementInstanceKey: String(job.elementInstanceKey), retries: job.retries };
  const outcome = await runJob(escalate(first.deps), job, info, { audit: first.deps.audit, actor: first.deps.actor, retry: env.config.retry });
  expect(outcome.kind).toBe('complete');
  first.close(); // crash: the job is never completed
  const sent = await env.smtp.waitFor(2);
  expect(sent.flatMap((m) => m.to).sort()).toEqual(['remissgruppen@test.local', 'socialsekreterare-ljungby@vardkedjan.test']);

  // Second worker process: the lock expires, the engine hands the same job out again.
  const app = await env.start();
  await completed(client, String(pi.processInstanceKey));
  await new Promise((r) => setTimeout(r, 300));
  expect(env.smtp.messages.filter((m) => m.subject.includes(caseRef))).toHaveLength(2);
  expect(await app.deps.audit.query({ caseRef, action: 'notification.duplicate-suppressed' })).toHaveLength(2);
  expect(await app.deps.audit.query({ caseRef, action: 'escalation.breach' })).toHaveLength(1); // one step, recorded once
  expect(await app.deps.audit.query({ caseRef, action: 'job.completed' })).toHaveLength(2); // the crashed run and the re-run
});

test('transient SMTP failure (451): job failed with retries and back-off, then delivered once', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000302';
  env.smtp.setMode({ kind: 'reject', code: 451, message: 'Try again later', times: 2 });
  const rejectedBefore = env.smtp.rejected();
  const pi = await client.createProcessInstance({ processDefinitionId: 'workers-eskalering' as never, variables: { caseRef, kommun: 'vaxjo', sipMote: '2026-12-01' } });
  await completed(client, String(pi.processInstanceKey));
  expect(env.smtp.rejected() - rejectedBefore).toBe(2);
  const audit = env.apps[0].deps.audit;
  const failed = (await audit.query({ caseRef, action: 'job.failed' })).reverse();
  expect(failed).toHaveLength(2);
  expect(failed.map((f) => [f.details!.retries, f.details!.retryBackOff])).toEqual([[2, 300], [1, 600]]);
  expect(String(failed[0].details!.errorMessage)).toMatch(/temporarily refused the e-mail \(451/);
  const delivered = env.smtp.messages.filter((m) => m.subject.includes(caseRef));
  // Both recipients (escalateTo and the responsible group) exactly once.
  expect(delivered.flatMap((m) => m.to).sort()).toEqual(['remissgruppen@test.local', 'soc.vaxjo@test.local']);
});

test('permanent SMTP failure (550): incident with a message a person can act on', async () => {
  const { client } = env.engine;
  const caseRef = 'VK-2026-000303';
  env.smtp.setMode({ kind: 'reject', code: 550, message: 'Mailbox unavailable' });
  try {
    const pi = await client.createProcessInstance({ processDefinitionId: 'workers-eskalering' as never, variables: { caseRef, kommun: 'vaxjo', sipMote: '2026-12-01' } });
    const { items } = await eventually(
      () => client.searchIncidents({ filter: { processInstanceKey: pi.processInstanceKey, state: 'ACTIVE' } as never }, NOW),
      (r) => (r.items?.length ?? 0) === 1, { what: 'incident', timeoutMs: 15_000 });
    const incident = items![0] as { errorType: string; errorMessage: string; elementId: string };
    expect(incident.errorType).toBe('JOB_NO_RETRIES');
    expect(incident.elementId).toBe('Eskalera');
    expect(incident.errorMessage).toMatch(/permanently rejected the e-mail \(550: .*Mailbox unavailable/);
    expect(incident.errorMessage).toMatch(/config\/workers\.json/);
    expect(await env.apps[0].deps.audit.query({ caseRef, action: 'job.incident' })).toHaveLength(1);
  } finally {
    env.smtp.setMode({ kind: 'accept' });
  }
});
