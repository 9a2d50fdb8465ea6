/**
 * User task listeners through the official client, as Camunda 8.8 runs them: blocking jobs of kind TASK_LISTENER
 * (listenerEventType CREATING/ASSIGNING/UPDATING/COMPLETING) with the task's data in `userTask`; the request that
 * started a transition answers only when the listeners are done; corrections are applied at the end; a denial
 * keeps the task as it was and rejects the request with Zeebe's 409.
 */
import { around, processXml } from '../helpers/bpmn-xml';
import {
  NOW, activateJobs, activateOne, waitForIncidents, activateNow, bpmnFile, cancelActiveInstances, eventually, expectHttpError, start, useEngine, waitForInstanceState,
} from '../helpers/api';

const t = useEngine();

const listeners = (...items: [string, string][]) =>
  `<zeebe:taskListeners>${items.map(([eventType, type]) => `<zeebe:taskListener eventType="${eventType}" type="${type}" />`).join('')}</zeebe:taskListeners>`;
const userTask = (extra: string) => `<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask />${extra}</bpmn:extensionElements></bpmn:userTask>`;

beforeAll(async () => {
  const all = processXml(around(userTask(
    '<zeebe:assignmentDefinition candidateGroups="handlaggare" /><zeebe:priorityDefinition priority="40" />'
    + listeners(['creating', 'tl.create'], ['assigning', 'tl.assign'], ['updating', 'tl.update'], ['completing', 'tl.complete']),
  )), '', 'tl-all');
  const assigned = processXml(around(userTask('<zeebe:assignmentDefinition assignee="anna" />' + listeners(['assigning', 'tl.a2']))), '', 'tl-assigned');
  await t.client.createDeployment({ resources: [bpmnFile('tl-all', all), bpmnFile('tl-assigned', assigned)] });
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

const one = (type: string, pi: string) => activateOne(t.client, type, pi);

async function taskOf(pi: string) {
  return eventually(
    () => t.client.searchUserTasks({ filter: { processInstanceKey: pi } as never }, NOW),
    (r) => (r.items ?? []).length === 1,
    { what: `the user task of ${pi}` },
  ).then((r) => r.items[0]!);
}

test('creating, assigning, updating and completing listeners block their transition and apply their corrections', async () => {
  const pi = (await start(t.client, 'tl-all')).processInstanceKey;
  const creating = await one('tl.create', pi);
  expect(creating).toEqual(expect.objectContaining({ kind: 'TASK_LISTENER', listenerEventType: 'CREATING', elementId: 't' }));
  expect(creating.userTask).toEqual(expect.objectContaining({ candidateGroups: ['handlaggare'], priority: 40, changedAttributes: [] }));
  expect((await taskOf(pi)).state).toBe('CREATING');
  await t.client.completeJob({ jobKey: creating.jobKey, result: { type: 'userTask', corrections: { priority: 80 } } as never });
  const created = await eventually(() => taskOf(pi), (task) => task.state === 'CREATED', { what: 'the task created' });
  expect(created.priority).toBe(80);

  // Assigning: the request waits for the listener; its correction wins.
  const assignment = t.client.assignUserTask({ userTaskKey: created.userTaskKey, assignee: 'bertil' });
  const assigning = await one('tl.assign', pi);
  expect(assigning.listenerEventType).toBe('ASSIGNING');
  expect(assigning.userTask).toEqual(expect.objectContaining({ assignee: 'bertil', action: 'assign', changedAttributes: ['assignee'], userTaskKey: created.userTaskKey }));
  expect((await taskOf(pi)).state).toBe('ASSIGNING');
  await expectHttpError(t.client.completeUserTask({ userTaskKey: created.userTaskKey }), 409);
  await t.client.completeJob({ jobKey: assigning.jobKey, result: { type: 'userTask', corrections: { assignee: 'cecilia', candidateGroups: [] } } as never });
  await assignment;
  const assigned = await taskOf(pi);
  expect([assigned.state, assigned.assignee, assigned.candidateGroups]).toEqual(['CREATED', 'cecilia', []]);

  // Updating denied: the request is rejected with Zeebe's message and nothing changes.
  const update = t.client.updateUserTask({ userTaskKey: created.userTaskKey, changeset: { priority: 10 } });
  const updating = await one('tl.update', pi);
  expect(updating.userTask?.changedAttributes).toEqual(['priority']);
  await t.client.completeJob({ jobKey: updating.jobKey, result: { type: 'userTask', denied: true, deniedReason: 'prioriteten är låst' } as never });
  const error = await expectHttpError(update, 409);
  expect(error.detail).toBe(`Command 'UPDATE' rejected with code 'INVALID_STATE': Update of the User Task with key '${created.userTaskKey}' was denied by Task Listener. Reason to deny: 'prioriteten är låst'`);
  expect(await taskOf(pi)).toEqual(expect.objectContaining({ state: 'CREATED', priority: 80 }));

  // Completing: variables are refused on listener jobs; accepted, the task completes with the request's variables.
  const completion = t.client.completeUserTask({ userTaskKey: created.userTaskKey, variables: { beslut: 'bifall' } });
  const completing = await one('tl.complete', pi);
  await expectHttpError(t.client.completeJob({ jobKey: completing.jobKey, variables: { x: 1 } }), 400);
  await expectHttpError(t.client.completeJob({ jobKey: completing.jobKey, result: { type: 'userTask', denied: true, corrections: { priority: 1 } } as never }), 400);
  await t.client.completeJob({ jobKey: completing.jobKey });
  await completion;
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  const vars = (await t.client.searchVariables({ filter: { processInstanceKey: pi, name: 'beslut' } as never }, NOW)).items ?? [];
  expect(vars.map((v) => v.value)).toEqual(['"bifall"']);
});

test('the assignee the process gives goes through the assigning listeners; a denied unassignment keeps it', async () => {
  const pi = (await start(t.client, 'tl-assigned')).processInstanceKey;
  const assigning = await one('tl.a2', pi);
  expect(assigning.userTask?.assignee).toBe('anna');
  expect((await taskOf(pi)).assignee).toBeUndefined();
  await t.client.completeJob({ jobKey: assigning.jobKey });
  const task = await eventually(() => taskOf(pi), (x) => x.state === 'CREATED', { what: 'the task assigned' });
  expect(task.assignee).toBe('anna');
  expect(await activateNow(t.client, 'tl.a2')).toEqual([]);
  // Unassigning runs the assigning listeners too; denied, the task keeps its assignee.
  const unassign = t.client.unassignUserTask({ userTaskKey: task.userTaskKey });
  const again = await one('tl.a2', pi);
  expect(again.userTask).toEqual(expect.objectContaining({ action: 'unassign', assignee: null }));
  await t.client.completeJob({ jobKey: again.jobKey, result: { type: 'userTask', denied: true } as never });
  const error = await expectHttpError(unassign, 409);
  expect(error.detail).toMatch(/Assignment of the User Task with key '\d+' was denied by Task Listener. Reason to deny: ''/);
  expect((await taskOf(pi)).assignee).toBe('anna');
});

test('a task listener out of retries raises TASK_LISTENER_NO_RETRIES; resolved, that listener runs again', async () => {
  const pi = (await start(t.client, 'tl-assigned')).processInstanceKey;
  const listener = await one('tl.a2', pi);
  await t.client.failJob({ jobKey: listener.jobKey, retries: 0, errorMessage: 'katalogen svarar inte' });
  const items = await waitForIncidents(t.client, pi);
  expect(items[0]).toEqual(expect.objectContaining({ errorType: 'TASK_LISTENER_NO_RETRIES', errorMessage: 'katalogen svarar inte', elementId: 't' }));
  expect((await taskOf(pi)).state).toBe('ASSIGNING');
  await t.client.updateJob({ jobKey: listener.jobKey, changeset: { retries: 1 } });
  await t.client.resolveIncident({ incidentKey: items[0]!.incidentKey! });
  const again = await one('tl.a2', pi);
  expect(again.jobKey).toBe(listener.jobKey);
  await t.client.completeJob({ jobKey: again.jobKey });
  expect((await eventually(() => taskOf(pi), (x) => x.state === 'CREATED', { what: 'the task assigned' })).assignee).toBe('anna');
});
