/**
 * Runtime of the engine-breadth constructs through the official client: FEEL script tasks (result variable,
 * output mapping, incident and retry), link events, message throw and end events run by job workers,
 * input mappings on a catch event feeding its correlation key, and a FEEL string literal over two lines.
 */
import {
  NOW, activateJobs, bpmnFile, cancelActiveInstances, elementsOf, eventually, start, useEngine, variablesOf, waitForElement,
  waitForInstanceState,
} from '../helpers/api';
import { around, escapeXml, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

const t = useEngine();

const script = (id: string, expression: string, resultVariable: string, extra = '') =>
  `<bpmn:scriptTask id="${id}"><bpmn:extensionElements><zeebe:script expression="${escapeXml(expression)}" resultVariable="${resultVariable}" />${extra}</bpmn:extensionElements></bpmn:scriptTask>`;

const PROCESSES: Record<string, string> = {
  'breadth-script': processXml(
    `<bpmn:startEvent id="start" />${flow('f1', 'start', 'double')}${script('double', '=summa * 2', 'dubbel')}${flow('f2', 'double', 'mapped')}` +
      script('mapped', '={summa: dubbel, text: "Rad ett\nrad två"}', 'resultat', '<zeebe:ioMapping><zeebe:output source="=resultat.text" target="brev" /></zeebe:ioMapping>') +
      `${flow('f3', 'mapped', 'after')}${serviceTask('after', 'breadth.after')}${flow('f4', 'after', 'end')}<bpmn:endEvent id="end" />`,
    '', 'breadth-script',
  ),
  'breadth-script-incident': processXml(around(script('t', '=if antal > 0 then antal else function(x) x', 'r')), '', 'breadth-script-incident'),
  'breadth-link': processXml(
    `<bpmn:startEvent id="start" />${flow('f1', 'start', 'toPage2')}<bpmn:intermediateThrowEvent id="toPage2"><bpmn:linkEventDefinition id="l1" name="Sida2" /></bpmn:intermediateThrowEvent>` +
      `<bpmn:intermediateCatchEvent id="page2"><bpmn:linkEventDefinition id="l2" name="Sida2" /></bpmn:intermediateCatchEvent>${flow('f2', 'page2', 'after')}${serviceTask('after', 'breadth.link')}${flow('f3', 'after', 'end')}<bpmn:endEvent id="end" />`,
    '', 'breadth-link',
  ),
  'breadth-message-throw': processXml(
    `<bpmn:startEvent id="start" />${flow('f1', 'start', 'notify')}` +
      `<bpmn:intermediateThrowEvent id="notify"><bpmn:extensionElements><zeebe:taskDefinition type="breadth.notify" /><zeebe:taskHeaders><zeebe:header key="mall" value="beslut" /></zeebe:taskHeaders>` +
      `<zeebe:ioMapping><zeebe:input source="=caseRef" target="arende" /><zeebe:output source="=skickat" target="meddelatDatum" /></zeebe:ioMapping></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateThrowEvent>` +
      `${flow('f2', 'notify', 'done')}<bpmn:endEvent id="done"><bpmn:extensionElements><zeebe:taskDefinition type="breadth.end" />` +
      `<zeebe:ioMapping><zeebe:output source="=kvitto" target="kvittens" /></zeebe:ioMapping></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m1" /></bpmn:endEvent>`,
    '<bpmn:message id="m1" name="Beslut meddelat" />', 'breadth-message-throw',
  ),
  'breadth-catch-inputs': processXml(
    around(`<bpmn:intermediateCatchEvent id="t"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=&quot;VK-&quot; + nummer" target="nyckel" /></zeebe:ioMapping></bpmn:extensionElements><bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>`),
    '<bpmn:message id="m2" name="Svar inkommet"><bpmn:extensionElements><zeebe:subscription correlationKey="=nyckel" /></bpmn:extensionElements></bpmn:message>',
    'breadth-catch-inputs',
  ),
  'breadth-job-user-task': processXml(
    `<bpmn:startEvent id="start" />${flow('f1', 'start', 'review')}<bpmn:userTask id="review" name="Granska"><bpmn:extensionElements>` +
      `<zeebe:formDefinition formKey="camunda-forms:bpmn:granskning" /><zeebe:assignmentDefinition assignee="=ansvarig" candidateGroups="=[&quot;remissgruppen-&quot; + kommun]" />` +
      `<zeebe:taskSchedule dueDate="=date and time(&quot;2026-12-24T12:00:00Z&quot;)" /><zeebe:taskHeaders><zeebe:header key="vy" value="kort" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:userTask>` +
      `${flow('f2', 'review', 'after')}${serviceTask('after', 'breadth.reviewed')}${flow('f3', 'after', 'end')}<bpmn:endEvent id="end" />`,
    '', 'breadth-job-user-task',
  ).replace('<bpmn:process id="breadth-job-user-task" isExecutable="true">',
    '<bpmn:process id="breadth-job-user-task" isExecutable="true"><bpmn:extensionElements><zeebe:userTaskForm id="granskning">{"type":"default","components":[]}</zeebe:userTaskForm></bpmn:extensionElements>'),
};

beforeAll(async () => {
  await t.client.createDeployment({ resources: Object.entries(PROCESSES).map(([name, xml]) => bpmnFile(name, xml)) });
});
afterEach(async () => {
  await cancelActiveInstances(t.client);
});

describe('FEEL script tasks', () => {
  test('the result variable reaches the next step; an output mapping picks from it; a string keeps its line break', async () => {
    const pi = (await start(t.client, 'breadth-script', { summa: 21 })).processInstanceKey;
    const [job] = await activateJobs(t.client, 'breadth.after');
    expect(job.processInstanceKey).toBe(pi);
    expect(job.variables).toEqual(expect.objectContaining({ summa: 21, dubbel: 42, brev: 'Rad ett\nrad två' }));
    // With an output mapping only the mapped value leaves the script task.
    expect(job.variables).not.toHaveProperty('resultat');
    const [double] = await elementsOf(t.client, pi, 'double');
    expect(double.type).toBe('SCRIPT_TASK');
    expect(double.state).toBe('COMPLETED');
    await t.client.completeJob({ jobKey: job.jobKey });
    await waitForInstanceState(t.client, pi, 'COMPLETED');
  });

  test('a script that fails raises an incident on the task; fixing the variable and resolving it evaluates again', async () => {
    const pi = (await start(t.client, 'breadth-script-incident', { antal: 0 })).processInstanceKey;
    const { items } = await eventually(
      () => t.client.searchIncidents({ filter: { processInstanceKey: pi } as never }, NOW),
      (r) => r.items?.length === 1,
      { what: 'script incident' },
    );
    const incident = items![0]!;
    expect(incident).toEqual(expect.objectContaining({ elementId: 't', errorType: 'EXTRACT_VALUE_ERROR' }));
    expect(incident.errorMessage).toMatch(/script of 't'/);
    await t.client.createElementInstanceVariables({ elementInstanceKey: pi as never, variables: { antal: 3 } });
    await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
    await waitForInstanceState(t.client, pi, 'COMPLETED');
    expect(await variablesOf(t.client, pi)).toEqual(expect.objectContaining({ r: 3 }));
  });
});

test('a link throw continues at the link catch of its name', async () => {
  const pi = (await start(t.client, 'breadth-link')).processInstanceKey;
  const [job] = await activateJobs(t.client, 'breadth.link');
  expect(job.processInstanceKey).toBe(pi);
  const elements = await elementsOf(t.client, pi);
  const byId = Object.fromEntries(elements.map((e) => [e.elementId, e]));
  expect(byId.toPage2).toEqual(expect.objectContaining({ type: 'INTERMEDIATE_THROW_EVENT', state: 'COMPLETED' }));
  expect(byId.page2).toEqual(expect.objectContaining({ type: 'INTERMEDIATE_CATCH_EVENT', state: 'COMPLETED' }));
  await t.client.completeJob({ jobKey: job.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('message throw and message end events wait for their job worker, with headers, inputs and outputs', async () => {
  const pi = (await start(t.client, 'breadth-message-throw', { caseRef: 'VK-2026-000777' })).processInstanceKey;
  const [notify] = await activateJobs(t.client, 'breadth.notify');
  expect(notify.processInstanceKey).toBe(pi);
  expect(notify.elementId).toBe('notify');
  expect(notify.customHeaders).toEqual({ mall: 'beslut' });
  expect(notify.variables).toEqual(expect.objectContaining({ arende: 'VK-2026-000777' }));
  const [throwing] = await elementsOf(t.client, pi, 'notify');
  expect(throwing.state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: notify.jobKey, variables: { skickat: '2026-12-02' } });

  const [end] = await activateJobs(t.client, 'breadth.end');
  expect(end.variables).toEqual(expect.objectContaining({ meddelatDatum: '2026-12-02' }));
  expect(end.variables).not.toHaveProperty('skickat');
  expect(end.variables).not.toHaveProperty('arende');
  expect((await t.client.getProcessInstance({ processInstanceKey: pi }, NOW)).state).toBe('ACTIVE');
  await t.client.completeJob({ jobKey: end.jobKey, variables: { kvitto: 'K-1' } });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
  expect(await variablesOf(t.client, pi)).toEqual(expect.objectContaining({ kvittens: 'K-1', meddelatDatum: '2026-12-02' }));
});

test('an input mapping on a message catch event is there when its correlation key is evaluated', async () => {
  const pi = (await start(t.client, 'breadth-catch-inputs', { nummer: '2026-000778' })).processInstanceKey;
  await waitForElement(t.client, pi, 't', 'ACTIVE');
  await t.client.publishMessage({ name: 'Svar inkommet', correlationKey: 'VK-2026-000778', variables: { svar: 'ja' } });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});

test('a job-based user task is a job of type io.camunda.zeebe:userTask with form key and assignment headers; completing it goes on', async () => {
  const pi = (await start(t.client, 'breadth-job-user-task', { ansvarig: 'anna.s', kommun: 'ekeby' })).processInstanceKey;
  const [job] = await activateJobs(t.client, 'io.camunda.zeebe:userTask');
  expect(job.processInstanceKey).toBe(pi);
  expect(job.elementId).toBe('review');
  expect(job.customHeaders).toEqual({
    vy: 'kort',
    'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:granskning',
    'io.camunda.zeebe:assignee': 'anna.s',
    'io.camunda.zeebe:candidateGroups': '["remissgruppen-ekeby"]',
    'io.camunda.zeebe:dueDate': '2026-12-24T12:00:00.000Z',
  });
  // It is not a Camunda user task: the user task API does not list it.
  const tasks = await t.client.searchUserTasks({ filter: { processInstanceKey: pi } as never }, NOW);
  expect(tasks.items ?? []).toHaveLength(0);
  await t.client.completeJob({ jobKey: job.jobKey, variables: { granskat: true } });
  const [after] = await activateJobs(t.client, 'breadth.reviewed');
  expect(after.variables).toEqual(expect.objectContaining({ granskat: true }));
  await t.client.completeJob({ jobKey: after.jobKey });
  await waitForInstanceState(t.client, pi, 'COMPLETED');
});
