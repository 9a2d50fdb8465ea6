import { BpmnDeployError, compileBpmn } from '../../engine/model';
import { deployError, findingsOf } from '../helpers/deploy-findings';
import { around, definitions, flow, processXml, serviceTask } from '../helpers/bpmn-xml';


/** Exactly one finding, naming `elementId` in both the field and the message, matching `text`. */
async function expectSingleFinding(xml: string, elementId: string, text: RegExp): Promise<void> {
  const findings = await findingsOf(xml);
  expect(findings).toHaveLength(1);
  expect(findings[0]!.elementId).toBe(elementId);
  expect(findings[0]!.message).toContain(`'${elementId}'`);
  expect(findings[0]!.message).toMatch(text);
}

const MESSAGE = '<bpmn:message id="m1" name="Svar"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>';
const userTask = (id: string, extra = '') => `<bpmn:userTask id="${id}"><bpmn:extensionElements><zeebe:userTask />${extra}</bpmn:extensionElements></bpmn:userTask>`;

describe('compileBpmn refuses unsupported tasks', () => {
  it('refuses a script task with neither a FEEL script nor a job definition, naming it and telling what to do', async () => {
    await expectSingleFinding(processXml(around('<bpmn:scriptTask id="t" />')), 't', /^Element 't' \(bpmn:ScriptTask\) is not supported by the embedded engine: script tasks .*either one 'zeebe:script' or one 'zeebe:taskDefinition'.*deploy to a Camunda 8 cluster/);
  });

  it('refuses a DMN business rule task without a decision id', async () => {
    await expectSingleFinding(processXml(around('<bpmn:businessRuleTask id="t"><bpmn:extensionElements><zeebe:calledDecision resultVariable="r" /></bpmn:extensionElements></bpmn:businessRuleTask>')), 't', /calls no decision/);
  });

  it('refuses a service task without job type', async () => {
    await expectSingleFinding(processXml(around('<bpmn:serviceTask id="t" />')), 't', /no job type.*zeebe:taskDefinition/);
    await expectSingleFinding(processXml(around('<bpmn:sendTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="" /></bpmn:extensionElements></bpmn:sendTask>')), 't', /no job type/);
  });


  it('refuses task listeners on job-based user tasks', async () => {
    await expectSingleFinding(processXml(around('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:taskListeners><zeebe:taskListener eventType="complete" type="l" /></zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>')), 't', /Task listeners are only allowed on Camunda user tasks/);
  });

  it('refuses form links that only job-based user tasks or embedded forms use', async () => {
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:formDefinition formKey="camunda-forms:bpmn:f" />'))), 't', /formKey.*formId/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:formDefinition formId="a" externalReference="b" />'))), 't', /both formId and externalReference/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:formDefinition formId="a" bindingType="newest" />'))), 't', /binding type 'newest'/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:formDefinition formId="a" bindingType="versionTag" />'))), 't', /without a version tag/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:formDefinition />'))), 't', /empty zeebe:formDefinition/);
  });

  it('refuses user task priorities outside 0..100 and task headers without key', async () => {
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:priorityDefinition priority="101" />'))), 't', /priority '101'/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:taskHeaders><zeebe:header value="v" /></zeebe:taskHeaders>'))), 't', /header without a key/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:taskHeaders><zeebe:header key="a" value="1" /><zeebe:header key="a" value="2" /></zeebe:taskHeaders>'))), 't', /task header 'a' twice/);
  });

  it('refuses call activities without process id or with unsupported called-element options', async () => {
    await expectSingleFinding(processXml(around('<bpmn:callActivity id="t" />')), 't', /calls no process.*zeebe:calledElement/);
    await expectSingleFinding(processXml(around('<bpmn:callActivity id="t"><bpmn:extensionElements><zeebe:calledElement processIdExpression="=x" /></bpmn:extensionElements></bpmn:callActivity>')), 't', /calls no process/);
    await expectSingleFinding(processXml(around('<bpmn:callActivity id="t"><bpmn:extensionElements><zeebe:calledElement processId="a" bindingType="versionTag" /></bpmn:extensionElements></bpmn:callActivity>')), 't', /without a version tag/);
  });

  it('refuses standard loops, loop cardinality and incomplete multi-instance definitions', async () => {
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:standardLoopCharacteristics /></bpmn:task>')), 't', /standard loop/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>')), 't', /loop cardinality/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics /></bpmn:task>')), 't', /without an input collection/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=a" outputCollection="b" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:task>')), 't', /output collection without an output element/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=a" /></bpmn:extensionElements><bpmn:completionCondition>done</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics></bpmn:task>')), 't', /completionCondition 'done'.*'='/);
  });

  it('refuses data associations and io specifications', async () => {
    const withData = '<bpmn:dataObjectReference id="dor" dataObjectRef="do" /><bpmn:dataObject id="do" />';
    await expectSingleFinding(processXml(around(`<bpmn:task id="t"><bpmn:dataInputAssociation id="dia"><bpmn:sourceRef>dor</bpmn:sourceRef></bpmn:dataInputAssociation></bpmn:task>`) + withData), 't', /data input\/output associations.*zeebe:ioMapping/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:ioSpecification id="io" /></bpmn:task>')), 't', /ioSpecification/);
  });
});

describe('compileBpmn refuses unsupported gateways and subprocesses', () => {
  it.each([
    ['complexGateway', 'bpmn:ComplexGateway', /complex gateways/],
    ['transaction', 'bpmn:Transaction', /transaction/],
  ])('refuses %s', async (tag, type, text) => {
    const findings = await findingsOf(processXml(around(`<bpmn:${tag} id="t" />`)));
    expect(findings).toEqual([{ elementId: 't', message: expect.stringContaining(`Element 't' (${type}) is not supported by the embedded engine`) }]);
    expect(findings[0]!.message).toMatch(text);
  });
});

describe('compileBpmn refuses unsupported events', () => {
  const catchEvent = (definition: string) => `<bpmn:intermediateCatchEvent id="t">${definition}</bpmn:intermediateCatchEvent>`;
  const throwEvent = (definition: string) => `<bpmn:intermediateThrowEvent id="t">${definition}</bpmn:intermediateThrowEvent>`;

  it('refuses message catch events without message name or correlation key', async () => {
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:messageEventDefinition />'))), 't', /without a message name/);
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:messageEventDefinition messageRef="m" />')), '<bpmn:message id="m" />'), 't', /without a message name/);
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:messageEventDefinition messageRef="m" />')), '<bpmn:message id="m" name="Svar" />'), 't', /'Svar' without a correlation key.*=orderId/);
    await expectSingleFinding(processXml(around('<bpmn:receiveTask id="t" />')), 't', /without a message name/);
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:messageEventDefinition messageRef="m" />')), '<bpmn:message id="m" name="Svar"><bpmn:extensionElements><zeebe:subscription correlationKey="caseRef" /></bpmn:extensionElements></bpmn:message>'), 't', /static correlation key 'caseRef'.*=caseRef/);
  });

  it('refuses timers without or with several definitions, and timer kinds not allowed at their position', async () => {
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:timerEventDefinition />'))), 't', /timer without a definition/);
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration><bpmn:timeDate>2026-01-01T00:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition>'))), 't', /more than one definition/);
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>'))), 't', /timer cycle.*Allowed: duration, date/);
    await expectSingleFinding(
      processXml(`<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>`),
      's',
      /timer duration.*Allowed: date, cycle/,
    );
    await expectSingleFinding(
      processXml(around(serviceTask('host')) + `<bpmn:boundaryEvent id="b" attachedToRef="host"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>${flow('bo', 'b', 'end')}`, '', 'p').replace('f_in" sourceRef="start" targetRef="t"', 'f_in" sourceRef="start" targetRef="host"').replace('sourceRef="t" targetRef="end"', 'sourceRef="host" targetRef="end"'),
      'b',
      /timer cycle.*Allowed: duration, date/,
    );
  });

  it.each([
    ['conditional', '<bpmn:conditionalEventDefinition><bpmn:condition>=x</bpmn:condition></bpmn:conditionalEventDefinition>', /conditional events/],
    ['compensation', '<bpmn:compensateEventDefinition />', /compensation/],
  ])('refuses %s catch events', async (_name, definition, text) => {
    await expectSingleFinding(processXml(around(catchEvent(definition))), 't', text);
  });

  it('refuses message throw and message end events without a job definition (Zeebe 8.8 runs them as jobs)', async () => {
    await expectSingleFinding(processXml(around(throwEvent('<bpmn:messageEventDefinition messageRef="m1" />')), MESSAGE), 't', /throws a message without a job definition.*zeebe:taskDefinition/);
    await expectSingleFinding(
      processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:endEvent>`, MESSAGE),
      'e',
      /throws a message without a job definition/,
    );
  });

  it('refuses events with several event definitions', async () => {
    await expectSingleFinding(processXml(around(catchEvent('<bpmn:messageEventDefinition messageRef="m1" /><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>')), MESSAGE), 't', /2 event definitions/);
  });

  it('refuses throw events without code or name', async () => {
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e"><bpmn:errorEventDefinition /></bpmn:endEvent>`), 'e', /error without an error code/);
    await expectSingleFinding(processXml(around(throwEvent('<bpmn:escalationEventDefinition />'))), 't', /escalation without an escalation code/);
    await expectSingleFinding(processXml(around(throwEvent('<bpmn:signalEventDefinition />'))), 't', /without a signal name/);
  });

  it('refuses start events of embedded subprocesses other than plain ones', async () => {
    const sub = `<bpmn:subProcess id="t"><bpmn:startEvent id="subStart"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:startEvent></bpmn:subProcess>`;
    const findings = await findingsOf(processXml(around(sub), MESSAGE));
    expect(findings.map((f) => f.elementId)).toEqual(['subStart']);
    expect(findings[0]!.message).toMatch(/start event of an embedded subprocess with a message event definition/);
  });
});

describe('compileBpmn checks structure', () => {
  it('refuses conditions that are not FEEL', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:exclusiveGateway id="gw" default="no" />${flow('yes', 'gw', 'e1', 'x > 1')}${flow('no', 'gw', 'e2')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />`);
    const findings = await findingsOf(xml);
    expect(findings.map((f) => f.elementId)).toContain('yes');
    expect(findings.find((f) => f.elementId === 'yes')!.message).toMatch(/'x > 1'.*not a FEEL expression.*'='/);
  });

  it('refuses exclusive gateway flows without condition that are not the default flow', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:exclusiveGateway id="gw" />${flow('yes', 'gw', 'e1', '=x > 1')}${flow('no', 'gw', 'e2')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />`);
    await expectSingleFinding(xml, 'no', /leaves exclusive gateway 'gw' without a condition and is not its default flow/);
  });

  it('refuses conditions on flows that do not leave an exclusive gateway, and conditional default flows', async () => {
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e', '=true')}<bpmn:endEvent id="e" />`), 'a', /conditions are only evaluated on flows leaving an exclusive or inclusive gateway/);
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:exclusiveGateway id="gw" default="no" />${flow('yes', 'gw', 'e1', '=x')}${flow('no', 'gw', 'e2', '=y')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />`);
    await expectSingleFinding(xml, 'no', /default flow of its gateway and also has a condition/);
  });

  it('refuses inclusive gateway joins and unconditional non-default flows out of inclusive splits', async () => {
    const join = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'fork')}<bpmn:parallelGateway id="fork" />${flow('b', 'fork', 'join')}${flow('c', 'fork', 'join')}<bpmn:inclusiveGateway id="join" />`);
    await expectSingleFinding(join, 'join', /inclusive gateway joining 2 flows.*only as splits/);
    const split = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:inclusiveGateway id="gw" />${flow('yes', 'gw', 'e1', '=x')}${flow('no', 'gw', 'e2')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />`);
    await expectSingleFinding(split, 'no', /leaves inclusive gateway 'gw' without a condition/);
  });

  it('refuses a default flow that does not leave the gateway', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:exclusiveGateway id="gw" default="a" />${flow('b', 'gw', 'e')}<bpmn:endEvent id="e" />`);
    await expectSingleFinding(xml, 'gw', /default flow.*not one of its outgoing flows/);
  });

  it('refuses event-based gateways leading to anything but catch events', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:eventBasedGateway id="gw" />${flow('b', 'gw', 'task')}${flow('c', 'gw', 'wait')}<bpmn:task id="task" /><bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`);
    await expectSingleFinding(xml, 'gw', /leads to 'task'.*timer, message or signal intermediate catch events/);
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:eventBasedGateway id="gw" />`), 'gw', /fewer than two outgoing flows/);
    const catchMessage = (id: string) => `<bpmn:intermediateCatchEvent id="${id}"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>`;
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:eventBasedGateway id="gw" />${flow('b', 'gw', 'm1e')}${flow('c', 'gw', 'm2e')}${catchMessage('m1e')}${catchMessage('m2e')}`, MESSAGE), 'm2e', /catches message 'Svar' like 'm1e'/);
    const joinedTarget = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'fork')}<bpmn:parallelGateway id="fork" />${flow('a2', 'fork', 'gw')}${flow('side', 'fork', 'm1e')}<bpmn:eventBasedGateway id="gw" />${flow('b', 'gw', 'm1e')}${flow('c', 'gw', 'wait')}${catchMessage('m1e')}<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`, MESSAGE);
    await expectSingleFinding(joinedTarget, 'm1e', /follows event-based gateway 'gw' but has other incoming flows/);
  });

  it('refuses start events with incoming flows and end events with outgoing flows', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e" />${flow('back', 'e', 's')}`);
    const findings = await findingsOf(xml);
    expect(findings.map((f) => f.elementId).sort()).toEqual(['e', 's']);
  });

  it('refuses processes without start event or with two plain start events', async () => {
    await expectSingleFinding(processXml('<bpmn:task id="t" />'), 'p', /has no start event/);
    await expectSingleFinding(processXml('<bpmn:startEvent id="a" /><bpmn:startEvent id="b" />'), 'p', /2 plain start events \(a, b\)/);
  });

  it('refuses boundary event problems: non-interrupting error, escalation on a task, host not an activity', async () => {
    const host = around(serviceTask('t'));
    await expectSingleFinding(processXml(`${host}<bpmn:boundaryEvent id="b" attachedToRef="t" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>${flow('bo', 'b', 'end')}`), 'b', /non-interrupting error boundary/);
    await expectSingleFinding(processXml(`${host}<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:escalationEventDefinition /></bpmn:boundaryEvent>`), 'b', /escalation boundary event on 't' \(serviceTask\).*subprocess or call activity/);
    await expectSingleFinding(processXml(`${host}<bpmn:boundaryEvent id="b" attachedToRef="end"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>${flow('bo', 'b', 'end')}`), 'b', /attached to 'end', which is not an activity/);
  });

  it('refuses ambiguous boundary events: same message, signal or error code twice, two catch-all errors', async () => {
    const host = around(serviceTask('t'));
    const roots = `${MESSAGE}<bpmn:signal id="s1" name="Stopp" /><bpmn:error id="err1" errorCode="FEL" />`;
    const boundary = (id: string, definition: string) => `<bpmn:boundaryEvent id="${id}" attachedToRef="t">${definition}</bpmn:boundaryEvent>`;
    await expectSingleFinding(processXml(host + boundary('b1', '<bpmn:messageEventDefinition messageRef="m1" />') + boundary('b2', '<bpmn:messageEventDefinition messageRef="m1" />'), roots), 'b2', /catches message 'Svar' like 'b1' \(another boundary event on 't'\)/);
    await expectSingleFinding(processXml(host + boundary('b1', '<bpmn:signalEventDefinition signalRef="s1" />') + boundary('b2', '<bpmn:signalEventDefinition signalRef="s1" />'), roots), 'b2', /signal 'Stopp'/);
    await expectSingleFinding(processXml(host + boundary('b1', '<bpmn:errorEventDefinition errorRef="err1" />') + boundary('b2', '<bpmn:errorEventDefinition errorRef="err1" />'), roots), 'b2', /error code 'FEL'/);
    await expectSingleFinding(processXml(host + boundary('b1', '<bpmn:errorEventDefinition />') + boundary('b2', '<bpmn:errorEventDefinition />'), roots), 'b2', /all errors/);
    await expect(compileBpmn(processXml(host + boundary('b1', '<bpmn:errorEventDefinition />') + boundary('b2', '<bpmn:errorEventDefinition errorRef="err1" />'), roots))).resolves.toHaveLength(1);
  });

  it('refuses two event subprocesses of one scope with the same trigger, and duplicate signal start events', async () => {
    const eventSub = (id: string) => `<bpmn:subProcess id="${id}" triggeredByEvent="true"><bpmn:startEvent id="${id}_s" isInterrupting="false"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:startEvent></bpmn:subProcess>`;
    await expectSingleFinding(processXml(around(serviceTask('t')) + eventSub('es1') + eventSub('es2'), MESSAGE), 'es2_s', /catches message 'Svar' like 'es1_s' \(another event subprocess in the same scope\)/);
    const signalStart = (id: string) => `<bpmn:startEvent id="${id}"><bpmn:signalEventDefinition signalRef="s1" /></bpmn:startEvent>`;
    await expectSingleFinding(processXml(signalStart('a') + signalStart('b'), '<bpmn:signal id="s1" name="Planeringsdag" />'), 'b', /signal 'Planeringsdag' like 'a'/);
  });

  it('refuses interrupting timer cycles in event subprocesses (they cannot repeat)', async () => {
    const sub = `<bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:startEvent id="x"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent></bpmn:subProcess>`;
    await expectSingleFinding(processXml(around(serviceTask('t')) + sub), 'x', /timer cycle, which is not allowed here\. Allowed: duration, date/);
  });

  it('refuses event subprocess problems: flows, several or wrong start events, non-interrupting error start', async () => {
    const eventSub = (start: string) => `<bpmn:subProcess id="es" triggeredByEvent="true">${start}</bpmn:subProcess>`;
    await expectSingleFinding(processXml(around(serviceTask('t')) + eventSub('<bpmn:startEvent id="x" />')), 'x', /event subprocess without an event definition/);
    await expectSingleFinding(processXml(around(serviceTask('t')) + eventSub('<bpmn:startEvent id="x" isInterrupting="false"><bpmn:errorEventDefinition /></bpmn:startEvent>')), 'x', /non-interrupting error start event/);
    await expectSingleFinding(processXml(around(serviceTask('t')) + eventSub('')), 'es', /0 start events/);
    await expectSingleFinding(processXml(`${around(serviceTask('t'))}${eventSub('<bpmn:startEvent id="x"><bpmn:errorEventDefinition /></bpmn:startEvent>')}${flow('into', 't', 'es')}`), 'es', /event subprocess with sequence flows/);
  });

  it('refuses embedded subprocesses without exactly one start event', async () => {
    await expectSingleFinding(processXml(around('<bpmn:subProcess id="t"><bpmn:task id="inner" /></bpmn:subProcess>')), 't', /embedded subprocess with 0 start events/);
  });

  it('refuses sequence flows crossing a subprocess boundary', async () => {
    const sub = `<bpmn:subProcess id="t"><bpmn:startEvent id="ss" />${flow('out', 'ss', 'end')}</bpmn:subProcess>`;
    await expectSingleFinding(processXml(around(sub)), 'out', /crosses a subprocess boundary/);
  });

  it('refuses io mappings where the element kind cannot have them, and invalid targets', async () => {
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=1" target="x" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:startEvent>`), 's', /input mappings, which this kind of element cannot have/);
    await expectSingleFinding(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'g')}<bpmn:parallelGateway id="g"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=1" target="x" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:parallelGateway>`), 'g', /<zeebe:IoMapping>.*does not understand here/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:output source="=1" target="a..b" /></zeebe:ioMapping>'))), 't', /target 'a\.\.b'/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:input source="=1" /></zeebe:ioMapping>'))), 't', /target ''/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:output target="x" /></zeebe:ioMapping>'))), 't', /output mapping to 'x' whose source is empty/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:output source="klar" target="x" /></zeebe:ioMapping>'))), 't', /output mapping to 'x' whose source 'klar' is not a FEEL expression/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:input source="=1" target="a.__proto__" /></zeebe:ioMapping>'))), 't', /target 'a\.__proto__'/);
  });

  it('refuses documents without an executable process', async () => {
    await expectSingleFinding(definitions('<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s" /></bpmn:process>'), 'p', /no executable process.*isExecutable="true"/);
    const findings = await findingsOf(definitions(''));
    expect(findings).toEqual([{ elementId: '(document)', message: expect.stringMatching(/no executable process/) }]);
  });
});

describe('compileBpmn never ignores what it cannot read', () => {
  it('reports unknown BPMN elements by id with line and column', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />\n<bpmn:magicTask id="m" />`);
    await expectSingleFinding(xml, 'm', /unparsable content <bpmn:magicTask>.*at line \d+, column \d+/);
  });

  it('reports unknown zeebe attributes and extension elements', async () => {
    await expectSingleFinding(processXml(around('<bpmn:task id="t" zeebe:retries="3" />')), 't', /unknown attribute <zeebe:retries>/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t"><bpmn:extensionElements><zeebe:magic id="zm" /></bpmn:extensionElements></bpmn:task>')), 'zm', /unknown type <zeebe:Magic>/);
  });

  it('names the owning element for typos inside extension elements and reports unknown attributes once', async () => {
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x').replace('type="vk.x"', 'type="vk.x" retrie="3"'))), 't', /^Element 't' \(bpmn:ServiceTask\) in <zeebe:TaskDefinition>: unknown attribute <retrie>/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:assignmentDefinition candidateGroup="a" />'))), 't', /in <zeebe:AssignmentDefinition>: unknown attribute <candidateGroup>/);
    await expectSingleFinding(processXml(around('<bpmn:task id="t" nam="x" />')), 't', /unknown attribute <nam>/);
  });

  it('reports attributes and extension elements of other engines (Camunda 7)', async () => {
    const c7 = (body: string) => processXml(around(body)).replace('xmlns:modeler=', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:modeler=');
    await expectSingleFinding(c7('<bpmn:serviceTask id="t" camunda:class="a.B"><bpmn:extensionElements><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:serviceTask>'), 't', /attribute 'camunda:class' \(namespace http:\/\/camunda.org\/schema\/1.0\/bpmn\).*Remove it/);
    const findings = await findingsOf(c7('<bpmn:task id="t"><bpmn:extensionElements><camunda:inputOutput /></bpmn:extensionElements></bpmn:task>'));
    expect(findings.some((f) => f.elementId === 't' && /camunda:inputOutput/.test(f.message))).toBe(true);
  });

  it('reports extension elements on sequence flows except zeebe:properties', async () => {
    const withExtension = (extension: string) => processXml(`<bpmn:startEvent id="s" /><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="e"><bpmn:extensionElements>${extension}</bpmn:extensionElements></bpmn:sequenceFlow><bpmn:endEvent id="e" />`);
    await expect(compileBpmn(withExtension('<zeebe:properties><zeebe:property name="x" value="y" /></zeebe:properties>'))).resolves.toHaveLength(1);
    await expectSingleFinding(withExtension('<zeebe:executionListeners />'), 'a', /<zeebe:ExecutionListeners>, which the embedded engine does not understand here/);
  });

  it('accepts modeler metadata attributes', async () => {
    const xml = processXml(around('<bpmn:task id="t" modeler:foo="bar" />'));
    await expect(compileBpmn(xml)).resolves.toHaveLength(1);
  });

  it('reports unresolved references and duplicate ids', async () => {
    const unresolved = await findingsOf(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'nowhere')}`));
    expect(unresolved.some((f) => f.elementId === 'a' && /unresolved reference <nowhere>/.test(f.message))).toBe(true);
    const duplicate = await findingsOf(processXml('<bpmn:startEvent id="s" /><bpmn:task id="s" />'));
    expect(duplicate.length).toBeGreaterThan(0);
    expect(duplicate.some((f) => /duplicate/i.test(f.message) && f.message.includes("'s'"))).toBe(true);
  });

  it('reports malformed XML with the parser reason and a 1-based position', async () => {
    const xml = `<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<bpmn:process id="p">\n<bpmn:task id="t">\n</bpmn:process></bpmn:definitions>`;
    const error = await deployError(xml);
    expect(error.findings).toHaveLength(1);
    expect(error.message).toMatch(/^Cannot deploy 'diagram\.bpmn' \(1 problem\):\n- The file is not valid BPMN XML: .*closing tag mismatch.*at line 5, column 1/);
  });

  it('refuses DOCTYPE declarations (entity expansion) with a clear message', async () => {
    const xml = processXml('<bpmn:startEvent id="s" />').replace('<bpmn:definitions', '<!DOCTYPE d [<!ENTITY a "aaaa">]>\n<bpmn:definitions');
    const error = await deployError(xml);
    expect(error.findings).toEqual([{ elementId: '(document)', message: expect.stringMatching(/<!DOCTYPE> declaration.*Remove it/) }]);
  });

  it('reports text and foreign XML that is not BPMN', async () => {
    expect((await deployError('this is not xml')).message).toMatch(/not valid BPMN XML/);
    expect((await deployError('<root xmlns="urn:other"/>')).message).toMatch(/not (valid BPMN XML|a BPMN 2.0 document)/);
    expect((await deployError('')).message).toMatch(/not (valid BPMN XML|a BPMN 2.0 document)/);
  });

  it('lists every problem of a diagram in one error', async () => {
    const xml = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'one')}<bpmn:scriptTask id="one" />${flow('b', 'one', 'two')}<bpmn:userTask id="two"><bpmn:extensionElements><zeebe:priorityDefinition priority="5" /></bpmn:extensionElements></bpmn:userTask>${flow('c', 'two', 'three')}<bpmn:serviceTask id="three" />`);
    const error = await deployError(xml);
    expect(error.findings.map((f) => f.elementId)).toEqual(['one', 'two', 'three']);
    expect(error.message).toMatch(/^Cannot deploy 'diagram\.bpmn' \(3 problems\):/);
    expect(error.message.split('\n')).toHaveLength(4);
  });
});

describe('compileBpmn process-level extensions', () => {
  it('refuses a process-level execution listener that repeats another', async () => {
    const withExtension = (extension: string) =>
      definitions(`<bpmn:process id="p" isExecutable="true"><bpmn:extensionElements>${extension}</bpmn:extensionElements><bpmn:startEvent id="s" /></bpmn:process>`);
    const listener = '<zeebe:executionListener eventType="end" type="x" />';
    await expectSingleFinding(withExtension(`<zeebe:executionListeners>${listener}${listener}</zeebe:executionListeners>`), 'p', /Found '2' duplicates based on eventType\[end\] and type\[x\]/);
  });

  it('refuses a boundary event placed in another scope than its host', async () => {
    const xml = processXml(around(serviceTask('t')) + '<bpmn:subProcess id="sub"><bpmn:startEvent id="ss" /><bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent></bpmn:subProcess>');
    await expectSingleFinding(xml, 'b', /another \(sub\)process than its host 't'/);
  });
});

describe('compileBpmn checks expressions at deploy time', () => {
  it('refuses FEEL with syntax errors, naming the field', async () => {
    const gateway = processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'gw')}<bpmn:exclusiveGateway id="gw" default="no" />${flow('yes', 'gw', 'e1', '=beslut = ')}${flow('no', 'gw', 'e2')}<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />`);
    await expectSingleFinding(gateway, 'yes', /invalid condition: the FEEL expression 'beslut =' ends unexpectedly/);
    await expectSingleFinding(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:input source="={a: 1" target="x" /></zeebe:ioMapping>'))), 't', /invalid input mapping for 'x'/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:assignmentDefinition candidateGroups="=&quot;chef-&quot; + + )" />'))), 't', /invalid candidate groups: .*syntax error at character \d+/);
    await expectSingleFinding(processXml(around(serviceTask('t', '=  '))), 't', /invalid job type: the FEEL expression after "=" is empty/);
  });

  it('refuses static timer values that can never fire', async () => {
    const timer = (body: string) => processXml(around(`<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition>${body}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>`));
    await expectSingleFinding(timer('<bpmn:timeDuration>P14X</bpmn:timeDuration>'), 't', /invalid timer duration: 'P14X' is not a valid ISO 8601 duration/);
    await expectSingleFinding(timer('<bpmn:timeDate>2026-12-01</bpmn:timeDate>'), 't', /invalid timer date: '2026-12-01' is not a valid ISO 8601 date-time with offset/);
    await expectSingleFinding(processXml('<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>R/P0D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>'), 's', /invalid timer cycle: 'P0D' in 'R\/P0D' is not a positive/);
  });

  it('refuses static retries that are not whole numbers and static due dates without offset', async () => {
    await expectSingleFinding(processXml(around('<bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="x" retries="three" /></bpmn:extensionElements></bpmn:serviceTask>')), 't', /invalid job retries: 'three' is not a whole number/);
    await expectSingleFinding(processXml(around(userTask('t', '<zeebe:taskSchedule dueDate="2026-12-01" />'))), 't', /invalid due date: expected an ISO 8601 date-time with offset/);
  });

  it('refuses static multi-instance collections and expressions where a variable name belongs', async () => {
    const mi = (attrs: string) => processXml(around(`<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics ${attrs} /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:task>`));
    await expectSingleFinding(mi('inputCollection="deltagare"'), 't', /input collection 'deltagare', which is not a FEEL expression\. Write it as =deltagare/);
    await expectSingleFinding(mi('inputCollection="=deltagare" inputElement="=d"'), 't', /inputElement '=d', which must be a plain variable name/);
  });
});

describe('compileBpmn evaluates what process start events need at deploy', () => {
  it('refuses FEEL start timers and start message names that depend on variables', async () => {
    const timerStart = (expression: string) => processXml(`<bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>${expression}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>`);
    await expect(compileBpmn(timerStart('="R/" + "PT1H"'))).resolves.toHaveLength(1);
    await expectSingleFinding(timerStart('=intervall'), 's', /invalid timer cycle: expected a timer cycle as ISO 8601 text, but the result was null/);
    const messageStart = (name: string) => processXml('<bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m" /></bpmn:startEvent>', `<bpmn:message id="m" name="${name}" />`);
    await expect(compileBpmn(messageStart('=&quot;Ny &quot; + &quot;remiss&quot;'))).resolves.toHaveLength(1);
    await expectSingleFinding(messageStart('=kommun'), 's', /invalid message name: it must give a non-empty text without process variables/);
  });

  it('leaves FEEL timers of other events to run time (they may use variables)', async () => {
    const xml = processXml(around('<bpmn:intermediateCatchEvent id="t"><bpmn:timerEventDefinition><bpmn:timeDuration>=frist</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'));
    await expect(compileBpmn(xml)).resolves.toHaveLength(1);
  });
});
