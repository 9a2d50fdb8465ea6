import { createHash } from 'node:crypto';
import { nextKey } from '../store/db';
import {
  closeStartEventWaitsOfOtherVersions, insertDefinition, insertDeployment, insertForm, insertStartEventSubscription, latestFormVersion, latestProcessVersion,
} from '../store/definitions';
import { COMPILED_FORMAT } from '../model';
import type { CompiledProcess } from '../model/types';
import type { Ctx } from './context';
import * as expr from './expressions';
import { insertTimer } from './waits';
import { storeDrg, type DeployedDecisionResult, type DeployedDrgResult, type ParsedDrg } from './decisions';

/**
 * Storing deployed resources. Parsing and validation happen before (engine/model, async); this runs
 * inside the deploy command's transaction. Versions count per process id / form id; deploying
 * identical content again returns the existing version, like Zeebe.
 */

export interface ParsedProcess {
  resourceName: string;
  xml: string;
  process: CompiledProcess;
}

export interface ParsedForm {
  resourceName: string;
  formId: string;
  schema: string;
  versionTag?: string;
}

export interface DeployedProcessResult {
  kind: 'process';
  key: number;
  bpmnProcessId: string;
  version: number;
  resourceName: string;
}

export interface DeployedFormResult {
  kind: 'form';
  key: number;
  formId: string;
  version: number;
  resourceName: string;
}

export type DeployedResource = DeployedProcessResult | DeployedFormResult | DeployedDecisionResult | DeployedDrgResult;

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

export function storeDeployment(ctx: Ctx, processes: ParsedProcess[], forms: ParsedForm[], drgs: ParsedDrg[] = []): { deploymentKey: number; resources: DeployedResource[] } {
  const deploymentKey = nextKey(ctx.db);
  insertDeployment(ctx, deploymentKey, ctx.now);
  const resources: DeployedResource[] = [];
  for (const drg of drgs) resources.push(...storeDrg(ctx, deploymentKey, drg));
  for (const form of forms) resources.push(storeForm(ctx, deploymentKey, form));
  for (const parsed of processes) resources.push(storeProcess(ctx, deploymentKey, parsed));
  return { deploymentKey, resources };
}

function storeForm(ctx: Ctx, deploymentKey: number, form: ParsedForm): DeployedFormResult {
  const sum = checksum(form.schema);
  const latest = latestFormVersion(ctx, form.formId);
  if (latest && latest.checksum === sum && latest.deleted_at === null) {
    return { kind: 'form', key: latest.key, formId: form.formId, version: latest.version, resourceName: form.resourceName };
  }
  const key = nextKey(ctx.db);
  const version = (latest?.version ?? 0) + 1;
  insertForm(ctx, {
    key, formId: form.formId, version, versionTag: form.versionTag ?? null, resourceName: form.resourceName, checksum: sum, schema: form.schema, deploymentKey,
  });
  return { kind: 'form', key, formId: form.formId, version, resourceName: form.resourceName };
}

function storeProcess(ctx: Ctx, deploymentKey: number, parsed: ParsedProcess): DeployedProcessResult {
  const { process } = parsed;
  // One BPMN file may hold several processes; the checksum covers the file and the process id.
  const sum = checksum(`${process.id}\n${parsed.xml}`);
  // Versions are never reused, also after a deletion; a deleted version is not handed out again for identical content.
  const latest = latestProcessVersion(ctx, process.id);
  if (latest && latest.checksum === sum && latest.deleted_at === null) {
    return { kind: 'process', key: latest.key, bpmnProcessId: process.id, version: latest.version, resourceName: parsed.resourceName };
  }
  const key = nextKey(ctx.db);
  const version = (latest?.version ?? 0) + 1;
  insertDefinition(ctx, {
    key, bpmnProcessId: process.id, version, name: process.name ?? null, versionTag: process.versionTag ?? null, resourceName: parsed.resourceName,
    checksum: sum, xml: parsed.xml, compiled: process, deploymentKey, compiledFormat: COMPILED_FORMAT,
  });
  openStartEventWaits(ctx, key, process);
  return { kind: 'process', key, bpmnProcessId: process.id, version, resourceName: parsed.resourceName };
}

/** Only the latest (not deleted) version of a process listens on its timer, message and signal start events. */
export function openStartEventWaits(ctx: Ctx, definitionKey: number, process: CompiledProcess): void {
  closeStartEventWaitsOfOtherVersions(ctx, process.id, definitionKey);
  ctx.wakeScheduler = true;
  for (const id of process.startEventIds) {
    const def = process.elements[id]?.eventDefinition;
    if (def?.kind === 'timer') {
      // Start timers are evaluated without variables (there is no instance yet).
      const schedule = expr.scheduleTimer(def.timer, {}, ctx.now, id);
      insertTimer(ctx, {
        dueAt: Date.parse(schedule.dueAt), remaining: schedule.remaining, interval: schedule.interval ?? null, elementId: id,
        elementInstanceKey: null, processInstanceKey: null, processDefinitionKey: definitionKey,
      });
    } else if (def?.kind === 'message' || def?.kind === 'signal') {
      insertStartEventSubscription(ctx, nextKey(ctx.db), def.kind, def.kind === 'message' ? def.messageName : def.signalName, id, definitionKey);
    }
  }
}
