import { openStore, type Db } from '../store/db';
import { definitionsOfOtherFormat, getStoredDefinition, replaceCompiled } from '../store/definitions';
import { BpmnDeployError, COMPILED_FORMAT, compileBpmn, parseForm, type CompiledProcess } from '../model';
import { EngineClock } from './clock';
import type { Ctx, DeployedProcess } from './context';
import { storeDeployment, type ParsedForm, type ParsedProcess } from './deploy';
import { pendingMultiInstanceBodies } from '../store/tokens';
import { drain, FLOW } from './elements';
import { continueMultiInstance } from './behaviours/multiInstanceBody';
import { ElementFailure, EngineError, invalidArgument, notFound } from './errors';
import { withEvaluationTime } from './expressions';
import { Waiters } from './waiters';
import { Scheduler } from './scheduler';
import { releaseBackedOffJobs, timeOutJobs } from './jobs';
import { deleteExpiredMessages } from './messages';
import { dueTimerKeys, fireTimer } from './timers';
import { compileDmn } from '../dmn/parse';
import type { ParsedDrg } from './decisions';

export interface Resource {
  name: string;
  content: Buffer;
}

/**
 * The engine: one SQLite store, a clock, the scheduler and the long-polling job waiters. Every
 * command runs as ONE transaction, including the run-to-completion token flow it causes; a
 * rejected or crashing command leaves the store exactly as it was.
 */
export class Engine {
  readonly clock: EngineClock;
  /** Long-polling activations, by job type. */
  readonly jobWaiters = new Waiters<string>();
  /** awaitCompletion requests, by process instance key. */
  readonly completionWaiters = new Waiters<number>();
  /** User task requests waiting for their task listeners, by user task key. */
  readonly transitionWaiters = new Waiters<number>();
  private readonly scheduler: Scheduler;
  private readonly definitions = new Map<number, DeployedProcess>();
  /** Set when shutting down: long-polling requests answer at once. */
  closing = false;
  private closed = false;
  private pending: Array<{ command: (ctx: Ctx) => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];

  constructor(readonly db: Db) {
    this.clock = new EngineClock(db);
    this.scheduler = new Scheduler(this);
  }

  static open(file: string): Engine {
    return new Engine(openStore(file));
  }

  start(): void {
    this.scheduler.start();
  }

  /** The clock was pinned or reset: due timers, deadlines and back-offs must be re-checked now. */
  timeMoved(): void {
    this.scheduler.wake();
    this.jobWaiters.notifyAll();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.scheduler.stop();
    this.jobWaiters.close();
    this.completionWaiters.close();
    this.transitionWaiters.close();
    this.flush();
    this.closed = true;
    this.db.close();
  }

  private newContext(): Ctx {
    return {
      db: this.db,
      now: this.clock.now(),
      definition: (key) => this.definition(key),
      queue: [],
      flow: FLOW,
      jobTypesActivatable: new Set(),
      wakeScheduler: false,
      endedProcessInstances: new Set(),
      userTaskTransitionsEnded: new Set(),
    };
  }

  /** The command plus the token flow it caused; a transaction, or a savepoint inside a group commit. */
  private runCommand<T>(ctx: Ctx, command: (ctx: Ctx) => T): T {
    try {
      return withEvaluationTime(ctx.now, () =>
        this.db.transaction(() => {
          const value = command(ctx);
          drain(ctx);
          return value;
        })(),
      );
    } catch (error) {
      // Keys of a rolled-back command may be handed out again; forget anything cached under them.
      this.definitions.clear();
      throw error;
    }
  }

  /** After commit: wake job pollers, the scheduler and awaitCompletion requests. */
  private announce(ctx: Ctx): void {
    if (ctx.jobTypesActivatable.size > 0) this.jobWaiters.notify(ctx.jobTypesActivatable);
    if (ctx.wakeScheduler) this.scheduler.wake();
    if (ctx.endedProcessInstances.size > 0) this.completionWaiters.notify(ctx.endedProcessInstances);
    if (ctx.userTaskTransitionsEnded.size > 0) this.transitionWaiters.notify(ctx.userTaskTransitionsEnded);
  }

  /** Runs a command in its own transaction, synchronously (scheduler, tests). */
  run<T>(command: (ctx: Ctx) => T): T {
    const ctx = this.newContext();
    const result = this.runCommand(ctx, command);
    this.announce(ctx);
    return result;
  }

  /**
   * Runs a command with group commit: commands submitted in the same event-loop turn run one after
   * another, each in its own savepoint (a failing one changes nothing), and are committed together
   * with one fsync. Each promise settles only after that commit, so an answered command is durable.
   */
  execute<T>(command: (ctx: Ctx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ command, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const outcomes: Array<{ ok: true; ctx: Ctx; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      if (this.closed) throw new EngineError(503, 'UNAVAILABLE', 'The engine is shutting down; retry against the restarted engine.');
      this.db.transaction(() => {
        for (const item of batch) {
          const ctx = this.newContext();
          try {
            outcomes.push({ ok: true, ctx, value: this.runCommand(ctx, item.command) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      this.definitions.clear();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) {
        this.announce(outcome.ctx);
        item.resolve(outcome.value);
      } else {
        item.reject(outcome.error);
      }
    });
  }

  /**
   * Time-driven work that is due now: fires up to `limit` due timers (each in its own command),
   * times out expired job locks, ends retry back-offs (waking job pollers) and drops expired messages.
   * Returns the number of timers fired. Called by the scheduler, and directly by tests.
   */
  processDueWork(limit = Number.MAX_SAFE_INTEGER): number {
    const keys = dueTimerKeys({ db: this.db }, this.clock.now(), limit);
    for (const key of keys) {
      try {
        this.run((ctx) => fireTimer(ctx, key));
      } catch (error) {
        console.error(`engine: firing timer ${key} failed (it stays stored and is retried):`, error);
      }
    }
    this.run((ctx) => {
      timeOutJobs(ctx);
      releaseBackedOffJobs(ctx);
      deleteExpiredMessages(ctx);
    });
    // One chunk of a large parallel multi-instance per call: the scheduler comes back after other requests.
    for (const body of pendingMultiInstanceBodies({ db: this.db }, 1)) this.run((ctx) => continueMultiInstance(ctx, body));
    return keys.length;
  }

  /** Parallel multi-instance bodies still activating inner instances (work that is due now, whatever the clock). */
  hasPendingWork(): boolean {
    return pendingMultiInstanceBodies({ db: this.db }, 1).length > 0;
  }

  /**
   * Definitions stored by an engine whose compiler wrote another CompiledProcess format are compiled again from
   * their stored XML. One that the current compiler refuses keeps its stored model (its instances keep running as
   * before) and is reported. Returns what was recompiled and what was kept.
   */
  async recompileOutdated(): Promise<{ recompiled: number; kept: string[] }> {
    const rows = definitionsOfOtherFormat(this, COMPILED_FORMAT);
    const kept: string[] = [];
    let recompiled = 0;
    for (const row of rows) {
      let process: CompiledProcess | undefined;
      try {
        process = (await compileBpmn(row.xml, row.resource_name)).find((p) => p.id === row.bpmn_process_id);
      } catch (error) {
        kept.push(`${row.bpmn_process_id} (key ${row.key}): ${(error as Error).message}`);
        continue;
      }
      if (!process) {
        kept.push(`${row.bpmn_process_id} (key ${row.key}): the stored XML no longer yields this process`);
        continue;
      }
      this.run((ctx) => replaceCompiled(ctx, row.key, process, COMPILED_FORMAT));
      this.definitions.delete(row.key);
      recompiled++;
    }
    return { recompiled, kept };
  }

  definition(key: number): DeployedProcess {
    let deployed = this.definitions.get(key);
    if (!deployed) {
      const row = getStoredDefinition(this, key);
      if (!row) throw notFound(`Expected to find process definition with key '${key}', but none found.`);
      const { compiled, ...meta } = row;
      deployed = { row: meta, process: JSON.parse(compiled) };
      this.definitions.set(key, deployed);
    }
    return deployed;
  }

  /** Parses and validates every resource first (nothing is stored unless all are valid), then stores them. */
  async deploy(resources: Resource[]) {
    if (resources.length === 0) throw invalidArgument('Expected to deploy at least one resource, but none was given. Send the files in the multipart field "resources".');
    const processes: ParsedProcess[] = [];
    const forms: ParsedForm[] = [];
    const drgs: ParsedDrg[] = [];
    const problems: string[] = [];
    for (const resource of resources) {
      const text = resource.content.toString('utf8');
      try {
        if (resource.name.endsWith('.bpmn') || resource.name.endsWith('.xml')) {
          for (const process of await compileBpmn(text, resource.name)) processes.push({ resourceName: resource.name, xml: text, process });
        } else if (resource.name.endsWith('.form')) {
          forms.push({ resourceName: resource.name, ...parseForm(text, resource.name) });
        } else if (resource.name.endsWith('.dmn')) {
          drgs.push({ resourceName: resource.name, xml: text, drg: await compileDmn(text, resource.name) });
        } else {
          problems.push(`'${resource.name}': unsupported resource type. The engine deploys BPMN (.bpmn), DMN (.dmn) and Camunda Forms (.form).`);
        }
      } catch (error) {
        if (error instanceof BpmnDeployError) problems.push(error.message);
        else problems.push(`'${resource.name}': ${(error as Error).message}`);
      }
    }
    const ids = processes.map((p) => p.process.id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) problems.push(`The process id '${duplicate}' occurs in more than one resource of this deployment; each process id may be deployed once per deployment.`);
    problems.push(...duplicateDecisionProblems(drgs));
    if (problems.length > 0) throw invalidArgument(`Command 'CREATE' rejected with code 'INVALID_ARGUMENT': ${problems.join('\n')}`);
    try {
      return await this.execute((ctx) => storeDeployment(ctx, processes, forms, drgs));
    } catch (error) {
      if (error instanceof ElementFailure) throw invalidArgument(`Deployment rejected: ${error.message}`);
      throw error;
    }
  }
}

/** Zeebe refuses a deployment in which two DMN resources share a decision or decision requirements id. */
function duplicateDecisionProblems(drgs: ParsedDrg[]): string[] {
  const problems: string[] = [];
  const drgIds = drgs.map((d) => d.drg.id);
  const drgTwice = drgIds.find((id, i) => drgIds.indexOf(id) !== i);
  if (drgTwice) problems.push(`The decision requirements id '${drgTwice}' occurs in more than one resource of this deployment; each may be deployed once per deployment.`);
  const decisionIds = drgs.flatMap((d) => d.drg.decisions.map((x) => x.id));
  const decisionTwice = decisionIds.find((id, i) => decisionIds.indexOf(id) !== i);
  if (decisionTwice && !drgTwice) problems.push(`The decision id '${decisionTwice}' occurs in more than one resource of this deployment; each decision id may be deployed once per deployment.`);
  return problems;
}
