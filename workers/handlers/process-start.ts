import type { SqlDb } from '../../common/storage/db';
import { z } from 'zod';
import type { CamundaClient } from '../../common/camunda';
import { ConfigError } from '../config';
import type { Deps } from '../deps';
import { defineHandler } from '../framework';
import { caseRefSchema } from './common';

/**
 * Starts the next process of the client's case (vk-placeringsforfragan → vk-under-placering at admission) with the
 * same caseRef and the variables already known. Through the official client's createProcessInstance, so it works
 * on a Camunda 8 cluster. Chosen over a message start event because there the message's variables arrive only
 * after the process has opened its event subprocesses, whose correlation key (=caseRef) then cannot be resolved;
 * chosen over a call activity so placeringsförfrågan ends at admission and a message such as `orosanmalan` does not
 * reach two processes of the same client.
 *
 * At most one instance per job: the job key is recorded with the instance key; before creating, an active
 * instance of the process with the same caseRef is looked for (covers a crash between create and record).
 */
export class ProcessStarts {
  constructor(private readonly db: SqlDb) {}
  async byJob(jobKey: string): Promise<string | undefined> {
    return (await this.db.get<{ process_instance_key: string }>('SELECT process_instance_key FROM process_starts WHERE job_key = ?', [jobKey]))?.process_instance_key;
  }
  async record(jobKey: string, caseRef: string, processId: string, processInstanceKey: string, at: string): Promise<void> {
    await this.db.run('INSERT INTO process_starts (job_key, case_ref, process_id, process_instance_key, started_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING', [jobKey, caseRef, processId, processInstanceKey, at]);
  }
}

/** Search without waiting for eventual consistency (a retry comes at least a job timeout later). */
const CONSISTENT = { consistency: { waitUpToMs: 0 } } as never;

/** An ACTIVE instance of `processId` whose caseRef is `caseRef`, if the cluster knows one. */
export async function activeInstanceOf(client: CamundaClient, processId: string, caseRef: string): Promise<string | undefined> {
  const vars = await client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never, page: { limit: 100 } as never } as never, CONSISTENT);
  for (const v of (vars as { items?: Array<{ processInstanceKey?: unknown; scopeKey?: unknown }> }).items ?? []) {
    if (String(v.scopeKey) !== String(v.processInstanceKey)) continue; // only process-level caseRef variables
    const pi = await client.getProcessInstance({ processInstanceKey: v.processInstanceKey as never } as never, CONSISTENT) as { state?: string; processDefinitionId?: string };
    if (pi.state === 'ACTIVE' && pi.processDefinitionId === processId) return String(v.processInstanceKey);
  }
  return undefined;
}

export const processStart = (deps: Deps) => defineHandler({
  type: 'vk.process.start',
  headers: z.object({ processId: z.enum(['vk-under-placering']) }),
  variables: z.looseObject({
    caseRef: caseRefSchema(deps),
    kommun: z.string().min(1),
    startVariables: z.record(z.string(), z.unknown()).default({}),
  }),
  async handle({ variables: v, headers, job }) {
    if (!deps.client) throw new ConfigError('vk.process.start needs the Camunda client (workers started without one).');
    let key = await deps.processStarts.byJob(job.jobKey) ?? await activeInstanceOf(deps.client, headers.processId, v.caseRef);
    let created = false;
    if (!key) {
      // Nulls would only say "unknown"; the started process asks for what is missing.
      const known = Object.fromEntries(Object.entries(v.startVariables).filter(([, x]) => x !== null && x !== undefined));
      const pi = await deps.client.createProcessInstance({ processDefinitionId: headers.processId as never, variables: { ...known, caseRef: v.caseRef, kommun: v.kommun } } as never);
      key = String((pi as { processInstanceKey: unknown }).processInstanceKey);
      created = true;
    }
    await deps.processStarts.record(job.jobKey, v.caseRef, headers.processId, key, deps.now().toISO()!);
    await deps.audit.record({ actor: deps.actor, action: created ? 'case.process-started' : 'case.process-start-duplicate-suppressed', caseRef: v.caseRef, details: { processId: headers.processId, processInstanceKey: key, startedBy: job.processInstanceKey } });
    return { underPlaceringKey: key };
  },
});
