import { definitionKeyByVersion, processInstanceState } from '../store/processInstances';
import { variablesOfScope } from '../store/variables';
import type { Ctx, DeployedProcess } from './context';
import { EngineError, invalidArgument, notFound } from './errors';
import { createProcessInstance, isLiveDefinition, latestDefinitionById } from './instances';
import type { Waiters } from './waiters';

/** The create-process-instance command of the API: which definition it names, starting it, and awaiting its end. */

export type DefinitionReference = { processDefinitionKey: number } | { processDefinitionId: string; processDefinitionVersion?: number };

/** The definition a create request names: by key, by id and version, or the latest version of the id (version -1 or none). */
export function resolveStartDefinition(ctx: Ctx, ref: DefinitionReference): DeployedProcess {
  if ('processDefinitionKey' in ref) {
    if (!isLiveDefinition(ctx, ref.processDefinitionKey)) {
      throw notFound(`Expected to find process definition with key '${ref.processDefinitionKey}', but none found.`);
    }
    return ctx.definition(ref.processDefinitionKey);
  }
  if (ref.processDefinitionVersion !== undefined && ref.processDefinitionVersion !== -1) {
    const key = definitionKeyByVersion(ctx, ref.processDefinitionId, ref.processDefinitionVersion);
    if (key === undefined) throw notFound(`Expected to find process definition with process ID '${ref.processDefinitionId}' and version '${ref.processDefinitionVersion}', but none found.`);
    return ctx.definition(key);
  }
  const deployed = latestDefinitionById(ctx, ref.processDefinitionId);
  if (!deployed) throw notFound(`Expected to find process definition with process ID '${ref.processDefinitionId}', but none found. Deploy it first.`);
  return deployed;
}

/** Starts an instance at the none start event of the named definition (one without it starts only by its event). */
export function startProcessInstance(ctx: Ctx, ref: DefinitionReference, variables: Record<string, unknown>, tags: string[] | undefined): { key: number; deployed: DeployedProcess } {
  const deployed = resolveStartDefinition(ctx, ref);
  if (!deployed.process.startEventIds.some((id) => { const d = deployed.process.elements[id]?.eventDefinition; return !d || d.kind === 'none'; })) {
    throw invalidArgument(`Process '${deployed.row.bpmn_process_id}' has no none start event; it can only be started by its message, timer or signal start event.`);
  }
  return { key: createProcessInstance(ctx, deployed, variables, { tags }), deployed };
}

/** Default wait of awaitCompletion when the request sets no requestTimeout. */
const DEFAULT_AWAIT_TIMEOUT = 10_000;

export interface CompletionSource {
  db: Ctx['db'];
  readonly closing: boolean;
  readonly completionWaiters: Waiters<number>;
}

/** Waits until the instance ended; returns its root variables (all, or the requested ones). 504 after the timeout. */
export async function awaitCompletion(engine: CompletionSource, key: number, requestTimeout: number | undefined, fetch: string[] | undefined): Promise<Record<string, unknown>> {
  const deadline = Date.now() + (requestTimeout || DEFAULT_AWAIT_TIMEOUT);
  while (processInstanceState(engine, key) === 'ACTIVE') {
    const remaining = deadline - Date.now();
    if (remaining <= 0 || engine.closing) {
      throw new EngineError(504, 'DEADLINE_EXCEEDED', `Process instance ${key} did not complete within ${requestTimeout || DEFAULT_AWAIT_TIMEOUT} ms. It keeps running; query it by key.`);
    }
    await engine.completionWaiters.wait(key, remaining);
  }
  const wanted = fetch && fetch.length > 0 ? new Set(fetch) : undefined;
  return Object.fromEntries(variablesOfScope(engine, key).filter((r) => !wanted || wanted.has(r.name)).map((r) => [r.name, JSON.parse(r.value)]));
}
