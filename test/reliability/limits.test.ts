/**
 * Engine limits (issue 13.2) through the official client and raw HTTP with credentials: oversized payloads,
 * correlation keys, message names, ids and TTLs → 4xx problem+json with the store byte-for-byte unchanged
 * (fast-check properties over sizes); a multi-instance collection above the cap, a runaway FEEL expression and a
 * computed too-frequent timer cycle → an incident while the engine keeps answering; static timer cycles below the
 * minimum interval are refused at deploy. The latency of other requests during a runaway evaluation is printed.
 */
import path from 'node:path';
import fc from 'fast-check';
import { DEFAULT_LIMITS } from '../../engine/limits';
import { bpmnFile, deploy, eventually, expectProblem, raw, start, useEngine } from '../helpers/api';
import { around, flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import { dbSnapshot, type DbSnapshot } from './db-snapshot';

jest.setTimeout(120_000);
const RUNS = Number(process.env.LIMIT_RUNS ?? 12);

const t = useEngine();
const dbFile = () => path.join(t.engine.dataDir, 'engine.sqlite');

beforeAll(async () => {
  await deploy(t.client, ['mi-parallel', 'message-catch']);
});

function expectUnchanged(before: DbSnapshot): void {
  const after = dbSnapshot(dbFile());
  expect(after.digests).toEqual(before.digests);
}

/** A problem+json 4xx answer and an unchanged store, for one request. */
async function refusedUnchanged(method: string, route: string, body: unknown, status = 400): Promise<string> {
  const before = dbSnapshot(dbFile());
  const res = await raw(t.url, method, route, body);
  expectProblem(res, status);
  expectUnchanged(before);
  return String(res.body.detail);
}

describe('request limits: 4xx problem+json, store unchanged', () => {
  test('property: a correlation key, message name or message id over its limit is refused; at the limit it is accepted', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('correlationKey', 'name', 'messageId'),
      fc.integer({ min: 1, max: 5_000_000 }),
      async (field, over) => {
        const limit = field === 'correlationKey' ? DEFAULT_LIMITS.maxCorrelationKeyLength : field === 'name' ? DEFAULT_LIMITS.maxMessageNameLength : DEFAULT_LIMITS.maxIdLength;
        const body: Record<string, unknown> = { name: 'limit-test', correlationKey: 'k', timeToLive: 0, [field]: 'x'.repeat(Math.min(limit + over, 3_000_000)) };
        const detail = await refusedUnchanged('POST', '/messages/publication', body);
        expect(detail).toMatch(new RegExp(`the limit is ${limit}`));
      },
    ), { numRuns: RUNS });
    const ok = await raw(t.url, 'POST', '/messages/publication', { name: 'x'.repeat(DEFAULT_LIMITS.maxMessageNameLength), correlationKey: 'k'.repeat(DEFAULT_LIMITS.maxCorrelationKeyLength), timeToLive: 0 });
    expect(ok.status).toBe(200);
  });

  test('property: a message time to live over the maximum is refused (also 9e15 ms), the maximum itself is accepted', async () => {
    await fc.assert(fc.asyncProperty(
      fc.oneof(fc.integer({ min: DEFAULT_LIMITS.maxMessageTtlMs + 1, max: Number.MAX_SAFE_INTEGER }), fc.constant(9e15)),
      async (ttl) => {
        const detail = await refusedUnchanged('POST', '/messages/publication', { name: 'ttl-test', correlationKey: 'k', timeToLive: ttl });
        expect(detail).toMatch(/time to live .* the limit is/);
      },
    ), { numRuns: RUNS });
    expect((await raw(t.url, 'POST', '/messages/publication', { name: 'ttl-ok', correlationKey: 'k', timeToLive: DEFAULT_LIMITS.maxMessageTtlMs })).status).toBe(200);
  });

  test('property: an over-long process definition id, job type, worker or variable name is refused', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom<[string, (v: string) => unknown]>(
        ['/process-instances', (v) => ({ processDefinitionId: v })],
        ['/process-instances', (v) => ({ processDefinitionId: 'mi-parallel', variables: { [v]: 1 } })],
        ['/jobs/activation', (v) => ({ type: v, maxJobsToActivate: 1, timeout: 1000 })],
        ['/jobs/activation', (v) => ({ type: 'mi.parallel', worker: v, maxJobsToActivate: 1, timeout: 1000 })],
      ),
      fc.integer({ min: 1, max: 100_000 }),
      async ([route, body], over) => {
        await refusedUnchanged('POST', route, body('p'.repeat(DEFAULT_LIMITS.maxIdLength + over)));
      },
    ), { numRuns: RUNS });
  });

  test('a 9 MB variable (over the 4 MB payload limit) → 413 problem+json, nothing stored; 3 MB is accepted', async () => {
    await refusedUnchanged('POST', '/process-instances', { processDefinitionId: 'message-catch', variables: { blob: 'x'.repeat(9 * 1024 * 1024), caseRef: 'big' } }, 413);
    await refusedUnchanged('POST', '/process-instances', { processDefinitionId: 'message-catch', variables: { blob: 'x'.repeat(DEFAULT_LIMITS.maxPayloadBytes) } }, 413);
    const ok = await raw(t.url, 'POST', '/process-instances', { processDefinitionId: 'message-catch', variables: { blob: 'x'.repeat(3 * 1024 * 1024), caseRef: 'ok-3mb' } });
    expect(ok.status).toBe(200);
    await t.client.cancelProcessInstance({ processInstanceKey: ok.body.processInstanceKey });
  });
});

describe('timer cycles below the minimum interval are refused at deploy', () => {
  const cycleProcess = (id: string, cycle: string) => processXml(
    `<bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>${flow('f', 'start', 'end')}<bpmn:endEvent id="end" />`,
    '', id);

  test('property: R/PT<n>S with n < 10 → 400 naming the element and the minimum, store unchanged; n ≥ 10 deploys', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 9 }).map((n) => `R/PT${n}S`), fc.constantFrom('R/PT0.001S', 'R5/PT0.5S', '0/1 * * * * *')), async (cycle) => {
      const before = dbSnapshot(dbFile());
      const form = new FormData();
      form.append('resources', bpmnFile('too-often', cycleProcess('too-often', cycle)));
      const res = await raw(t.url, 'POST', '/deployments', form);
      expectProblem(res, 400);
      expect(res.body.detail).toMatch(/start.*too frequent.*minimum interval of 10000 ms/s);
      expectUnchanged(before);
    }), { numRuns: RUNS });
    const ok = await t.client.createDeployment({ resources: [bpmnFile('every-minute', cycleProcess('every-minute', 'R2/PT10S'))] });
    expect(ok.processes[0].processDefinitionId).toBe('every-minute');
  });
});

describe('limits that show while a process runs become incidents', () => {
  /** Waits for the instance's one incident and returns its message; the instance stays active. */
  async function incidentOf(processInstanceKey: Awaited<ReturnType<typeof start>>['processInstanceKey']): Promise<string> {
    const { items } = await eventually(
      () => t.client.searchIncidents({ filter: { processInstanceKey } }, { consistency: { waitUpToMs: 0 } }),
      (r) => (r.items?.length ?? 0) === 1,
      { what: 'one incident' },
    );
    const instance = await t.client.getProcessInstance({ processInstanceKey }, { consistency: { waitUpToMs: 0 } });
    expect(instance.state).toBe('ACTIVE');
    return String(items![0].errorMessage);
  }

  test('a multi-instance collection over the cap → incident naming the limit; at the cap no incident', async () => {
    const over = await start(t.client, 'mi-parallel', { items: Array.from({ length: DEFAULT_LIMITS.maxMultiInstanceItems + 1 }, (_, i) => i) });
    expect(await incidentOf(over.processInstanceKey)).toMatch(/has 1001 items; the limit is 1000/);
    const small = await start(t.client, 'mi-parallel', { items: [1, 2, 3] });
    const jobs = await eventually(() => t.client.activateJobs({ type: 'mi.parallel', maxJobsToActivate: 10, timeout: 60_000, requestTimeout: -1 }), (r) => r.jobs.length === 3);
    expect(new Set(jobs.jobs.map((j) => j.processInstanceKey))).toEqual(new Set([small.processInstanceKey]));
  });

  test('a runaway FEEL expression is stopped after its budget and becomes an incident; the engine keeps answering', async () => {
    const runaway = processXml(around(serviceTask('t', 'runaway.job', '<zeebe:ioMapping><zeebe:input source="=count(for x in 1..5000, y in 1..5000 return x * y)" target="n" /></zeebe:ioMapping>')), '', 'runaway');
    await t.client.createDeployment({ resources: [bpmnFile('runaway', runaway)] });
    const latencies: number[] = [];
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t0 = Date.now();
        await t.client.getTopology();
        latencies.push(Date.now() - t0);
      }
    })();
    const instance = await start(t.client, 'runaway');
    const message = await incidentOf(instance.processInstanceKey);
    done = true;
    await probe;
    expect(message).toMatch(/longer than its budget of 50 ms/);
    expect((await t.client.getTopology()).brokers?.length).toBe(1);
    console.log(`topology answered ${latencies.length} times during a runaway FEEL evaluation; slowest ${Math.max(...latencies)} ms`);
  });

  test('a computed timer cycle below the minimum → incident when the timer is scheduled', async () => {
    const xml = processXml(around(`<bpmn:userTask id="t"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask><bpmn:boundaryEvent id="tick" cancelActivity="false" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">=cycle</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>${flow('ft', 'tick', 'tickEnd')}<bpmn:endEvent id="tickEnd" />`), '', 'computed-cycle');
    await t.client.createDeployment({ resources: [bpmnFile('computed-cycle', xml)] });
    const instance = await start(t.client, 'computed-cycle', { cycle: 'R/PT0.001S' });
    expect(await incidentOf(instance.processInstanceKey)).toMatch(/more often than the minimum interval/);
  });
});
