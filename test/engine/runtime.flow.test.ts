/**
 * Runtime internals without HTTP: token flow, gateways, scopes, variables, multi-instance, call
 * activities and incidents, driven deterministically through test/helpers/runtime.ts.
 */
import { RuntimeHarness } from '../helpers/runtime';
import { around, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import { completeJob, updateJob } from '../../engine/runtime/jobs';
import { cancelProcessInstance, createProcessInstance } from '../../engine/runtime/instances';
import { setLocalVariable, setVariablesCommand } from '../../engine/runtime/variables';

let h: RuntimeHarness;
beforeEach(async () => {
  h = new RuntimeHarness();
});
afterEach(async () => {
  await h.close();
});

test('a service chain completes job by job; job variables reach the process scope', async () => {
  await h.deployFixtures('service-chain');
  const pi = h.start('service-chain', { lastType: 'c' });
  expect(h.elements(pi)).toEqual(['service-chain', 'taskA']);
  h.completeOne('chain.a', { a: 1 });
  h.completeOne('chain.b', { b: 2 });
  const [job] = h.jobs('chain.c');
  expect(job.variables).toEqual({ lastType: 'c', a: 1, b: 2 });
  h.engine.run((ctx) => completeJob(ctx, job.job.key, { c: 3 }));
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.variables(pi)).toEqual({ lastType: 'c', a: 1, b: 2, c: 3 });
  expect(h.elements(pi, 'COMPLETED')).toEqual(['service-chain', 'start', 'taskA', 'taskB', 'taskC', 'end']);
});

test('exclusive gateway takes the first true condition, else the default flow', async () => {
  await h.deployFixtures('exclusive-gateway');
  const high = h.start('exclusive-gateway', { amount: 500 });
  const medium = h.start('exclusive-gateway', { amount: 50 });
  const low = h.start('exclusive-gateway', { amount: 50, flagged: true });
  expect(h.elements(high, 'COMPLETED')).toContain('endHigh');
  expect(h.elements(medium, 'COMPLETED')).toContain('endMedium');
  expect(h.elements(low, 'COMPLETED')).toContain('endLow');
});

const GATEWAY_WITHOUT_DEFAULT = processXml(
  `<bpmn:startEvent id="start" />${flow('f0', 'start', 'gw')}<bpmn:exclusiveGateway id="gw" />` +
    `${flow('toYes', 'gw', 'yes', '=approved = true')}${flow('toNo', 'gw', 'no', '=approved = false')}` +
    `<bpmn:endEvent id="yes" /><bpmn:endEvent id="no" />`,
);

test('no matching condition and no default flow raises CONDITION_ERROR; resolving retries the gateway', async () => {
  await h.deployXml('gw', GATEWAY_WITHOUT_DEFAULT);
  const pi = h.start('p', {});
  const [incident] = h.incidents();
  expect(incident).toEqual(expect.objectContaining({ error_type: 'CONDITION_ERROR', element_id: 'gw' }));
  expect(incident.error_message).toMatch(/default flow/);
  expect(h.elements(pi)).toEqual(['p', 'gw']);
  h.engine.run((ctx) => setLocalVariable(ctx, pi, pi, 'approved', false));
  h.resolve(incident.key);
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'COMPLETED')).toContain('no');
  expect(h.incidents()).toHaveLength(0);
});

test('parallel gateway forks and joins once both branches arrived', async () => {
  await h.deployFixtures('parallel');
  const pi = h.start('parallel');
  h.completeOne('par.a');
  expect(h.jobs('par.after')).toHaveLength(0);
  h.completeOne('par.b');
  h.completeOne('par.after');
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.elements(pi, 'COMPLETED').filter((id) => id === 'join')).toHaveLength(1);
});

test('input mappings create local variables; output mappings write to the flow scope', async () => {
  await h.deployFixtures('io-mapping');
  const pi = h.start('io-mapping', { order: { amount: 41 }, caseRef: 'VK-1' });
  const [calc] = h.jobs('io.calc');
  expect(calc.variables).toEqual(expect.objectContaining({ x: 42, ref: 'VK-1', label: 'static-text' }));
  h.engine.run((ctx) => completeJob(ctx, calc.job.key, { result: 21 }));
  const root = h.variables(pi);
  expect(root).toEqual(expect.objectContaining({ doubled: 42, nested: { result: 21 } }));
  expect(root).not.toHaveProperty('x');
  expect(root).not.toHaveProperty('result');
  const [inner] = h.jobs('io.inner');
  expect(inner.variables.inner).toBe(10);
  h.engine.run((ctx) => completeJob(ctx, inner.job.key, { inner: 11, fromInner: true }));
  // `inner` exists locally on the sub-process: the job's value stays there; `fromInner` goes to the root.
  expect(h.variables(pi)).toEqual(expect.objectContaining({ fromInner: true }));
  expect(h.variables(pi)).not.toHaveProperty('inner');
  h.completeOne('io.after');
  expect(h.state(pi)).toBe('COMPLETED');
});

const BAD_OUTPUT = processXml(
  // `now` without parentheses is a function value: it cannot be stored as a variable, so evaluation fails at run time.
  around(serviceTask('t', 'io.bad', '<zeebe:ioMapping><zeebe:output source="=now" target="out" /></zeebe:ioMapping>')),
);

test('an output mapping failure is an IO_MAPPING_ERROR incident; the failed step leaves nothing behind', async () => {
  await h.deployXml('bad', BAD_OUTPUT);
  const pi = h.start('p', {});
  const [job] = h.jobs('io.bad');
  h.engine.run((ctx) => completeJob(ctx, job.job.key, { result: 1 }));
  const [incident] = h.incidents();
  expect(incident).toEqual(expect.objectContaining({ error_type: 'IO_MAPPING_ERROR', element_id: 't' }));
  expect(h.variables(pi)).toEqual({});
  expect(h.elements(pi)).toEqual(['p', 't']);
});

test('parallel multi-instance collects the output collection in input order', async () => {
  await h.deployFixtures('mi-parallel');
  const pi = h.start('mi-parallel', { items: ['a', 'b', 'c'] });
  const jobs = h.jobs('mi.parallel');
  expect(jobs.map((j) => j.variables.item)).toEqual(['a', 'b', 'c']);
  expect(jobs.map((j) => j.variables.loopCounter)).toEqual([1, 2, 3]);
  for (const j of [...jobs].reverse()) {
    h.engine.run((ctx) => completeJob(ctx, j.job.key, { res: `${j.variables.item}!` }));
  }
  expect(h.variables(pi).results).toEqual(['a!', 'b!', 'c!']);
  h.completeOne('mi.after');
  expect(h.state(pi)).toBe('COMPLETED');
});

test('sequential multi-instance runs one item at a time; an empty collection skips the activity', async () => {
  await h.deployFixtures('mi-sequential');
  const pi = h.start('mi-sequential', { items: [1, 2] });
  const first = h.jobs('mi.sequential', 10);
  expect(first.map((j) => j.variables.item)).toEqual([1]);
  h.engine.run((ctx) => completeJob(ctx, first[0].job.key, { res: 10 }));
  const second = h.jobs('mi.sequential', 10);
  expect(second.map((j) => j.variables.item)).toEqual([2]);
  h.engine.run((ctx) => completeJob(ctx, second[0].job.key, { res: 20 }));
  expect(h.variables(pi).results).toEqual([10, 20]);
  const empty = h.start('mi-sequential', { items: [] });
  expect(h.jobs('mi.sequential')).toHaveLength(0);
  expect(h.elements(empty)).toContain('after');
});

test('a multi-instance input collection that is not a list raises EXTRACT_VALUE_ERROR', async () => {
  await h.deployFixtures('mi-parallel');
  const pi = h.start('mi-parallel', { items: 'oops' });
  expect(h.incidents()).toEqual([expect.objectContaining({ error_type: 'EXTRACT_VALUE_ERROR', element_id: 'each' })]);
  h.engine.run((ctx) => setLocalVariable(ctx, pi, pi, 'items', ['x']));
  h.resolve(h.incidents()[0].key);
  expect(h.jobs('mi.parallel')).toHaveLength(1);
});

test('call activity starts the child with parent variables and maps its result back', async () => {
  await h.deployFixtures('call-child', 'call-parent');
  const parent = h.start('call-parent', { amount: 5 });
  const [child] = h.instancesOf('call-child');
  const [work] = h.jobs('call.child');
  expect(work.variables).toEqual(expect.objectContaining({ amount: 5, childAmount: 10 }));
  h.engine.run((ctx) => completeJob(ctx, work.job.key, { childResult: 'ok', childOnly: 1 }));
  expect(h.state(child)).toBe('COMPLETED');
  expect(h.variables(parent)).toEqual(expect.objectContaining({ result: 'ok' }));
  expect(h.variables(parent)).not.toHaveProperty('childOnly');
  h.completeOne('call.after');
  expect(h.state(parent)).toBe('COMPLETED');
});

test('a call activity to an undeployed process raises CALLED_ELEMENT_ERROR; deploying and resolving continues', async () => {
  await h.deployFixtures('call-parent');
  const parent = h.start('call-parent', { amount: 1 });
  expect(h.incidents()).toEqual([expect.objectContaining({ error_type: 'CALLED_ELEMENT_ERROR', element_id: 'callChild' })]);
  await h.deployFixtures('call-child');
  h.resolve(h.incidents()[0].key);
  expect(h.instancesOf('call-child')).toHaveLength(1);
  expect(h.elements(parent)).toContain('callChild');
});

test('an incident in a called instance marks the parent as having an incident until it is resolved', async () => {
  await h.deployFixtures('call-child', 'call-parent');
  const parent = h.start('call-parent', { amount: 1 });
  const [child] = h.instancesOf('call-child');
  const [work] = h.jobs('call.child');
  h.fail(work.job.key, 0);
  const hasIncident = (key: number) => (h.engine.db.prepare('SELECT incident_count FROM process_instances WHERE key = ?').get(key) as { incident_count: number }).incident_count > 0;
  expect([hasIncident(parent), hasIncident(child)]).toEqual([true, true]);
  h.resolve(h.incidents()[0].key);
  expect([hasIncident(parent), hasIncident(child)]).toEqual([false, false]);
});

test('canceling the parent terminates the called child and cancels its job', async () => {
  await h.deployFixtures('call-child', 'call-parent');
  const parent = h.start('call-parent', { amount: 1 });
  const [child] = h.instancesOf('call-child');
  h.engine.run((ctx) => cancelProcessInstance(ctx, parent));
  expect(h.state(parent)).toBe('TERMINATED');
  expect(h.state(child)).toBe('TERMINATED');
  expect(h.jobs('call.child')).toHaveLength(0);
  expect(() => h.engine.run((ctx) => cancelProcessInstance(ctx, parent))).toThrow(/no such process/);
});

test('terminate end event ends the whole scope, canceling the open user task', async () => {
  await h.deployFixtures('terminate-end');
  const pi = h.start('terminate-end');
  expect(h.userTasks('CREATED')).toHaveLength(1);
  h.completeOne('term.fast');
  expect(h.state(pi)).toBe('COMPLETED');
  expect(h.userTasks('CANCELED')).toHaveLength(1);
});

test('job with no retries left raises JOB_NO_RETRIES; updated retries apply once the incident is resolved', async () => {
  await h.deployFixtures('service-chain');
  const pi = h.start('service-chain', { lastType: 'c' });
  const [job] = h.jobs('chain.a');
  h.fail(job.job.key, 0, 0, 'Systemet svarar inte');
  const [incident] = h.incidents();
  expect(incident).toEqual(expect.objectContaining({ error_type: 'JOB_NO_RETRIES', error_message: 'Systemet svarar inte', job_key: job.job.key }));
  h.engine.run((ctx) => updateJob(ctx, job.job.key, { retries: 2 }));
  expect(h.jobs('chain.a')).toHaveLength(0); // still blocked by the incident
  h.resolve(incident.key);
  const [again] = h.jobs('chain.a');
  expect(again.job.retries).toBe(2);
  expect(h.engine.db.prepare('SELECT incident_count FROM process_instances WHERE key = ?').get(pi)).toEqual({ incident_count: 0 });
});

test('resolving a job incident without new retries hands the job out again with 0 retries (Zeebe)', async () => {
  await h.deployFixtures('service-chain');
  h.start('service-chain', { lastType: 'c' });
  const [job] = h.jobs('chain.a');
  h.fail(job.job.key, 0);
  h.resolve(h.incidents()[0].key);
  const [again] = h.jobs('chain.a');
  expect(again.job).toEqual(expect.objectContaining({ key: job.job.key, retries: 0 }));
  h.fail(job.job.key, 0, 0, 'again');
  expect(h.incidents()).toEqual([expect.objectContaining({ error_type: 'JOB_NO_RETRIES', error_message: 'again' })]);
});

test('a failed command changes nothing: a rejection after writes rolls the whole command back', async () => {
  await h.deployFixtures('service-chain');
  h.start('service-chain', { lastType: 'c' });
  const count = () => h.engine.db.prepare('SELECT (SELECT COUNT(*) FROM element_instances) + (SELECT COUNT(*) FROM jobs) AS n').get();
  const before = count();
  expect(() =>
    h.engine.run((ctx) => {
      createProcessInstance(ctx, h.engine.definition((h.engine.db.prepare('SELECT key FROM process_definitions').get() as { key: number }).key), {});
      completeJob(ctx, 42, {});
    }),
  ).toThrow(/no such job/);
  expect(count()).toEqual(before);
});

test('setting variables on an element: local stays in that scope, otherwise they go where they live or to the root', async () => {
  await h.deployFixtures('io-mapping');
  const pi = h.start('io-mapping', { order: { amount: 1 }, caseRef: 'VK-3' });
  const calc = (h.engine.db.prepare(`SELECT key FROM element_instances WHERE element_id = 'calc'`).get() as { key: number }).key;
  h.engine.run((ctx) => setVariablesCommand(ctx, calc, { x: 100, extra: 'local' }, true));
  expect(h.variables(calc)).toEqual(expect.objectContaining({ x: 100, extra: 'local' }));
  h.engine.run((ctx) => setVariablesCommand(ctx, calc, { x: 7, caseRef: 'VK-4', fresh: true }, false));
  expect(h.variables(calc)).toEqual(expect.objectContaining({ x: 7 }));
  expect(h.variables(pi)).toEqual(expect.objectContaining({ caseRef: 'VK-4', fresh: true }));
  expect(h.variables(pi)).not.toHaveProperty('x');
  expect(() => h.engine.run((ctx) => setVariablesCommand(ctx, 12345, { a: 1 }, false))).toThrow(/no such element/);
});
