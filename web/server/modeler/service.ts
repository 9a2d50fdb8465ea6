/**
 * The process owners' modeler: reads the deployed diagrams from Camunda (process definitions and their XML through
 * the official client), lints with deploy/lint.ts and deploys with deploy/deploy.ts — the same functions
 * `npm run deploy` runs — recording who deployed which version and why in the audit log.
 *
 * Forms: the 8.8 Orchestration Cluster API returns a form only through a user task or a start event that links it
 * (no "get form by id"). The form editor opens the newest of: the form of the newest user task that links it
 * (getUserTaskForm, with its deployed version), the last version deployed from here (kept in web.sqlite with the
 * exact content), and — when the engine has shown neither — the project's forms/ file, which `npm start` and
 * `npm run deploy` deploy.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditLog } from '../../../common/audit';
import type { CamundaClient } from '../../../common/camunda';
import { deployAll, type DeploySummary } from '../../../deploy/deploy';
import type { DeployFile } from '../../../deploy/files';
import { lintFile, loadLintConfig, type LintProblem } from '../../../deploy/lint';
import type { SessionUser } from '../auth/user';
import { NOW, statusOf } from '../camunda-util';
import { UserError, forbidden, notFound } from '../errors';
import { PROJECT_ROOT } from '../../../common/paths';

export const PROCESS_OWNER_GROUP = 'processagare';
const ROOT = PROJECT_ROOT;

export interface ProcessVersion {
  key: string;
  processDefinitionId: string;
  name: string;
  version: number;
  versionTag?: string;
  resourceName: string;
  deployedBy?: string;
  deployedAt?: string;
  note?: string;
  activeInstances: number;
}

export type FormSource = 'engine' | 'modeler' | 'repo';
export interface FormSummary { formId: string; source: 'modeler' | 'repo'; version?: number; deployedBy?: string; deployedAt?: string }

export class ModelerError extends UserError {}

export class ModelerService {
  private readonly formsDir: string;
  private readonly root: string;
  constructor(private readonly d: { client: CamundaClient; audit: AuditLog; db: Database.Database; now: () => Date; root?: string }) {
    this.root = d.root ?? ROOT;
    this.formsDir = path.join(this.root, 'forms');
    d.db.exec(`CREATE TABLE IF NOT EXISTS modeler_forms (
      form_id TEXT NOT NULL, version INTEGER NOT NULL, form_key TEXT NOT NULL, content TEXT NOT NULL,
      deployed_by TEXT NOT NULL, deployed_at TEXT NOT NULL, PRIMARY KEY (form_id, form_key))`);
  }

  /** Only `processagare` may model; every refusal is audited with what was asked for. */
  async authorize(user: SessionUser, what: string): Promise<void> {
    if (user.groups.includes(PROCESS_OWNER_GROUP)) return;
    await this.d.audit.record({ actor: user.id, action: 'modeler.denied', details: { what } });
    throw forbidden('Modelleringen är till för processägare (gruppen processagare). Be din chef om behörigheten om du ska ändra processerna.');
  }

  /** The latest version of every deployed process, by id. */
  async processes(): Promise<ProcessVersion[]> {
    const all = await this.definitions({});
    const latest = new Map<string, ProcessVersion>();
    for (const p of all) if ((latest.get(p.processDefinitionId)?.version ?? 0) < p.version) latest.set(p.processDefinitionId, p);
    return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name, 'sv'));
  }

  /** Every deployed version of one process, newest first, with who deployed it, when and why, and its running instances. */
  async versions(processDefinitionId: string): Promise<ProcessVersion[]> {
    const list = (await this.definitions({ processDefinitionId })).sort((a, b) => b.version - a.version);
    if (list.length === 0) throw notFound(`Processen ${processDefinitionId} är inte driftsatt. Välj en process i listan.`);
    await Promise.all(list.map(async (v) => {
      const res = await this.d.client.searchProcessInstances({ filter: { processDefinitionKey: v.key, state: 'ACTIVE' } as never, page: { limit: 1 } } as never, NOW);
      v.activeInstances = Number(res.page?.totalItems ?? res.items?.length ?? 0);
    }));
    return list;
  }

  private async definitions(filter: Record<string, unknown>): Promise<ProcessVersion[]> {
    const out: ProcessVersion[] = [];
    let after: string | undefined;
    const deployed = await this.deployments('process.deployed', 'processDefinitionKey');
    for (;;) {
      const page: Record<string, unknown> = { limit: 500 };
      if (after) page.after = after;
      const res = await this.d.client.searchProcessDefinitions({ filter: filter as never, page: page as never } as never, NOW);
      for (const p of res.items ?? []) {
        const key = String(p.processDefinitionKey);
        const who = deployed.get(key);
        out.push({
          key, processDefinitionId: String(p.processDefinitionId), name: p.name || String(p.processDefinitionId), version: Number(p.version),
          versionTag: p.versionTag || undefined, resourceName: p.resourceName || `${p.processDefinitionId}.bpmn`,
          deployedBy: who?.actor, deployedAt: who?.at, note: (who?.details?.note as string | null) ?? undefined, activeInstances: 0,
        });
      }
      after = res.page?.endCursor as string | undefined;
      if (!after || (res.items?.length ?? 0) < 500) break;
    }
    return out;
  }

  /** The first audit entry per deployed key (a redeploy of unchanged files by `npm start` returns the same key). */
  private async deployments(action: string, keyField: string): Promise<Map<string, AuditEntry>> {
    const byKey = new Map<string, AuditEntry>();
    for (const e of await this.d.audit.query({ action, limit: 100_000 })) byKey.set(String(e.details?.[keyField]), e); // newest first → oldest wins
    return byKey;
  }

  /** The deployed XML of one process version. */
  async xml(key: string): Promise<{ xml: string; version: ProcessVersion }> {
    if (!/^\d{1,20}$/.test(key)) throw notFound('Versionen finns inte. Välj en version i listan.');
    let def;
    try {
      def = await this.d.client.getProcessDefinition({ processDefinitionKey: key as never }, NOW);
    } catch (e) {
      if (statusOf(e) === 404) throw notFound('Versionen finns inte. Välj en version i listan.');
      throw e;
    }
    const [version] = (await this.definitions({ processDefinitionKey: key }));
    const xml = await this.d.client.getProcessDefinitionXml({ processDefinitionKey: key as never }, NOW);
    return { xml: String(xml), version: version ?? { key, processDefinitionId: String(def.processDefinitionId), name: def.name ?? '', version: Number(def.version), resourceName: def.resourceName ?? '', activeInstances: 0 } };
  }

  forms(): FormSummary[] {
    const fromRepo = fs.readdirSync(this.formsDir).filter((f) => f.endsWith('.form')).map((f) => f.replace(/\.form$/, ''));
    const rows = this.d.db.prepare('SELECT form_id, MAX(version) AS version, deployed_by, deployed_at FROM modeler_forms GROUP BY form_id').all() as Array<{ form_id: string; version: number; deployed_by: string; deployed_at: string }>;
    const deployed = new Map(rows.map((r) => [r.form_id, r]));
    const ids = [...new Set([...fromRepo, ...deployed.keys()])].sort();
    return ids.map((formId) => {
      const r = deployed.get(formId);
      return r ? { formId, source: 'modeler', version: r.version, deployedBy: r.deployed_by, deployedAt: r.deployed_at } : { formId, source: 'repo' };
    });
  }

  /** The form's newest content (see the file comment for where it comes from). */
  async form(formId: string): Promise<{ formId: string; content: string; source: FormSource; version?: number }> {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/.test(formId)) throw notFound('Formuläret finns inte. Välj ett formulär i listan.');
    const row = this.d.db.prepare('SELECT content, version FROM modeler_forms WHERE form_id = ? ORDER BY version DESC LIMIT 1').get(formId) as { content: string; version: number } | undefined;
    const fromEngine = await this.formFromEngine(formId);
    if (fromEngine && (!row || fromEngine.version > row.version)) return { formId, content: JSON.stringify(fromEngine.schema, null, 2), source: 'engine', version: fromEngine.version };
    if (row) return { formId, content: row.content, source: 'modeler', version: row.version };
    const file = path.join(this.formsDir, `${formId}.form`);
    if (!fs.existsSync(file)) throw notFound('Formuläret finns inte. Välj ett formulär i listan.');
    return { formId, content: fs.readFileSync(file, 'utf8'), source: 'repo' };
  }

  /** The form as the engine hands it to the newest user task (of any version) at an element that links `formId` in the latest diagram. */
  private async formFromEngine(formId: string): Promise<{ schema: unknown; version: number } | undefined> {
    const linked = new RegExp(`<(?:\\w+:)?userTask\\b[^>]*\\bid="([^"]+)"(?:(?!</(?:\\w+:)?userTask>)[\\s\\S])*?formId="${formId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'g');
    let best: { schema: unknown; version: number } | undefined;
    for (const p of await this.processes()) {
      const xml = String(await this.d.client.getProcessDefinitionXml({ processDefinitionKey: p.key as never }, NOW));
      for (const [, elementId] of xml.matchAll(linked)) {
        const res = await this.d.client.searchUserTasks({ filter: { processDefinitionId: p.processDefinitionId, elementId } as never, sort: [{ field: 'creationDate', order: 'DESC' }] as never, page: { limit: 1 } } as never, NOW);
        const task = res.items?.[0];
        if (!task) continue;
        const form = await this.d.client.getUserTaskForm({ userTaskKey: task.userTaskKey }, NOW).catch(() => undefined);
        if (form && form.formId === formId && (!best || Number(form.version) > best.version)) best = { schema: typeof form.schema === 'string' ? JSON.parse(form.schema) : form.schema, version: Number(form.version) };
      }
    }
    return best;
  }

  /** Lints a diagram or form with the project's rules (.bpmnlintrc, Camunda's form linter). */
  async lint(file: DeployFile): Promise<LintProblem[]> {
    return (await lintFile(file, loadLintConfig(this.root), this.root)).problems;
  }

  /**
   * Lints, then deploys one diagram or form as a new version. Lint errors refuse the deployment (422, with the
   * Swedish problems). A diagram must still define the process it was opened as, so a slip in the id field does not
   * create a stray process. Running instances keep the version they started on (Zeebe never migrates by itself).
   */
  async deploy(user: SessionUser, req: { kind: 'bpmn' | 'form'; expectedId: string; content: string; versionTag?: string; note: string }): Promise<{ summary: DeploySummary; problems: LintProblem[] }> {
    const name = req.kind === 'bpmn' ? `${req.expectedId}.bpmn` : `${req.expectedId}.form`;
    const file: DeployFile = { kind: req.kind, name, path: name, content: req.content };
    const problems = await this.lint(file);
    const errors = problems.filter((p) => p.category === 'error');
    if (errors.length) {
      await this.d.audit.record({ actor: user.id, action: 'modeler.deploy.refused', details: { kind: req.kind, id: req.expectedId, errors: errors.length } });
      throw new ModelerError(422, `Driftsättningen stoppades: ${errors.length === 1 ? 'ett fel' : `${errors.length} fel`} måste rättas först. Ingenting har driftsatts.`, { problems });
    }
    const definesId = req.kind === 'bpmn'
      ? new RegExp(`<(\\w+:)?process\\b[^>]*\\bid="${req.expectedId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(req.content)
      : (JSON.parse(req.content) as { id?: string }).id === req.expectedId;
    if (!definesId) {
      throw new ModelerError(422, `${req.kind === 'bpmn' ? 'Diagrammet' : 'Formuläret'} har inte längre id ${req.expectedId}. Ändra tillbaka id:t i egenskapspanelen; ett nytt id skulle skapa en ny process i stället för en ny version.`, { problems });
    }
    let summary: DeploySummary;
    try {
      summary = await deployAll(this.d.client, [file], { audit: this.d.audit, actor: user.id, note: req.note, versionTag: req.versionTag || undefined });
    } catch (e) {
      // deployAll's message carries the engine's own answer (HTTP status and problem detail, in English)
      const message = (e as Error).message;
      throw new ModelerError(/HTTP 4\d\d/.test(message) ? 422 : 502, `Processmotorn tog inte emot ${req.kind === 'bpmn' ? 'diagrammet' : 'formuläret'}, ingenting har driftsatts. Rätta och försök igen. Motorns svar: ${message}`, { problems });
    }
    for (const f of summary.forms) {
      const content = req.versionTag ? JSON.stringify({ ...JSON.parse(req.content), versionTag: req.versionTag }, null, 2) : req.content;
      this.d.db.prepare('INSERT OR IGNORE INTO modeler_forms (form_id, version, form_key, content, deployed_by, deployed_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(f.formId, f.version, f.key, content, user.id, this.d.now().toISOString());
    }
    return { summary, problems };
  }
}
