/**
 * Phase [8] of `npm run bench`: the FEEL evaluation budget (ENGINE_LIMIT_FEEL_BUDGET_MS, engine/feel/evaluate.ts).
 * The budget is wall-clock time, so its figures depend on how busy the machine is: the phase prints the load
 * average beside them. In this process: how long a runaway expression runs until it is stopped (wall-clock and
 * CPU), and what the budget wrapper costs a trivial expression. Against the engine process: from starting an
 * instance with the runaway in an input mapping to its incident, and the slowest GET /v2/topology meanwhile.
 */
import os from 'node:os';
import type { CamundaClient } from '../common/camunda';
import { evaluate } from '../engine/feel';
import { around, processXml, serviceTask } from '../test/helpers/bpmn-xml';

const RUNAWAY = '=count(for x in 1..5000, y in 1..5000 return x * y)';
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

function stoppedAfter(): { wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    evaluate(RUNAWAY, {});
  } catch (e) {
    if (!/budget/.test((e as Error).message)) throw e;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
  }
  throw new Error('the runaway expression finished within its budget');
}

export async function feelBudget(client: CamundaClient): Promise<void> {
  const budget = Number(process.env.ENGINE_LIMIT_FEEL_BUDGET_MS ?? 50);
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const stops = Array.from({ length: RUNS }, stoppedAfter);
  const rounds = 2000;
  evaluate('=a + 1 > 3', { a: 4 });
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) evaluate('=a + 1 > 3', { a: i });
  const trivialUs = ((performance.now() - t0) * 1000) / rounds;

  const id = 'bench-runaway';
  const xml = processXml(around(serviceTask('t', `${id}.job`, `<zeebe:ioMapping><zeebe:input source="${RUNAWAY}" target="n" /></zeebe:ioMapping>`)), '', id);
  await client.createDeployment({ resources: [new File([xml], `${id}.bpmn`)] });
  const probes: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t = performance.now();
      await client.getTopology();
      probes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const started = performance.now();
  const { processInstanceKey } = await client.createProcessInstance({ processDefinitionId: id as never });
  let incidentMs = NaN;
  while (performance.now() - started < 30_000) {
    const { items } = await client.searchIncidents({ filter: { processInstanceKey } }, { consistency: { waitUpToMs: 0 } });
    if (items?.length) { incidentMs = performance.now() - started; break; }
    await new Promise((r) => setTimeout(r, 5));
  }
  probing = false;
  await probe;

  console.log(`\n[8] FEEL evaluation budget ${budget} ms (wall-clock; load average 1/5/15 min at the start: ${load} on ${os.cpus().length} cores)`);
  console.log(`    runaway ${RUNAWAY.slice(1)} stopped after (${RUNS} runs, this process): wall ${stops.map((s) => f1(s.wallMs)).join(', ')} ms; CPU ${stops.map((s) => f1(s.cpuMs)).join(', ')} ms (median wall ${f1(median(stops.map((s) => s.wallMs)))} ms)`);
  console.log(`    trivial expression =a + 1 > 3 through the budget wrapper: ${f1(trivialUs)} µs/op`);
  console.log(`    engine: instance start → incident ${f1(incidentMs)} ms; GET /v2/topology meanwhile (${probes.length} probes) median ${f1(median(probes))} ms, slowest ${f1(Math.max(...probes))} ms`);
}
