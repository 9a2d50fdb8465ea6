import crypto from 'node:crypto';
import type { CamundaClient } from '../../../common/camunda';
import type { AuditEntry, AuditLog } from '../../../common/audit';
import { managedKommuner, userKommun, type SessionUser } from '../auth/user';
import { NOW, statusOf, variablesOf } from '../camunda-util';
import { UserError, forbidden, notFound } from '../errors';

/** Processes a user can start from the web app, with the groups allowed to start them. */
export const STARTABLE: ReadonlyArray<{ id: string; label: string; groupPrefix: string }> = [
  { id: 'vk-placeringsforfragan', label: 'Ny placeringsförfrågan (inför placering)', groupPrefix: 'socialsekreterare-' },
  { id: 'vk-flytt-ekeliden-novus', label: 'Flytt mellan Ekeliden och Novus', groupPrefix: 'socialsekreterare-' },
  { id: 'vk-infor-hemflytt', label: 'Inför hemflytt', groupPrefix: 'socialsekreterare-' },
  { id: 'vk-sip', label: 'Samordnad individuell plan (SIP)', groupPrefix: 'socialsekreterare-' },
  { id: 'vk-under-placering', label: 'Under placering', groupPrefix: 'socialsekreterare-' },
];

export interface CaseStep { elementId: string; name: string; type: string; state: string; startDate: string; endDate?: string }
export interface CaseTask { userTaskKey: string; elementId: string; name: string; state: string; assignee?: string; candidateGroups: string[]; creationDate?: string; completionDate?: string; dueDate?: string; overdue: boolean }
export interface CaseView {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processName: string;
  state: string;
  startDate: string;
  endDate?: string;
  caseRef?: string;
  kommun?: string;
  activeElementIds: string[];
  overdueElementIds: string[];
  completedElementIds: string[];
  history: CaseStep[];
  tasks: CaseTask[];
  deadlines: Array<{ name: string; value: string; passed: boolean }>;
  escalations: AuditEntry[];
}

export interface CaseDeps { client: CamundaClient; audit: AuditLog; now: () => Date }

/** New pseudonymous case reference `VK-<year>-<6 random digits>`. */
export function newCaseRef(now: Date): string {
  return `VK-${now.getUTCFullYear()}-${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

export class CaseService {
  constructor(private readonly d: CaseDeps) {}

  startableFor(user: SessionUser) {
    const kommun = userKommun(user);
    return kommun && user.groups.includes(`socialsekreterare-${kommun}`) ? STARTABLE : [];
  }

  async start(user: SessionUser, processId: string): Promise<{ processInstanceKey: string; caseRef: string }> {
    const def = this.startableFor(user).find((p) => p.id === processId);
    if (!def) throw forbidden('Du kan inte starta den här processen. Endast socialsekreterare startar ärenden i sin kommun.');
    const kommun = userKommun(user)!;
    const caseRef = newCaseRef(this.d.now());
    const pi = await this.d.client.createProcessInstance({ processDefinitionId: processId as never, variables: { caseRef, kommun } });
    this.d.audit.record({ actor: user.id, action: 'case.started', caseRef, details: { processDefinitionId: processId, processInstanceKey: String(pi.processInstanceKey), kommun } });
    return { processInstanceKey: String(pi.processInstanceKey), caseRef };
  }

  /**
   * May the user open this case? Managers: chef-region all, chef-<kommun> their kommun. Others: they have (had) a
   * task in it or belong to a candidate group of one of its tasks.
   */
  async assertAccess(user: SessionUser, processInstanceKey: string, kommun: string | undefined, tasks: CaseTask[]): Promise<void> {
    const managed = managedKommuner(user);
    if (managed === 'all' || (kommun && managed.includes(kommun))) return;
    const involved = tasks.some((t) => t.assignee === user.id || t.candidateGroups.some((g) => user.groups.includes(g)));
    if (!involved) throw forbidden('Du har inte behörighet till det här ärendet: det tillhör en annan kommun eller grupp.');
  }

  /** The case for the case view; every read (and every refused attempt) is written to the audit log. */
  async get(user: SessionUser, processInstanceKey: string): Promise<CaseView> {
    const c = await this.load(user, processInstanceKey);
    this.d.audit.record({ actor: user.id, action: 'case.read', caseRef: c.caseRef, details: { processInstanceKey } });
    return c;
  }

  private async load(user: SessionUser, processInstanceKey: string): Promise<CaseView> {
    if (!/^\d{1,20}$/.test(processInstanceKey)) throw notFound('Ärendet finns inte. Kontrollera länken.');
    let pi;
    try {
      pi = await this.d.client.getProcessInstance({ processInstanceKey: processInstanceKey as never }, NOW as never);
    } catch (err) {
      if (statusOf(err) === 404) throw notFound('Ärendet finns inte. Kontrollera länken.');
      throw err;
    }
    const vars = (await variablesOf(this.d.client, [processInstanceKey])).get(processInstanceKey) ?? {};
    const caseRef = typeof vars.caseRef === 'string' ? vars.caseRef : undefined;
    const kommun = typeof vars.kommun === 'string' ? vars.kommun : undefined;
    const now = this.d.now().getTime();
    const taskRes = await this.d.client.searchUserTasks({ filter: { processInstanceKey } as never, page: { limit: 500 } as never }, NOW);
    const tasks: CaseTask[] = taskRes.items.map((t) => ({
      userTaskKey: String(t.userTaskKey), elementId: String(t.elementId ?? ''), name: t.name ?? String(t.elementId), state: String(t.state),
      assignee: t.assignee ?? undefined, candidateGroups: t.candidateGroups ?? [], creationDate: t.creationDate, completionDate: t.completionDate, dueDate: t.dueDate,
      overdue: !!t.dueDate && t.state === 'CREATED' && Date.parse(t.dueDate) < now,
    }));
    try {
      await this.assertAccess(user, processInstanceKey, kommun, tasks);
    } catch (err) {
      this.d.audit.record({ actor: user.id, action: 'case.read.denied', caseRef, details: { processInstanceKey } });
      throw err;
    }
    const elRes = await this.d.client.searchElementInstances({ filter: { processInstanceKey } as never, page: { limit: 1000 } as never, sort: [{ field: 'startDate', order: 'ASC' }] as never }, NOW as never);
    const history: CaseStep[] = (elRes.items ?? [])
      .filter((e) => e.type !== 'PROCESS' && e.type !== 'SEQUENCE_FLOW' && !(e.type.endsWith('_GATEWAY') && (!e.elementName || e.elementName === e.elementId)))
      .map((e) => ({ elementId: String(e.elementId), name: e.elementName || String(e.elementId), type: e.type, state: e.state, startDate: e.startDate, endDate: e.endDate }));
    const deadlines = Object.entries(vars)
      .filter(([k, v]) => /Deadline$/.test(k) && typeof v === 'string')
      .map(([k, v]) => ({ name: k, value: v as string, passed: Date.parse(v as string) < now }));
    const escalations = caseRef ? this.d.audit.query({ caseRef, action: 'escalation.', limit: 200 }) : [];
    return {
      processInstanceKey, processDefinitionKey: String(pi.processDefinitionKey), processDefinitionId: String(pi.processDefinitionId), processName: pi.processDefinitionName || String(pi.processDefinitionId),
      state: pi.state, startDate: pi.startDate, endDate: pi.endDate, caseRef, kommun,
      activeElementIds: [...new Set(history.filter((h) => h.state === 'ACTIVE').map((h) => h.elementId))],
      overdueElementIds: [...new Set(tasks.filter((t) => t.overdue).map((t) => t.elementId))],
      completedElementIds: [...new Set(history.filter((h) => h.state === 'COMPLETED').map((h) => h.elementId))],
      history, tasks, deadlines, escalations,
    };
  }

  /** The BPMN XML of the case's process plus the markers, for the diagram (same access check, logged as a read). */
  async diagram(user: SessionUser, processInstanceKey: string): Promise<{ xml: string; active: string[]; overdue: string[]; completed: string[] }> {
    const c = await this.get(user, processInstanceKey);
    const xml = await this.d.client.getProcessDefinitionXml({ processDefinitionKey: c.processDefinitionKey as never }, NOW as never);
    if (typeof xml !== 'string') throw new UserError(502, 'Processdiagrammet kunde inte hämtas. Försök igen om en stund.');
    return { xml, active: c.activeElementIds, overdue: c.overdueElementIds, completed: c.completedElementIds };
  }

  /** Find a case by its reference (for the search box); same access rules as get(). */
  async findByRef(user: SessionUser, caseRef: string): Promise<string> {
    if (!/^VK-\d{4}-\d{6}$/.test(caseRef)) throw new UserError(400, 'Ange ett ärendenummer som VK-2026-000123.');
    const res = await this.d.client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never, page: { limit: 10 } as never }, NOW as never);
    const key = res.items[0] ? String(res.items[0].processInstanceKey) : undefined;
    if (!key) throw notFound(`Inget ärende med nummer ${caseRef}.`);
    return key;
  }
}
