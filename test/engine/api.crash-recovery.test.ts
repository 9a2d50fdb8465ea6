/**
 * Crash recovery: the engine CLI runs as a child process, is killed with SIGKILL while requests are in flight,
 * and restarted on the same data dir. Everything the engine acknowledged before the kill must be there
 * (answers are sent after commit); nothing acknowledged may be lost or happen twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCamundaClient } from '../../common/camunda';
import { NOW, activateNow, bpmnFile, type Client } from '../helpers/api';
import { type EngineProcess, startEngineProcess, stopEngineProcess } from '../helpers/engine-process';

jest.setTimeout(90_000);

const dataDir = mkdtempSync(join(tmpdir(), 'engine-crash-'));
let engine: EngineProcess | undefined;

function clientFor(url: string): Client {
  process.env.CAMUNDA_SDK_VALIDATION = 'req:strict,res:strict';
  return createCamundaClient({ restAddress: url });
}

afterAll(async () => {
  if (engine) await stopEngineProcess(engine);
  rmSync(dataDir, { recursive: true, force: true });
});

test('acknowledged commands survive SIGKILL; nothing acknowledged happens twice', async () => {
  engine = await startEngineProcess(dataDir);
  let client = clientFor(engine.url);
  await client.createDeployment({ resources: [bpmnFile('service-chain')] });

  const created: string[] = [];
  for (let i = 0; i < 10; i++) created.push((await client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'c', i } })).processInstanceKey);
  const jobs = await activateNow(client, 'chain.a', 10);
  expect(jobs).toHaveLength(10);
  const completedFor = new Set<string>();
  for (const j of jobs.slice(0, 5)) {
    await client.completeJob({ jobKey: j.jobKey, variables: { done: true } });
    completedFor.add(j.processInstanceKey);
  }

  // Load while the engine dies: keep creating instances; remember only those acknowledged.
  let stop = false;
  const acked: string[] = [];
  const load = (async () => {
    while (!stop) {
      try {
        acked.push((await client.createProcessInstance({ processDefinitionId: 'service-chain' as never, variables: { lastType: 'c' } })).processInstanceKey);
      } catch {
        return; // the engine is gone
      }
    }
  })();
  while (acked.length < 5) await new Promise((r) => setTimeout(r, 5));
  await stopEngineProcess(engine, 'SIGKILL');
  stop = true;
  await load;
  const ackedBeforeKill = [...acked];

  engine = await startEngineProcess(dataDir);
  client = clientFor(engine.url);

  for (const k of [...created, ...ackedBeforeKill]) {
    const pi = await client.getProcessInstance({ processInstanceKey: k as never }, NOW);
    expect(pi.state).toBe('ACTIVE');
  }
  // The five completed jobs stay completed: their instances wait at taskB, and exactly once.
  const b = await activateNow(client, 'chain.b', 100);
  expect(b.map((j) => j.processInstanceKey).sort()).toEqual([...completedFor].sort());
  expect(b.every((j) => j.variables.done === true)).toBe(true);
  // The five activated-but-not-completed jobs are still locked (their lock outlives the restart).
  const a = await activateNow(client, 'chain.a', 100);
  const lockedKeys = new Set(jobs.slice(5).map((j) => j.jobKey));
  expect(a.filter((j) => lockedKeys.has(j.jobKey))).toHaveLength(0);
  // Every acknowledged post-load instance has its chain.a job available.
  expect(a.map((j) => j.processInstanceKey)).toEqual(expect.arrayContaining(ackedBeforeKill));
});
