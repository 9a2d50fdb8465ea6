import { compileBpmn, type CompiledProcess, type FlowNode } from '../../engine/model';
import { around, definitions, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

async function compileOne(xml: string): Promise<CompiledProcess> {
  const processes = await compileBpmn(xml, 'test.bpmn');
  expect(processes).toHaveLength(1);
  return processes[0]!;
}

function node(process: CompiledProcess, id: string): FlowNode {
  const found = process.elements[id];
  if (!found) throw new Error(`no element '${id}' in ${Object.keys(process.elements).join(', ')}`);
  return found;
}

const MESSAGE = '<bpmn:message id="m1" name="Placering beviljad"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>';
const START_MESSAGE = '<bpmn:message id="m0" name="Ny remiss" />';

describe('compileBpmn: process frame and service tasks', () => {
  it('compiles a linear process with flows wired both ways, names, documentation and version tag', async () => {
    const xml = definitions(`
      <bpmn:process id="remiss" name="Vårdkedjeremiss" isExecutable="true">
        <bpmn:extensionElements><zeebe:versionTag value="v1.2" /><zeebe:properties><zeebe:property name="owner" value="region" /></zeebe:properties></bpmn:extensionElements>
        <bpmn:startEvent id="start" name="Remiss inkommen"><bpmn:documentation>Startar när remissen kommer in</bpmn:documentation></bpmn:startEvent>
        ${flow('f1', 'start', 'notify')}
        <bpmn:serviceTask id="notify" name="Skicka avisering">
          <bpmn:extensionElements>
            <zeebe:taskDefinition type="vk.notify" retries="5" />
            <zeebe:taskHeaders><zeebe:header key="template" value="remiss-mottagen" /><zeebe:header key="to" value="remissgruppen" /></zeebe:taskHeaders>
          </bpmn:extensionElements>
        </bpmn:serviceTask>
        ${flow('f2', 'notify', 'end')}
        <bpmn:endEvent id="end" />
      </bpmn:process>`);
    const p = await compileOne(xml);
    expect(p.id).toBe('remiss');
    expect(p.name).toBe('Vårdkedjeremiss');
    expect(p.versionTag).toBe('v1.2');
    expect(p.startEventIds).toEqual(['start']);
    expect(node(p, 'start')).toMatchObject({ type: 'startEvent', name: 'Remiss inkommen', outgoing: ['f1'], incoming: [], eventDefinition: { kind: 'none' }, documentation: 'Startar när remissen kommer in' });
    expect(node(p, 'notify')).toMatchObject({
      type: 'serviceTask',
      incoming: ['f1'],
      outgoing: ['f2'],
      job: { type: 'vk.notify', retries: '5', headers: { template: 'remiss-mottagen', to: 'remissgruppen' } },
      boundaryEventIds: [],
    });
    expect(node(p, 'end')).toMatchObject({ type: 'endEvent', incoming: ['f2'], outgoing: [], eventDefinition: { kind: 'none' } });
    expect(p.flows.f1).toEqual({ id: 'f1', sourceRef: 'start', targetRef: 'notify' });
    expect(node(p, 'notify').parentId).toBeUndefined();
  });

  it('defaults job retries to "3" and keeps FEEL job types as written', async () => {
    const p = await compileOne(processXml(around(serviceTask('t', '=&quot;vk.&quot; + kind'))));
    expect(node(p, 't').job).toEqual({ type: '="vk." + kind', retries: '3', headers: {} });
  });

  it('compiles send, script and business rule tasks that carry a job definition', async () => {
    for (const tag of ['sendTask', 'scriptTask', 'businessRuleTask'] as const) {
      const p = await compileOne(processXml(around(`<bpmn:${tag} id="t"><bpmn:extensionElements><zeebe:taskDefinition type="vk.${tag}" retries="1" /></bpmn:extensionElements></bpmn:${tag}>`)));
      expect(node(p, 't')).toMatchObject({ type: tag, job: { type: `vk.${tag}`, retries: '1' } });
    }
  });

  it('compiles manual tasks and plain tasks as pass-through elements without job', async () => {
    const p = await compileOne(processXml(`<bpmn:startEvent id="start" />${flow('a', 'start', 'm')}<bpmn:manualTask id="m" />${flow('b', 'm', 't')}<bpmn:task id="t" />`));
    expect(node(p, 'm')).toMatchObject({ type: 'manualTask', outgoing: ['b'] });
    expect(node(p, 't')).toMatchObject({ type: 'task', incoming: ['b'], outgoing: [] });
    expect(node(p, 'm').job).toBeUndefined();
  });

  it('keeps any header key as a plain key, even __proto__', async () => {
    const p = await compileOne(processXml(around(serviceTask('t', 'vk.x', '<zeebe:taskHeaders><zeebe:header key="__proto__" value="x" /></zeebe:taskHeaders>'))));
    const headers = node(p, 't').job!.headers;
    expect(Object.keys(headers)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(headers))).toEqual(headers);
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
  });

  it('produces plain JSON that survives a round trip through JSON', async () => {
    const p = await compileOne(processXml(around(serviceTask('t'))));
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('compiles every executable process and skips non-executable ones', async () => {
    const xml = definitions(`
      <bpmn:collaboration id="collab">
        <bpmn:participant id="part1" processRef="a" /><bpmn:participant id="part2" processRef="skip" />
        <bpmn:messageFlow id="mf" sourceRef="part2" targetRef="part1" />
      </bpmn:collaboration>
      <bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="sa" /></bpmn:process>
      <bpmn:process id="b" isExecutable="true"><bpmn:startEvent id="sb" /></bpmn:process>
      <bpmn:process id="skip" isExecutable="false"><bpmn:scriptTask id="notChecked" /></bpmn:process>`);
    const processes = await compileBpmn(xml);
    expect(processes.map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('accepts and ignores annotations, associations, groups, lanes and data objects', async () => {
    const xml = definitions(`
      <bpmn:category id="cat"><bpmn:categoryValue id="cv" value="Inför placering" /></bpmn:category>
      <bpmn:process id="p" isExecutable="true">
        <bpmn:laneSet id="ls"><bpmn:lane id="lane1" name="Socialtjänst"><bpmn:flowNodeRef>start</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
        <bpmn:startEvent id="start" />
        <bpmn:dataObjectReference id="dor" dataObjectRef="do" /><bpmn:dataObject id="do" />
        <bpmn:textAnnotation id="note"><bpmn:text>Se rutinen</bpmn:text></bpmn:textAnnotation>
        <bpmn:association id="assoc" sourceRef="start" targetRef="note" />
        <bpmn:group id="grp" categoryValueRef="cv" />
      </bpmn:process>`);
    const p = await compileOne(xml);
    expect(Object.keys(p.elements)).toEqual(['start']);
  });
});

describe('compileBpmn: user tasks', () => {
  it('compiles assignment, schedule, priority, form link and headers of a Camunda user task', async () => {
    const task = `<bpmn:userTask id="t" name="Utred behov">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:assignmentDefinition assignee="=handlaggare" candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" candidateUsers="anna, bertil" />
        <zeebe:taskSchedule dueDate="=flyttdatum" followUpDate="2026-12-01T09:00:00+01:00" />
        <zeebe:priorityDefinition priority="75" />
        <zeebe:formDefinition formId="uppdragsblankett" bindingType="versionTag" versionTag="2026-1" />
        <zeebe:taskHeaders><zeebe:header key="sla" value="P14D" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:userTask>`;
    const p = await compileOne(processXml(around(task)));
    expect(node(p, 't')).toMatchObject({ type: 'userTask', name: 'Utred behov' });
    expect(node(p, 't').userTask).toEqual({
      assignee: '=handlaggare',
      candidateGroups: '=["socialsekreterare-" + kommun]',
      candidateUsers: 'anna, bertil',
      dueDate: '=flyttdatum',
      followUpDate: '2026-12-01T09:00:00+01:00',
      priority: '75',
      formId: 'uppdragsblankett',
      formBindingType: 'versionTag',
      formVersionTag: '2026-1',
      headers: { sla: 'P14D' },
    });
  });

  it('defaults the form binding to latest and passes external form references through', async () => {
    const linked = await compileOne(processXml(around('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="sip" /></bpmn:extensionElements></bpmn:userTask>')));
    expect(node(linked, 't').userTask).toEqual({ formId: 'sip', formBindingType: 'latest', headers: {} });
    const external = await compileOne(processXml(around('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition externalReference="https://example.org/f" /></bpmn:extensionElements></bpmn:userTask>')));
    expect(node(external, 't').userTask).toEqual({ externalFormReference: 'https://example.org/f', headers: {} });
  });

  it('compiles a bare Camunda user task with empty definition', async () => {
    const p = await compileOne(processXml(around('<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>')));
    expect(node(p, 't').userTask).toEqual({ headers: {} });
  });
});

describe('compileBpmn: events', () => {
  it('compiles timer (cycle and date), message and signal start events; only message starts lack a correlation key', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="cycle"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
       <bpmn:startEvent id="date"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">2026-12-01T09:00:00+01:00</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent>
       <bpmn:startEvent id="msg"><bpmn:messageEventDefinition messageRef="m0" /></bpmn:startEvent>
       <bpmn:startEvent id="sig"><bpmn:signalEventDefinition signalRef="s1" /></bpmn:startEvent>
       <bpmn:startEvent id="none" />`,
      `${START_MESSAGE}<bpmn:signal id="s1" name="Planeringsdag" />`,
    );
    const p = await compileOne(xml);
    expect(p.startEventIds).toEqual(['cycle', 'date', 'msg', 'sig', 'none']);
    expect(node(p, 'cycle').eventDefinition).toEqual({ kind: 'timer', timer: { type: 'cycle', expression: 'R/P1D' } });
    expect(node(p, 'date').eventDefinition).toEqual({ kind: 'timer', timer: { type: 'date', expression: '2026-12-01T09:00:00+01:00' } });
    expect(node(p, 'msg').eventDefinition).toEqual({ kind: 'message', messageName: 'Ny remiss' });
    expect(node(p, 'sig').eventDefinition).toEqual({ kind: 'signal', signalName: 'Planeringsdag' });
  });

  it('compiles intermediate catch events (timer duration/date, message with correlation key, signal)', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'wait')}
       <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>${flow('b', 'wait', 'until')}
       <bpmn:intermediateCatchEvent id="until"><bpmn:timerEventDefinition><bpmn:timeDate>=flyttdatum</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>${flow('c', 'until', 'msg')}
       <bpmn:intermediateCatchEvent id="msg"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>${flow('d', 'msg', 'sig')}
       <bpmn:intermediateCatchEvent id="sig"><bpmn:signalEventDefinition signalRef="s1" /></bpmn:intermediateCatchEvent>`,
      `${MESSAGE}<bpmn:signal id="s1" name="Stopp" />`,
    );
    const p = await compileOne(xml);
    expect(node(p, 'wait').eventDefinition).toEqual({ kind: 'timer', timer: { type: 'duration', expression: 'P14D' } });
    expect(node(p, 'until').eventDefinition).toEqual({ kind: 'timer', timer: { type: 'date', expression: '=flyttdatum' } });
    expect(node(p, 'msg').eventDefinition).toEqual({ kind: 'message', messageName: 'Placering beviljad', correlationKey: '=caseRef' });
    expect(node(p, 'sig').eventDefinition).toEqual({ kind: 'signal', signalName: 'Stopp' });
  });

  it('compiles none, escalation and signal throw events and all supported end events', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'none')}
       <bpmn:intermediateThrowEvent id="none" />${flow('b', 'none', 'esc')}
       <bpmn:intermediateThrowEvent id="esc"><bpmn:escalationEventDefinition escalationRef="e1" /></bpmn:intermediateThrowEvent>${flow('c', 'esc', 'sig')}
       <bpmn:intermediateThrowEvent id="sig"><bpmn:signalEventDefinition signalRef="s1" /></bpmn:intermediateThrowEvent>${flow('d', 'sig', 'split')}
       <bpmn:parallelGateway id="split" />
       ${flow('e1f', 'split', 'endNone')}${flow('e2f', 'split', 'endTerm')}${flow('e3f', 'split', 'endErr')}${flow('e4f', 'split', 'endEsc')}${flow('e5f', 'split', 'endSig')}
       <bpmn:endEvent id="endNone" />
       <bpmn:endEvent id="endTerm"><bpmn:terminateEventDefinition /></bpmn:endEvent>
       <bpmn:endEvent id="endErr"><bpmn:errorEventDefinition errorRef="err1" /></bpmn:endEvent>
       <bpmn:endEvent id="endEsc"><bpmn:escalationEventDefinition escalationRef="e1" /></bpmn:endEvent>
       <bpmn:endEvent id="endSig"><bpmn:signalEventDefinition signalRef="s1" /></bpmn:endEvent>`,
      '<bpmn:escalation id="e1" escalationCode="SLA_BRUTET" /><bpmn:signal id="s1" name="Klart" /><bpmn:error id="err1" errorCode="SAMTYCKE_SAKNAS" />',
    );
    const p = await compileOne(xml);
    expect(node(p, 'none').eventDefinition).toEqual({ kind: 'none' });
    expect(node(p, 'esc').eventDefinition).toEqual({ kind: 'escalation', escalationCode: 'SLA_BRUTET' });
    expect(node(p, 'sig').eventDefinition).toEqual({ kind: 'signal', signalName: 'Klart' });
    expect(node(p, 'endTerm').eventDefinition).toEqual({ kind: 'terminate' });
    expect(node(p, 'endErr').eventDefinition).toEqual({ kind: 'error', errorCode: 'SAMTYCKE_SAKNAS' });
    expect(node(p, 'endEsc').eventDefinition).toEqual({ kind: 'escalation', escalationCode: 'SLA_BRUTET' });
    expect(node(p, 'endSig').eventDefinition).toEqual({ kind: 'signal', signalName: 'Klart' });
    expect(node(p, 'split').outgoing).toEqual(['e1f', 'e2f', 'e3f', 'e4f', 'e5f']);
  });

  it('compiles boundary events of every supported kind and links them to their host', async () => {
    const boundary = (id: string, definition: string, cancel = true) =>
      `<bpmn:boundaryEvent id="${id}" attachedToRef="t" cancelActivity="${cancel}">${definition}</bpmn:boundaryEvent>${flow(`${id}_out`, id, 'end')}`;
    const xml = processXml(
      around(serviceTask('t')) +
        boundary('timeout', '<bpmn:timerEventDefinition><bpmn:timeDuration>P14D</bpmn:timeDuration></bpmn:timerEventDefinition>') +
        boundary('reminder', '<bpmn:timerEventDefinition><bpmn:timeCycle>R3/P1D</bpmn:timeCycle></bpmn:timerEventDefinition>', false) +
        boundary('cancelled', '<bpmn:messageEventDefinition messageRef="m1" />') +
        boundary('stop', '<bpmn:signalEventDefinition signalRef="s1" />', false) +
        boundary('anyError', '<bpmn:errorEventDefinition />') +
        boundary('codedError', '<bpmn:errorEventDefinition errorRef="err1" />'),
      `${MESSAGE}<bpmn:signal id="s1" name="Stopp" /><bpmn:error id="err1" errorCode="FEL" /><bpmn:escalation id="e1" escalationCode="SEN" />`,
    );
    const p = await compileOne(xml);
    expect(node(p, 't').boundaryEventIds).toEqual(['timeout', 'reminder', 'cancelled', 'stop', 'anyError', 'codedError']);
    expect(node(p, 'timeout')).toMatchObject({ type: 'boundaryEvent', attachedToRef: 't', cancelActivity: true, outgoing: ['timeout_out'] });
    expect(node(p, 'reminder')).toMatchObject({ cancelActivity: false, eventDefinition: { kind: 'timer', timer: { type: 'cycle', expression: 'R3/P1D' } } });
    expect(node(p, 'cancelled').eventDefinition).toEqual({ kind: 'message', messageName: 'Placering beviljad', correlationKey: '=caseRef' });
    expect(node(p, 'stop')).toMatchObject({ cancelActivity: false, eventDefinition: { kind: 'signal', signalName: 'Stopp' } });
    expect(node(p, 'anyError').eventDefinition).toEqual({ kind: 'error' });
    expect(node(p, 'codedError').eventDefinition).toEqual({ kind: 'error', errorCode: 'FEL' });
  });

  it('compiles escalation boundary events on subprocesses and call activities, and boundary events without outgoing flow', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'sub')}
       <bpmn:subProcess id="sub"><bpmn:startEvent id="ss" /></bpmn:subProcess>${flow('b', 'sub', 'call')}
       <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>
       <bpmn:boundaryEvent id="escSub" attachedToRef="sub" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="e1" /></bpmn:boundaryEvent>
       <bpmn:boundaryEvent id="escCall" attachedToRef="call"><bpmn:escalationEventDefinition /></bpmn:boundaryEvent>`,
      '<bpmn:escalation id="e1" escalationCode="SEN" />',
    );
    const p = await compileOne(xml);
    expect(node(p, 'escSub')).toMatchObject({ attachedToRef: 'sub', cancelActivity: false, outgoing: [], eventDefinition: { kind: 'escalation', escalationCode: 'SEN' } });
    expect(node(p, 'escCall')).toMatchObject({ attachedToRef: 'call', cancelActivity: true, eventDefinition: { kind: 'escalation' } });
    expect(node(p, 'call').boundaryEventIds).toEqual(['escCall']);
  });

  it('compiles receive tasks with their message in eventDefinition', async () => {
    const p = await compileOne(processXml(around('<bpmn:receiveTask id="t" messageRef="m1" />'), MESSAGE));
    expect(node(p, 't')).toMatchObject({ type: 'receiveTask', eventDefinition: { kind: 'message', messageName: 'Placering beviljad', correlationKey: '=caseRef' } });
  });
});

describe('compileBpmn: gateways', () => {
  it('compiles exclusive gateways with conditions and a default flow', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'gw')}
       <bpmn:exclusiveGateway id="gw" default="otherwise" />
       ${flow('yes', 'gw', 'endYes', '=beslut = "bifall"')}
       ${flow('otherwise', 'gw', 'endNo')}
       <bpmn:endEvent id="endYes" /><bpmn:endEvent id="endNo" />`,
    );
    const p = await compileOne(xml);
    expect(node(p, 'gw')).toMatchObject({ type: 'exclusiveGateway', defaultFlow: 'otherwise', outgoing: ['yes', 'otherwise'] });
    expect(p.flows.yes!.condition).toBe('=beslut = "bifall"');
    expect(p.flows.otherwise!.condition).toBeUndefined();
  });

  it('compiles inclusive gateways used as splits, with conditions and default flow', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'gw')}
       <bpmn:inclusiveGateway id="gw" default="none" />
       ${flow('kids', 'gw', 'e1', '=harBarn')}${flow('lvm', 'gw', 'e2', '=lvm')}${flow('none', 'gw', 'e3')}
       <bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" /><bpmn:endEvent id="e3" />`,
    );
    const p = await compileOne(xml);
    expect(node(p, 'gw')).toMatchObject({ type: 'inclusiveGateway', defaultFlow: 'none', incoming: ['a'], outgoing: ['kids', 'lvm', 'none'] });
    expect([p.flows.kids!.condition, p.flows.lvm!.condition]).toEqual(['=harBarn', '=lvm']);
  });

  it('allows a single unconditional flow out of an exclusive gateway (a merge)', async () => {
    const p = await compileOne(processXml(`<bpmn:startEvent id="start" />${flow('a', 'start', 'gw')}<bpmn:exclusiveGateway id="gw" />${flow('b', 'gw', 'end')}<bpmn:endEvent id="end" />`));
    expect(node(p, 'gw').outgoing).toEqual(['b']);
  });

  it('compiles parallel and event-based gateways', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'fork')}
       <bpmn:parallelGateway id="fork" />${flow('b', 'fork', 'ebg')}${flow('c', 'fork', 'join')}
       <bpmn:eventBasedGateway id="ebg" />${flow('d', 'ebg', 'answer')}${flow('e', 'ebg', 'timeout')}
       <bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>
       <bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
       ${flow('f', 'answer', 'join')}${flow('g', 'timeout', 'join')}
       <bpmn:parallelGateway id="join" />`,
      MESSAGE,
    );
    const p = await compileOne(xml);
    expect(node(p, 'fork')).toMatchObject({ type: 'parallelGateway', outgoing: ['b', 'c'] });
    expect(node(p, 'ebg')).toMatchObject({ type: 'eventBasedGateway', outgoing: ['d', 'e'] });
    expect(node(p, 'join').incoming.sort()).toEqual(['c', 'f', 'g']);
  });
});

describe('compileBpmn: subprocesses, call activities, multi-instance, io mappings', () => {
  it('compiles embedded subprocesses with child ids and parent ids', async () => {
    const sub = `<bpmn:subProcess id="t" name="Överlämning">
      <bpmn:startEvent id="subStart" />${flow('s1', 'subStart', 'inner')}
      ${serviceTask('inner')}${flow('s2', 'inner', 'subEnd')}
      <bpmn:endEvent id="subEnd" />
    </bpmn:subProcess>`;
    const p = await compileOne(processXml(around(sub)));
    expect(node(p, 't')).toMatchObject({ type: 'subProcess', childIds: ['subStart', 'inner', 'subEnd'] });
    expect(node(p, 't').triggeredByEvent).toBeUndefined();
    expect(node(p, 'inner')).toMatchObject({ parentId: 't', incoming: ['s1'], outgoing: ['s2'] });
    expect(p.startEventIds).toEqual(['start']);
  });

  it('compiles event subprocesses with interrupting and non-interrupting start events', async () => {
    const eventSub = (id: string, definition: string, interrupting: boolean) => `
      <bpmn:subProcess id="${id}" triggeredByEvent="true">
        <bpmn:startEvent id="${id}_start" isInterrupting="${interrupting}">${definition}</bpmn:startEvent>${flow(`${id}_f`, `${id}_start`, `${id}_end`)}
        <bpmn:endEvent id="${id}_end" />
      </bpmn:subProcess>`;
    const xml = processXml(
      around(serviceTask('t')) +
        eventSub('onMessage', '<bpmn:messageEventDefinition messageRef="m1" />', false) +
        eventSub('onTimer', '<bpmn:timerEventDefinition><bpmn:timeCycle>R/P7D</bpmn:timeCycle></bpmn:timerEventDefinition>', false) +
        eventSub('onError', '<bpmn:errorEventDefinition errorRef="err1" />', true) +
        eventSub('onEscalation', '<bpmn:escalationEventDefinition />', false) +
        eventSub('onSignal', '<bpmn:signalEventDefinition signalRef="s1" />', true),
      `${MESSAGE}<bpmn:error id="err1" errorCode="FEL" /><bpmn:signal id="s1" name="Avbryt" />`,
    );
    const p = await compileOne(xml);
    expect(p.startEventIds).toEqual(['start']);
    expect(node(p, 'onMessage')).toMatchObject({ type: 'subProcess', triggeredByEvent: true, childIds: ['onMessage_start', 'onMessage_end'] });
    expect(node(p, 'onMessage_start')).toMatchObject({ parentId: 'onMessage', isInterrupting: false, eventDefinition: { kind: 'message', correlationKey: '=caseRef' } });
    expect(node(p, 'onTimer_start')).toMatchObject({ isInterrupting: false, eventDefinition: { kind: 'timer', timer: { type: 'cycle' } } });
    expect(node(p, 'onError_start')).toMatchObject({ isInterrupting: true, eventDefinition: { kind: 'error', errorCode: 'FEL' } });
    expect(node(p, 'onEscalation_start').eventDefinition).toEqual({ kind: 'escalation' });
    expect(node(p, 'onSignal_start')).toMatchObject({ isInterrupting: true, eventDefinition: { kind: 'signal', signalName: 'Avbryt' } });
  });

  it('compiles call activities with Zeebe defaults (propagate all variables both ways, latest binding)', async () => {
    const p = await compileOne(processXml(around('<bpmn:callActivity id="t"><bpmn:extensionElements><zeebe:calledElement processId="sip" /></bpmn:extensionElements></bpmn:callActivity>')));
    expect(node(p, 't').callActivity).toEqual({ processId: 'sip', propagateAllChildVariables: true, propagateAllParentVariables: true, bindingType: 'latest' });
  });

  it('compiles call activity options as written', async () => {
    const p = await compileOne(processXml(around(
      '<bpmn:callActivity id="t"><bpmn:extensionElements><zeebe:calledElement processId="=child" propagateAllChildVariables="false" propagateAllParentVariables="false" bindingType="versionTag" versionTag="v2" /></bpmn:extensionElements></bpmn:callActivity>',
    )));
    expect(node(p, 't').callActivity).toEqual({ processId: '=child', propagateAllChildVariables: false, propagateAllParentVariables: false, bindingType: 'versionTag', versionTag: 'v2' });
  });

  it('compiles parallel and sequential multi-instance with collections and completion condition', async () => {
    const mi = (sequential: boolean, extra = '') => `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}">
      <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=deltagare" inputElement="deltagare" ${extra} /></bpmn:extensionElements>
      ${sequential ? '' : '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>'}
    </bpmn:multiInstanceLoopCharacteristics>`;
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('a', 'start', 'par')}
       <bpmn:serviceTask id="par"><bpmn:extensionElements><zeebe:taskDefinition type="vk.kallelse" /></bpmn:extensionElements>${mi(false, 'outputCollection="svar" outputElement="=svar"')}</bpmn:serviceTask>
       ${flow('b', 'par', 'seq')}
       <bpmn:userTask id="seq"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements>${mi(true)}</bpmn:userTask>`,
    );
    const p = await compileOne(xml);
    expect(node(p, 'par').multiInstance).toEqual({
      isSequential: false,
      inputCollection: '=deltagare',
      inputElement: 'deltagare',
      outputCollection: 'svar',
      outputElement: '=svar',
      completionCondition: '=numberOfCompletedInstances >= 2',
    });
    expect(node(p, 'seq').multiInstance).toEqual({ isSequential: true, inputCollection: '=deltagare', inputElement: 'deltagare' });
  });

  it('compiles input and output mappings in order, dotted targets kept, empty source meaning null', async () => {
    const task = `<bpmn:serviceTask id="t"><bpmn:extensionElements>
      <zeebe:taskDefinition type="vk.x" />
      <zeebe:ioMapping>
        <zeebe:input source="=caseRef" target="ref" />
        <zeebe:input source="fast text" target="mall.namn" />
        <zeebe:input target="tom" />
        <zeebe:output source="=resultat.datum" target="placering.datum" />
      </zeebe:ioMapping>
    </bpmn:extensionElements></bpmn:serviceTask>`;
    const p = await compileOne(processXml(around(task)));
    expect(node(p, 't').ioMapping).toEqual({
      inputs: [
        { source: '=caseRef', target: 'ref' },
        { source: 'fast text', target: 'mall.namn' },
        { source: '=null', target: 'tom' },
      ],
      outputs: [{ source: '=resultat.datum', target: 'placering.datum' }],
    });
  });

  it('compiles output mappings on catch events and input mappings on end events', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start"><bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=1" target="x" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:startEvent>${flow('a', 'start', 'end')}
       <bpmn:endEvent id="end"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=2" target="y" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:endEvent>`,
    );
    const p = await compileOne(xml);
    expect(node(p, 'start').ioMapping).toEqual({ inputs: [], outputs: [{ source: '=1', target: 'x' }] });
    expect(node(p, 'end').ioMapping).toEqual({ inputs: [{ source: '=2', target: 'y' }], outputs: [] });
  });
});
