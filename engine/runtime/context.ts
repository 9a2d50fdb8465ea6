import type { Db } from '../store/db';
import type { CompiledProcess } from '../model/types';
import type { ProcessDefinitionRow } from '../store/definitions';
import type { ElementInstanceRow } from '../store/elementInstances';
import type { RetryStep as Step } from '../store/incidents';

export type { ProcessDefinitionRow } from '../store/definitions';

export interface DeployedProcess {
  row: ProcessDefinitionRow;
  process: CompiledProcess;
}

export type { ElementInstanceRow } from '../store/elementInstances';
export type { RetryStep as Step } from '../store/incidents';

/** Runtime extras of an element instance, stored as JSON with it. */
export interface ElementData {
  /** An inner instance of a multi-instance body. */
  inner?: boolean;
  /** Activated because its event already happened (boundary, event-gateway target, event sub-process start). */
  triggered?: boolean;
  /** Variables to apply when the element completes (job/task completion, message or signal payload). */
  triggerVars?: Record<string, unknown>;
  /** Start event to begin with (process started by message/timer/signal, event sub-process). */
  startEventId?: string;
  /** Variables to set on the start event trigger of a scope. */
  startVars?: Record<string, unknown>;
  childProcessInstanceKey?: number;
  /** A completed activity whose compensation handler already ran (it is compensated once). */
  compensated?: boolean;
  /** A compensation throw/end event: the completed activities whose handlers are still to run, in order. */
  compensationPending?: number[];
  /** Execution listeners of each event type that began (value: how many completed); see runtime/listeners.ts. */
  listeners?: { start?: number; end?: number };
  /** A compensation handler instance: the throw/end event waiting for it. */
  compensationThrowKey?: number;
  /**
   * Multi-instance body counters; the items (and the inner instances' output elements) are rows of `mi_items`,
   * so completing one inner instance reads and writes a constant amount whatever the collection size.
   * `items` is the pre-schema-4 form (the whole collection inline), still read for bodies started before.
   */
  mi?: { count?: number; items?: unknown[]; completed: number; nextIndex: number };
}

/**
 * The token-flow operations other runtime modules need (events, instances, incidents, jobs, user tasks).
 * They reach them through the command context instead of importing elements.ts, so engine/runtime has no
 * import cycles; elements.ts provides them (`FLOW`).
 */
export interface Flow {
  /** Queues a lifecycle step of an element instance; it runs after the current step (run-to-completion). */
  schedule(ctx: Ctx, key: number, step: Step, jobKey?: number): void;
  /** Creates an element instance in `scope` and schedules its entry. */
  activate(ctx: Ctx, scope: ElementInstanceRow, elementId: string, opts?: { data?: ElementData; localVars?: Record<string, unknown> }): ElementInstanceRow;
  /** Terminates an element and everything below it. */
  terminate(ctx: Ctx, ei: ElementInstanceRow): void;
}

/**
 * Everything one command needs while it runs inside its transaction. `now` is fixed for the whole
 * command (one logical instant, like a Zeebe record's timestamp); the sets collect what must be
 * announced after commit (job types that became activatable, timers that changed).
 */
export interface Ctx {
  db: Db;
  now: number;
  definition(key: number): DeployedProcess;
  /** Deferred steps, run in order until every token waits (run-to-completion). */
  queue: Array<() => void>;
  flow: Flow;
  jobTypesActivatable: Set<string>;
  /** Timers or job deadlines changed: the scheduler must recompute when it next wakes up. */
  wakeScheduler: boolean;
  /** Process instances that completed or were terminated (for awaitCompletion requests). */
  endedProcessInstances: Set<number>;
  /** User tasks whose transition with task listeners ended (for the requests waiting for it). */
  userTaskTransitionsEnded: Set<number>;
}
