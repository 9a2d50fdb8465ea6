/**
 * End-to-end smoke test of a Camunda 8.8 cluster with this project's diagrams and forms (see target.ts for where it
 * runs): deploy bpmn/ and forms/, start vk-placeringsforfragan, find its first user task (a Camunda user task, so it
 * is in Tasklist too) with its linked form, claim and complete it, and see the instance finish.
 * Against a real cluster no workers are needed: the path taken has user tasks only.
 */
import path from 'node:path';
import { collectFiles } from '../../deploy/files';
import { deployAll, type DeploySummary } from '../../deploy/deploy';
import { openTarget, skipReason, type ClusterTarget } from './target';

const ROOT = path.resolve(__dirname, '..', '..');
// searches are eventually consistent on a real cluster (secondary storage): wait up to 30 s
const EVENTUALLY = { consistency: { waitUpToMs: 30_000 } } as const;

if (skipReason) console.warn(skipReason);
const maybe = skipReason ? describe.skip : describe;

maybe('Camunda cluster smoke test', () => {
  let target: ClusterTarget;
  let deployed: DeploySummary;
  const caseRef = `VK-2026-${String(Date.now() % 1_000_000).padStart(6, '0')}`;

  beforeAll(async () => {
    target = await openTarget();
    console.log(`cluster smoke test against ${target.name}`);
  }, 60_000);
  afterAll(async () => { if (target) await target.stop(); });

  test('the cluster answers its topology', async () => {
    const topology = await target.client.getTopology();
    expect(topology.brokers.length).toBeGreaterThan(0);
  });

  test('deploys every diagram and form of the project', async () => {
    const files = collectFiles([path.join(ROOT, 'bpmn'), path.join(ROOT, 'forms')]);
    deployed = await deployAll(target.client, files);
    expect(deployed.processes.map((p) => p.processDefinitionId)).toContain('vk-placeringsforfragan');
    expect(deployed.forms.length).toBe(files.filter((f) => f.kind === 'form').length);
    expect(deployed.processes.length).toBeGreaterThanOrEqual(files.filter((f) => f.kind === 'bpmn').length);
  }, 60_000);

  test('a started case shows its first user task with the linked form; completing it ends the case', async () => {
    const processDefinitionKey = deployed.processes.find((p) => p.processDefinitionId === 'vk-placeringsforfragan')!.key;
    const instance = await target.client.createProcessInstance({ processDefinitionKey, variables: { caseRef, kommun: 'vaxjo' } } as never);
    const processInstanceKey = instance.processInstanceKey;

    let task;
    for (let i = 0; i < 60 && !task; i++) {
      task = (await target.client.searchUserTasks({ filter: { processInstanceKey, state: 'CREATED' } } as never, EVENTUALLY)).items?.[0];
      if (!task) await new Promise((r) => setTimeout(r, 500));
    }
    expect(task).toEqual(expect.objectContaining({ elementId: 'Utredning', candidateGroups: ['socialsekreterare-vaxjo'] }));

    const form = await target.client.getUserTaskForm({ userTaskKey: task!.userTaskKey }, EVENTUALLY);
    expect(form).toEqual(expect.objectContaining({ formId: 'vk-placering-utredning' }));
    // FormResult.schema is the form JSON (an object in the 8.8 spec; tolerate a JSON string as older clusters sent)
    const schema = (form as unknown as { schema: unknown }).schema;
    const parsed = (typeof schema === 'string' ? JSON.parse(schema) : schema) as { components: unknown[] };
    expect(parsed.components).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'klientIntresserad' })]),
    );

    await target.client.assignUserTask({ userTaskKey: task!.userTaskKey, assignee: 'smoke-test', allowOverride: true } as never);
    await target.client.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { klientIntresserad: 'nej', barn: 'nej', lvmStatus: 'ingen' } } as never);

    let state: string | undefined;
    for (let i = 0; i < 60 && state !== 'COMPLETED'; i++) {
      state = (await target.client.getProcessInstance({ processInstanceKey }, EVENTUALLY)).state;
      if (state !== 'COMPLETED') await new Promise((r) => setTimeout(r, 500));
    }
    expect(state).toBe('COMPLETED');
  }, 120_000);
});

if (skipReason) test.skip(skipReason, () => {});
