/**
 * deployAll(client, files) in-process against the embedded engine: forms before diagrams, versions counted up on
 * changed resources, unchanged resources keep their version, and a rejected diagram gives an error naming the files.
 */
import { startTestEngine, type TestEngine } from '../helpers/engine';
import type { DeployFile } from '../../deploy/files';
import { deployAll, formatSummary } from '../../deploy/deploy';
import { diagram, form, userTask } from './helpers';

let t: TestEngine;
beforeAll(async () => { t = await startTestEngine(); });
afterAll(async () => { if (t) await t.stop(); });

const file = (kind: DeployFile['kind'], name: string, content: string): DeployFile => ({ kind, name, path: `/tmp/${name}`, content });

test('deploys forms and diagrams, and a redeploy of a changed diagram prints version 2', async () => {
  const first = await deployAll(t.client, [
    file('bpmn', 'redeploy.bpmn', diagram('redeploy', userTask('redeploy-form'))),
    file('form', 'redeploy-form.form', form('redeploy-form')),
  ]);
  expect(first.forms).toEqual([expect.objectContaining({ formId: 'redeploy-form', version: 1 })]);
  expect(first.processes).toEqual([expect.objectContaining({ processDefinitionId: 'redeploy', version: 1, resourceName: 'redeploy.bpmn' })]);
  expect(first.processes[0].key).toMatch(/^\d+$/);

  const second = await deployAll(t.client, [
    file('bpmn', 'redeploy.bpmn', diagram('redeploy', userTask('redeploy-form', 'Granska igen'))),
    file('form', 'redeploy-form.form', form('redeploy-form')),
  ]);
  expect(second.processes).toEqual([expect.objectContaining({ processDefinitionId: 'redeploy', version: 2 })]);
  expect(second.processes[0].key).not.toBe(first.processes[0].key);
  expect(second.forms[0].version).toBe(1); // unchanged form: Zeebe keeps the version
  const text = formatSummary(second);
  expect(text).toMatch(/redeploy\s+version 2\s+key \d+/);
  expect(text).toMatch(/redeploy-form\s+version 1\s+key \d+/);

  // the user task of the new version is a Camunda user task with the linked form
  await t.client.createProcessInstance({ processDefinitionId: 'redeploy' } as never);
  let task;
  for (let i = 0; i < 50 && !task; i++) {
    task = (await t.client.searchUserTasks({ filter: { processDefinitionKey: second.processes[0].key } } as never, { consistency: { waitUpToMs: 0 } })).items[0];
    if (!task) await new Promise((r) => setTimeout(r, 100));
  }
  expect(task).toBeDefined();
  const linked = await t.client.getUserTaskForm({ userTaskKey: task!.userTaskKey }, { consistency: { waitUpToMs: 5000 } });
  expect(linked).toEqual(expect.objectContaining({ formId: 'redeploy-form' }));
});

test('a diagram the cluster rejects fails with the files and the cluster detail in the message', async () => {
  await expect(deployAll(t.client, [file('bpmn', 'broken.bpmn', '<bpmn:definitions><nope')])).rejects.toThrow(
    /deploying diagrams \(broken\.bpmn\) failed: .*(HTTP 400|400)/,
  );
});
