/**
 * Deploy-time rules of execution listeners (zeebe:executionListeners), as Zeebe 8.8 validates them: start/end
 * listeners with a job type and retries on tasks, events, gateways, subprocesses and the process; refused where
 * an element cannot run them (start listeners on start and boundary events, end listeners on gateways and on error
 * and escalation end events, any on compensation boundary events), duplicates, missing types, bad retries.
 */
import { compileBpmn } from '../../engine/model';
import { findingsOf as findings } from '../helpers/deploy-findings';
import { around, executionListeners, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

const findingsOf = (xml: string) => findings(xml, 'listeners.bpmn');

const ext = (xml: string) => `<bpmn:extensionElements>${xml}</bpmn:extensionElements>`;

describe('execution listeners compile', () => {
  it('keeps start and end listeners of a task in diagram order, retries defaulting to 3', async () => {
    const xml = processXml(around(serviceTask('t', 'vk.t', executionListeners(['start', 'el.a', '5'], ['start', '=typ'], ['end', 'el.b']))));
    const [process] = await compileBpmn(xml, 'listeners.bpmn');
    expect(process!.elements.t!.executionListeners).toEqual([
      { eventType: 'start', type: 'el.a', retries: '5' },
      { eventType: 'start', type: '=typ', retries: '3' },
      { eventType: 'end', type: 'el.b', retries: '3' },
    ]);
  });

  it('accepts listeners on the process, a subprocess, a gateway (start), a catch event and a start event (end)', async () => {
    const xml = processXml(
      `<bpmn:extensionElements>${executionListeners(['start', 'p.start'], ['end', 'p.end'])}</bpmn:extensionElements>`
      + `<bpmn:startEvent id="start">${ext(executionListeners(['end', 's.end']))}</bpmn:startEvent>`
      + `<bpmn:exclusiveGateway id="gw">${ext(executionListeners(['start', 'gw.start']))}</bpmn:exclusiveGateway>`
      + `<bpmn:subProcess id="sub">${ext(executionListeners(['start', 'sub.start'], ['end', 'sub.end']))}<bpmn:startEvent id="ss" /><bpmn:endEvent id="se" />${flow('fs', 'ss', 'se')}</bpmn:subProcess>`
      + `<bpmn:intermediateCatchEvent id="wait">${ext(executionListeners(['start', 'c.start'], ['end', 'c.end']))}<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`
      + `<bpmn:endEvent id="end">${ext(executionListeners(['start', 'e.start'], ['end', 'e.end']))}</bpmn:endEvent>`
      + flow('f1', 'start', 'gw') + flow('f2', 'gw', 'sub') + flow('f3', 'sub', 'wait') + flow('f4', 'wait', 'end'),
    );
    const [process] = await compileBpmn(xml, 'listeners.bpmn');
    expect(process!.executionListeners).toEqual([{ eventType: 'start', type: 'p.start', retries: '3' }, { eventType: 'end', type: 'p.end', retries: '3' }]);
    expect(process!.elements.gw!.executionListeners).toHaveLength(1);
    expect(process!.elements.sub!.executionListeners).toHaveLength(2);
    expect(process!.elements.wait!.executionListeners).toHaveLength(2);
    expect(process!.elements.end!.executionListeners).toHaveLength(2);
  });
});

describe('execution listeners refused at deploy', () => {
  const timerBoundary = (listeners: string) => `<bpmn:boundaryEvent id="b" attachedToRef="t">${ext(listeners)}<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="be" />${flow('fb', 'b', 'be')}`;
  it.each([
    ['a start listener on a start event', processXml(`<bpmn:startEvent id="start">${ext(executionListeners(['start', 'x']))}</bpmn:startEvent><bpmn:endEvent id="end" />${flow('f', 'start', 'end')}`), 'start', /Execution listeners of type 'start' are not supported by start events/],
    ['a start listener on a boundary event', processXml(around(serviceTask('t')) + timerBoundary(executionListeners(['start', 'x']))), 'b', /Execution listeners of type 'start' are not supported by boundary events/],
    ['an end listener on a gateway', processXml(around(`<bpmn:parallelGateway id="t">${ext(executionListeners(['end', 'x']))}</bpmn:parallelGateway>`)), 't', /Execution listeners of type 'end' are not supported by gateway element/],
    ['an end listener on an error end event', processXml(`<bpmn:startEvent id="start" /><bpmn:endEvent id="end">${ext(executionListeners(['end', 'x']))}<bpmn:errorEventDefinition errorRef="err" /></bpmn:endEvent>${flow('f', 'start', 'end')}`, '<bpmn:error id="err" errorCode="E1" />'), 'end', /Execution listeners of type 'end' are not supported by \[escalation, error\] end events/],
    ['the same eventType and type twice', processXml(around(serviceTask('t', 'vk.t', executionListeners(['start', 'x'], ['start', 'x'])))), 't', /Found '2' duplicates based on eventType\[start\] and type\[x\], these combinations should be unique/],
    ['a listener without type', processXml(around(serviceTask('t', 'vk.t', '<zeebe:executionListeners><zeebe:executionListener eventType="end" /></zeebe:executionListeners>'))), 't', /'end' execution listener without a job type/],
    ['an unknown eventType', processXml(around(serviceTask('t', 'vk.t', executionListeners(['take', 'x'])))), 't', /eventType 'take'.*'start' or 'end'/],
    ['retries that are not a whole number', processXml(around(serviceTask('t', 'vk.t', executionListeners(['start', 'x', 'tre'])))), 't', /invalid job retries of the 'start' execution listener 'x': 'tre' is not a whole number/],
    ['a listener type that is no FEEL', processXml(around(serviceTask('t', 'vk.t', executionListeners(['end', '=typ +'])))), 't', /invalid job type of the 'end' execution listener/],
  ])('%s', async (_what, xml, elementId, text) => {
    expect(await findingsOf(xml)).toEqual([{ elementId, message: expect.stringMatching(text) }]);
  });

  it('allows the same type for start and end', async () => {
    await expect(compileBpmn(processXml(around(serviceTask('t', 'vk.t', executionListeners(['start', 'x'], ['end', 'x'])))), 'ok.bpmn')).resolves.toHaveLength(1);
  });
});

describe('task listeners at deploy', () => {
  const camundaTask = (listeners: string) => `<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask /><zeebe:taskListeners>${listeners}</zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>`;
  it('keeps the listeners of a Camunda user task in order, the deprecated event names mapped', async () => {
    const xml = processXml(around(camundaTask('<zeebe:taskListener eventType="creating" type="a" retries="2" /><zeebe:taskListener eventType="complete" type="=b" />')));
    const [process] = await compileBpmn(xml, 'tl.bpmn');
    expect(process!.elements.t!.userTask!.taskListeners).toEqual([
      { eventType: 'creating', type: 'a', retries: '2' }, { eventType: 'completing', type: '=b', retries: '3' },
    ]);
  });
  it.each([
    ['an unknown event type', '<zeebe:taskListener eventType="claiming" type="a" />', /Task listener event type 'claiming' is not supported/],
    ['a canceling listener (not run by the embedded engine)', '<zeebe:taskListener eventType="canceling" type="a" />', /'canceling' task listener, which the embedded engine does not run/],
    ['a listener without type', '<zeebe:taskListener eventType="assigning" />', /'assigning' task listener without a job type/],
    ['retries that are no whole number', '<zeebe:taskListener eventType="updating" type="a" retries="x" />', /invalid job retries of the 'updating' task listener 'a'/],
  ])('refuses %s', async (_what, listener, text) => {
    expect(await findingsOf(processXml(around(camundaTask(listener))))).toEqual([{ elementId: 't', message: expect.stringMatching(text) }]);
  });
});
