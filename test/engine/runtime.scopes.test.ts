/**
 * Scopes and event propagation with inline diagrams: errors and escalations travelling out of
 * sub-processes and called processes, event sub-processes, multi-instance completion conditions.
 */
import { RuntimeHarness } from '../helpers/runtime';
import { definitions, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import { completeJob } from '../../engine/runtime/jobs';

let h: RuntimeHarness;
beforeEach(() => {
  h = new RuntimeHarness();
});
afterEach(async () => {
  await h.close();
});

const ERROR = '<bpmn:error id="Err" errorCode="FAIL" />';

test('an error end event in a sub-process is caught by the boundary on the sub-process', async () => {
  await h.deployXml('p', processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'sub')}
     <bpmn:subProcess id="sub">
       <bpmn:startEvent id="ss" />${flow('f2', 'ss', 'inner')}${serviceTask('inner', 'inner')}${flow('f3', 'inner', 'err')}
       <bpmn:endEvent id="err"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:endEvent>
     </bpmn:subProcess>
     <bpmn:boundaryEvent id="caught" attachedToRef="sub"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:boundaryEvent>
     ${flow('f4', 'sub', 'ok')}<bpmn:endEvent id="ok" />${flow('f5', 'caught', 'handled')}<bpmn:endEvent id="handled" />`,
    ERROR,
  ));
  const pi = h.start('p');
  h.completeOne('inner');
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'COMPLETED')).toEqual(expect.arrayContaining(['caught', 'handled']));
  expect(h.elements(pi, 'TERMINATED')).toEqual(['sub', 'err']);
});

test('an error thrown in a called process is caught by the boundary on the call activity', async () => {
  await h.engine.deploy([
    { name: 'child.bpmn', content: Buffer.from(processXml(
      `<bpmn:startEvent id="s" />${flow('f1', 's', 'work')}${serviceTask('work', 'child.work')}`, '', 'child')) },
    { name: 'parent.bpmn', content: Buffer.from(processXml(
      `<bpmn:startEvent id="s" />${flow('f1', 's', 'call')}
       <bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>
       <bpmn:boundaryEvent id="caught" attachedToRef="call"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:boundaryEvent>
       ${flow('f2', 'call', 'ok')}<bpmn:endEvent id="ok" />${flow('f3', 'caught', 'handled')}<bpmn:endEvent id="handled" />`,
      ERROR, 'parent')) },
  ]);
  const parent = h.start('parent');
  const [child] = h.instancesOf('child');
  const [job] = h.jobs('child.work');
  h.throwError(job.job.key, 'FAIL');
  expect(h.state(child)).toBe('TERMINATED');
  expect(h.state(parent)).toBe('COMPLETED');
  expect(h.elements(parent, 'COMPLETED')).toContain('handled');
});

test('an interrupting error event sub-process ends the rest of the process', async () => {
  await h.deployXml('p', processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'fork')}<bpmn:parallelGateway id="fork" />
     ${flow('f2', 'fork', 'a')}${serviceTask('a', 'esp.a')}${flow('f3', 'fork', 'b')}${serviceTask('b', 'esp.b')}
     <bpmn:subProcess id="onError" triggeredByEvent="true">
       <bpmn:startEvent id="es"><bpmn:errorEventDefinition errorRef="Err" /></bpmn:startEvent>${flow('f4', 'es', 'cleanup')}${serviceTask('cleanup', 'esp.cleanup')}
     </bpmn:subProcess>`,
    ERROR,
  ));
  const pi = h.start('p');
  const [a] = h.jobs('esp.a');
  h.throwError(a.job.key, 'FAIL', { cause: 'x' });
  expect(h.jobs('esp.b')).toHaveLength(0);
  expect(h.elements(pi)).toEqual(['p', 'onError', 'cleanup']);
  expect(h.variables(pi)).toEqual({ cause: 'x' });
  h.completeOne('esp.cleanup');
  expect(h.state(pi)).toBe('COMPLETED');
});

test('an interrupting timer event sub-process fires on the pinned clock; completion first closes it', async () => {
  const xml = processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'work')}${serviceTask('work', 'tesp.work')}${flow('f2', 'work', 'e')}<bpmn:endEvent id="e" />
     <bpmn:subProcess id="late" triggeredByEvent="true">
       <bpmn:startEvent id="ts"><bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
       ${flow('f3', 'ts', 'te')}<bpmn:endEvent id="te" />
     </bpmn:subProcess>`,
  );
  await h.deployXml('p', xml);
  const slow = h.start('p');
  const quick = h.start('p');
  const jobs = h.jobs('tesp.work', 2);
  h.engine.run((ctx) => completeJob(ctx, jobs.find((j) => j.job.process_instance_key === quick)!.job.key, {}));
  h.advance(2 * 3_600_000);
  expect(h.state(slow)).toBe('COMPLETED');
  expect(h.elements(slow, 'TERMINATED')).toEqual(['work']);
  expect(h.elements(quick, 'COMPLETED')).not.toContain('late');
});

test('an escalation end event is caught by a non-interrupting escalation event sub-process', async () => {
  await h.deployXml('p', processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'fork')}<bpmn:parallelGateway id="fork" />
     ${flow('f2', 'fork', 'raise')}<bpmn:endEvent id="raise"><bpmn:escalationEventDefinition escalationRef="Esc" /></bpmn:endEvent>
     ${flow('f3', 'fork', 'work')}${serviceTask('work', 'esc.work')}
     <bpmn:subProcess id="onEsc" triggeredByEvent="true">
       <bpmn:startEvent id="es" isInterrupting="false"><bpmn:escalationEventDefinition escalationRef="Esc" /></bpmn:startEvent>${flow('f4', 'es', 'notify')}${serviceTask('notify', 'esc.notify2')}
     </bpmn:subProcess>`,
    '<bpmn:escalation id="Esc" escalationCode="LATE" />',
  ));
  const pi = h.start('p');
  expect(h.jobs('esc.work')).toHaveLength(1);
  expect(h.jobs('esc.notify2')).toHaveLength(1);
  expect(h.elements(pi, 'COMPLETED')).toContain('raise');
});

test('multi-instance completion condition ends the remaining instances early', async () => {
  await h.deployXml('p', processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'vote')}
     <bpmn:serviceTask id="vote"><bpmn:extensionElements><zeebe:taskDefinition type="mi.vote" /></bpmn:extensionElements>
       <bpmn:multiInstanceLoopCharacteristics>
         <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=voters" inputElement="voter" /></bpmn:extensionElements>
         <bpmn:completionCondition>=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>
       </bpmn:multiInstanceLoopCharacteristics>
     </bpmn:serviceTask>${flow('f2', 'vote', 'e')}<bpmn:endEvent id="e" />`,
  ));
  const pi = h.start('p', { voters: ['a', 'b', 'c', 'd'] });
  h.completeOne('mi.vote');
  expect(h.state(pi)).toBe('ACTIVE');
  h.completeOne('mi.vote');
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'TERMINATED')).toEqual(['vote', 'vote']);
  expect(h.jobs('mi.vote')).toHaveLength(0);
});

test('a signal start event starts an instance of the latest version only', async () => {
  const xml = (tag: string) => definitions(
    `<bpmn:process id="sig" isExecutable="true"><bpmn:startEvent id="s"><bpmn:signalEventDefinition signalRef="S" /></bpmn:startEvent>
     ${flow('f1', 's', tag)}<bpmn:endEvent id="${tag}" /></bpmn:process><bpmn:signal id="S" name="go" />`,
  );
  await h.deployXml('v1', xml('end1'));
  await h.deployXml('v2', xml('end2'));
  h.signal('go', { x: 1 });
  const [pi] = h.instancesOf('sig');
  expect(h.instancesOf('sig')).toHaveLength(1);
  expect(h.elements(pi, 'COMPLETED')).toContain('end2');
  expect(h.variables(pi)).toEqual({ x: 1 });
});

test('an interrupting event sub-process inside a sub-process keeps the sub-process boundary events armed', async () => {
  await h.deployXml('p', processXml(
    `<bpmn:startEvent id="s" />${flow('f1', 's', 'sub')}
     <bpmn:subProcess id="sub">
       <bpmn:startEvent id="ss" />${flow('f2', 'ss', 'work')}${serviceTask('work', 'nest.work')}
       <bpmn:subProcess id="late" triggeredByEvent="true">
         <bpmn:startEvent id="ts"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>
         ${flow('f3', 'ts', 'handle')}${serviceTask('handle', 'nest.handle')}
       </bpmn:subProcess>
     </bpmn:subProcess>
     <bpmn:boundaryEvent id="stop" attachedToRef="sub"><bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>
     ${flow('f4', 'sub', 'done')}<bpmn:endEvent id="done" />${flow('f5', 'stop', 'stopped')}<bpmn:endEvent id="stopped" />`,
    '<bpmn:message id="M" name="stop"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>',
  ));
  const pi = h.start('p', { caseRef: 'VK-10' });
  h.advance(3_600_000);
  expect(h.jobs('nest.work')).toHaveLength(0);
  expect(h.jobs('nest.handle')).toHaveLength(1);
  h.publish('stop', 'VK-10');
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'COMPLETED')).toContain('stopped');
});
