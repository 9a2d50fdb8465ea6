import type { AuditLog } from '../common/audit';
import type { CamundaClient } from '../common/camunda';
import type { DeployFile } from './files';
import { withVersionTag } from './version-tag';

export interface DeployedProcess { processDefinitionId: string; version: number; key: string; resourceName: string }
export interface DeployedForm { formId: string; version: number; key: string }
export interface DeployedDecision { decisionDefinitionId: string; version: number; key: string; decisionRequirementsId: string }
export interface DeploySummary { processes: DeployedProcess[]; forms: DeployedForm[]; decisions: DeployedDecision[] }

const toFile = (f: DeployFile) =>
  new File([f.content], f.name, { type: f.kind === 'form' ? 'application/json' : 'application/xml' });

const GROUP_NAMES = { form: 'forms', dmn: 'decisions', bpmn: 'diagrams' } as const;

/** Who deploys and why: recorded in the audit log for every deployed process and form version. */
export interface DeployMeta {
  audit: Pick<AuditLog, 'record'>;
  /** User id (web modeler) or `cli:<os user>` (npm run deploy) or `npm-start`. */
  actor: string;
  note?: string;
  /** Written into each diagram's executable processes (zeebe:versionTag) and each form (`versionTag`) before deploying. */
  versionTag?: string;
}

/**
 * Deploys forms first (user tasks link them by formId), then decisions (business rule tasks call them by decision
 * id), then diagrams, each group as one deployment (atomic: a rejected resource deploys nothing of its group). Lint before calling this. With `meta`, each deployed
 * version gets an audit entry (`process.deployed` / `decision.deployed` / `form.deployed`: who, why, version, key) — the record the web
 * modeler's version list reads, since the Camunda API keeps no deployer or deployment time.
 * Errors carry the cluster's answer (problem+json detail) and the group that failed.
 */
export async function deployAll(client: CamundaClient, files: DeployFile[], meta?: DeployMeta): Promise<DeploySummary> {
  const summary: DeploySummary = { processes: [], forms: [], decisions: [] };
  if (meta?.versionTag) files = await Promise.all(files.map((f) => withVersionTag(f, meta.versionTag!)));
  for (const kind of ['form', 'dmn', 'bpmn'] as const) {
    const group = files.filter((f) => f.kind === kind);
    if (group.length === 0) continue;
    let result;
    try {
      result = await client.createDeployment({ resources: group.map(toFile) });
    } catch (e) {
      const names = group.length <= 5 ? group.map((f) => f.name).join(', ') : `${group.length} files`;
      throw new Error(`deploying ${GROUP_NAMES[kind]} (${names}) failed: ${describeError(e)}`);
    }
    for (const d of result.decisions) {
      summary.decisions.push({ decisionDefinitionId: String(d.decisionDefinitionId), version: Number(d.version), key: String(d.decisionDefinitionKey), decisionRequirementsId: String(d.decisionRequirementsId) });
    }
    for (const f of result.forms) summary.forms.push({ formId: String(f.formId), version: Number(f.version), key: String(f.formKey) });
    for (const p of result.processes) {
      summary.processes.push({ processDefinitionId: p.processDefinitionId, version: p.processDefinitionVersion, key: String(p.processDefinitionKey), resourceName: p.resourceName });
    }
  }
  if (meta) {
    const common = { note: meta.note ?? null, versionTag: meta.versionTag ?? null };
    for (const d of summary.decisions) {
      await meta.audit.record({ actor: meta.actor, action: 'decision.deployed', details: { decisionDefinitionId: d.decisionDefinitionId, version: d.version, decisionDefinitionKey: d.key, decisionRequirementsId: d.decisionRequirementsId, ...common } });
    }
    for (const f of summary.forms) await meta.audit.record({ actor: meta.actor, action: 'form.deployed', details: { formId: f.formId, version: f.version, formKey: f.key, ...common } });
    for (const p of summary.processes) {
      await meta.audit.record({ actor: meta.actor, action: 'process.deployed', details: { processDefinitionId: p.processDefinitionId, version: p.version, processDefinitionKey: p.key, resourceName: p.resourceName, ...common } });
    }
  }
  return summary;
}

/** The most useful text of an SDK/HTTP error: problem+json `detail`/`title` when present, else the message. */
export function describeError(e: unknown): string {
  const err = e as { message?: string; status?: number; body?: unknown; response?: { status?: number } };
  const body = (err.body ?? {}) as { title?: string; detail?: string };
  const status = err.status ?? err.response?.status;
  const detail = [body.title, body.detail].filter(Boolean).join(': ');
  // network errors: the root cause (e.g. "connect ECONNREFUSED 127.0.0.1:8080") is at the end of the cause chain
  let root: unknown = e;
  while ((root as { cause?: unknown })?.cause) root = (root as { cause: unknown }).cause;
  const cause = root !== e && root instanceof Error ? ` (${root.message})` : '';
  return [status ? `HTTP ${status}` : '', (detail || err.message || String(e)) + cause].filter(Boolean).join(' ');
}

export function formatSummary(s: DeploySummary): string {
  const lines = ['Deployed forms:'];
  for (const f of s.forms) lines.push(`  ${f.formId.padEnd(36)} version ${String(f.version).padEnd(4)} key ${f.key}`);
  if (s.decisions.length > 0) lines.push('Deployed decisions:');
  for (const d of s.decisions) lines.push(`  ${d.decisionDefinitionId.padEnd(36)} version ${String(d.version).padEnd(4)} key ${d.key}`);
  lines.push('Deployed processes:');
  for (const p of s.processes) lines.push(`  ${p.processDefinitionId.padEnd(36)} version ${String(p.version).padEnd(4)} key ${p.key}`);
  return lines.join('\n');
}
