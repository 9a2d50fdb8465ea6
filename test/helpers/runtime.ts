import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../engine/runtime/engine';
import { activateJobs, completeJob, failJob, throwJobError } from '../../engine/runtime/jobs';
import { createProcessInstance, latestDefinitionById } from '../../engine/runtime/instances';
import { publishMessage } from '../../engine/runtime/messages';
import { broadcastSignal } from '../../engine/runtime/events';
import { completeUserTask } from '../../engine/runtime/userTasks';
import { resolveIncident } from '../../engine/runtime/incidents';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/**
 * Drives the engine runtime in-process without HTTP and without the background scheduler, so
 * runtime tests are deterministic: time moves only through `advance()`, which fires due work.
 */
export class RuntimeHarness {
  readonly engine: Engine;
  readonly dataDir: string;

  constructor(dataDir?: string) {
    this.dataDir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vk-runtime-'));
    this.engine = Engine.open(path.join(this.dataDir, 'engine.sqlite'));
    if (!this.engine.clock.isPinned()) this.engine.run(() => this.engine.clock.pin(Date.parse('2026-11-02T08:00:00Z')));
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  async deployFixtures(...names: string[]) {
    return this.engine.deploy(names.map((name) => ({ name: `${name}.bpmn`, content: fs.readFileSync(path.join(FIXTURES, 'bpmn', `${name}.bpmn`)) })));
  }

  async deployXml(name: string, xml: string) {
    return this.engine.deploy([{ name: `${name}.bpmn`, content: Buffer.from(xml) }]);
  }

  start(processId: string, variables: Record<string, unknown> = {}): number {
    return this.engine.run((ctx) => {
      const deployed = latestDefinitionById(ctx, processId);
      if (!deployed) throw new Error(`not deployed: ${processId}`);
      return createProcessInstance(ctx, deployed, variables);
    });
  }

  jobs(type: string, max = 10) {
    return this.engine.run((ctx) => activateJobs(ctx, { type, worker: 'test', timeout: 60_000, maxJobsToActivate: max }));
  }

  /** Activates exactly one job of `type` and completes it with `variables`. */
  completeOne(type: string, variables: Record<string, unknown> = {}) {
    const jobs = this.jobs(type, 1);
    if (jobs.length !== 1) throw new Error(`expected a '${type}' job, found none`);
    this.engine.run((ctx) => completeJob(ctx, jobs[0].job.key, variables));
    return jobs[0];
  }

  fail(jobKey: number, retries: number, retryBackOff = 0, errorMessage = 'failed') {
    this.engine.run((ctx) => failJob(ctx, jobKey, { retries, retryBackOff, errorMessage }));
  }

  throwError(jobKey: number, errorCode: string, variables: Record<string, unknown> = {}) {
    this.engine.run((ctx) => throwJobError(ctx, jobKey, { errorCode, errorMessage: `error ${errorCode}`, variables }));
  }

  completeTask(elementId: string, variables: Record<string, unknown> = {}, processInstanceKey?: number) {
    const task = this.userTasks('CREATED').find((t) => t.element_id === elementId && (processInstanceKey === undefined || t.process_instance_key === processInstanceKey));
    if (!task) throw new Error(`no open user task '${elementId}'`);
    this.engine.run((ctx) => completeUserTask(ctx, task.key, variables));
  }

  publish(name: string, correlationKey: string, variables: Record<string, unknown> = {}, timeToLive = 0) {
    return this.engine.run((ctx) => publishMessage(ctx, { name, correlationKey, variables, timeToLive }));
  }

  signal(name: string, variables: Record<string, unknown> = {}) {
    this.engine.run((ctx) => broadcastSignal(ctx, name, variables));
  }

  resolve(incidentKey: number) {
    this.engine.run((ctx) => resolveIncident(ctx, incidentKey));
  }

  /** Moves the pinned clock forward and runs everything that fell due. */
  advance(ms: number) {
    this.engine.run(() => this.engine.clock.pin(this.engine.clock.now() + ms));
    this.engine.processDueWork();
  }

  state(processInstanceKey: number): string {
    return (this.engine.db.prepare('SELECT state FROM process_instances WHERE key = ?').get(processInstanceKey) as { state: string }).state;
  }

  variables(scopeKey: number): Record<string, unknown> {
    const rows = this.engine.db.prepare('SELECT name, value FROM variables WHERE scope_key = ?').all(scopeKey) as { name: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, JSON.parse(r.value)]));
  }

  /** Element ids of the instance's element instances in a state, in creation order. */
  elements(processInstanceKey: number, state = 'ACTIVE'): string[] {
    return (
      this.engine.db
        .prepare('SELECT element_id FROM element_instances WHERE process_instance_key = ? AND state = ? ORDER BY key')
        .all(processInstanceKey, state) as { element_id: string }[]
    ).map((r) => r.element_id);
  }

  userTasks(state?: string) {
    const sql = state ? 'SELECT * FROM user_tasks WHERE state = ? ORDER BY key' : 'SELECT * FROM user_tasks ORDER BY key';
    return (state ? this.engine.db.prepare(sql).all(state) : this.engine.db.prepare(sql).all()) as {
      key: number; element_id: string; process_instance_key: number; state: string;
    }[];
  }

  incidents(state = 'ACTIVE') {
    return this.engine.db.prepare('SELECT * FROM incidents WHERE state = ? ORDER BY key').all(state) as {
      key: number; error_type: string; error_message: string; element_id: string; job_key: number | null;
    }[];
  }

  instancesOf(processId: string) {
    return (this.engine.db.prepare('SELECT key FROM process_instances WHERE bpmn_process_id = ? ORDER BY key').all(processId) as { key: number }[]).map((r) => r.key);
  }
}
