import type { Db } from '../store/db';
import type { CompiledProcess } from '../model/types';

export interface ProcessDefinitionRow {
  key: number;
  bpmn_process_id: string;
  version: number;
  name: string | null;
  version_tag: string | null;
  resource_name: string;
  checksum: string;
  deployment_key: number;
}

export interface DeployedProcess {
  row: ProcessDefinitionRow;
  process: CompiledProcess;
}

export interface ElementInstanceRow {
  key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  element_id: string;
  element_name: string | null;
  element_type: string;
  flow_scope_key: number | null;
  state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED';
  start_date: number;
  end_date: number | null;
  incident_key: number | null;
  data: string;
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
  jobTypesActivatable: Set<string>;
  /** Timers or job deadlines changed: the scheduler must recompute when it next wakes up. */
  wakeScheduler: boolean;
  /** Process instances that completed or were terminated (for awaitCompletion requests). */
  endedProcessInstances: Set<number>;
}
