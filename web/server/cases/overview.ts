import type { CamundaClient } from '../../../common/camunda';
import type { AuditEntry } from '../../../common/audit';
import { NOW, statusOf, variablesOf } from '../camunda-util';
import { PROCESS_NAMES } from '../labels';
import { deadlineLabel, groupLabel, homeLabel, isDeadlineVariable } from './labels';
import { messageWaits, waitsFor, type MessageWaits } from './waits';
import { PLACEMENT_DEADLINE_PROCESSES } from '../dashboard/placement-deadlines';

/** One process instance of the client's case (placeringsförfrågan, under placering, a called SIP, …). */
export interface CaseProcess {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  name: string;
  state: string;
  startDate: string;
  endDate?: string;
  parentProcessInstanceKey?: string;
  /** Names of the steps the instance is in now (tasks, waits), business words only. */
  currentSteps: string[];
  activeElementIds: string[];
  openTasks: Array<{ userTaskKey: string; name: string; dueDate?: string; candidateGroups: string[]; assignee?: string; creationDate?: string }>;
  /** Every task the instance has had (for the access rule and the history's task names). */
  taskGroups: string[];
  taskAssignees: string[];
  taskNames: Map<string, string>;
  waits: MessageWaits;
  /** The instance's own root variables (the case's `vars` merge them over all processes). */
  vars: Record<string, unknown>;
  /** The instance and every user task it has had, as the API answered: the case page's process view reuses them. */
  source: ProcessSource;
}

export interface ProcessSource {
  instance: Awaited<ReturnType<CamundaClient['getProcessInstance']>>;
  tasks: Awaited<ReturnType<CamundaClient['searchUserTasks']>>['items'];
}

export interface CaseOverview {
  caseRef: string;
  kommun?: string;
  processes: CaseProcess[];
  /** Root variables of all processes, later-started processes winning (the most current value of e.g. `home`). */
  vars: Record<string, unknown>;
}

const MAX_PROCESSES = 100;
const WAIT_CACHE = new Map<string, Promise<MessageWaits>>();

/** The diagram's message waits, parsed once per process definition key (a deployed version never changes). */
function waitsOf(client: CamundaClient, processDefinitionKey: string): Promise<MessageWaits> {
  let p = WAIT_CACHE.get(processDefinitionKey);
  if (!p) {
    p = client.getProcessDefinitionXml({ processDefinitionKey: processDefinitionKey as never }, NOW as never).then((xml) => messageWaits(String(xml)));
    p.catch(() => WAIT_CACHE.delete(processDefinitionKey));
    WAIT_CACHE.set(processDefinitionKey, p);
  }
  return p;
}

/** Instance keys whose root scope holds `caseRef = ref` (the called processes too: they carry the client's caseRef). */
export async function processKeysOfCase(client: CamundaClient, caseRef: string): Promise<string[]> {
  const res = await client.searchVariables({ filter: { name: 'caseRef', value: JSON.stringify(caseRef) } as never, page: { limit: MAX_PROCESSES } as never }, NOW as never);
  return [...new Set(res.items.filter((v) => String(v.scopeKey) === String(v.processInstanceKey)).map((v) => String(v.processInstanceKey)))];
}

const STEP_TYPES = new Set(['USER_TASK', 'RECEIVE_TASK', 'INTERMEDIATE_CATCH_EVENT', 'EVENT_BASED_GATEWAY', 'CALL_ACTIVITY', 'SERVICE_TASK', 'MANUAL_TASK', 'TASK']);

export async function loadCaseOverview(client: CamundaClient, caseRef: string): Promise<CaseOverview | undefined> {
  const keys = await processKeysOfCase(client, caseRef);
  if (keys.length === 0) return undefined;
  const varsByKey = await variablesOf(client, keys);
  const processes = (await Promise.all(keys.map(async (key): Promise<CaseProcess | undefined> => {
    let pi;
    try { pi = await client.getProcessInstance({ processInstanceKey: key as never }, NOW as never); } catch (err) {
      if (statusOf(err) === 404) return undefined; // not yet exported: shows up on the next view
      throw err;
    }
    const [els, tasks, waits] = await Promise.all([
      client.searchElementInstances({ filter: { processInstanceKey: key, state: 'ACTIVE' } as never, page: { limit: 200 } as never }, NOW as never),
      client.searchUserTasks({ filter: { processInstanceKey: key } as never, page: { limit: 500 } as never }, NOW),
      waitsOf(client, String(pi.processDefinitionKey)),
    ]);
    const active = (els.items ?? []).filter((e) => e.type !== 'PROCESS');
    const open = tasks.items.filter((t) => t.state === 'CREATED');
    return {
      processInstanceKey: key, processDefinitionKey: String(pi.processDefinitionKey), processDefinitionId: String(pi.processDefinitionId),
      name: pi.processDefinitionName || String(pi.processDefinitionId), state: String(pi.state), startDate: pi.startDate, endDate: pi.endDate ?? undefined,
      parentProcessInstanceKey: pi.parentProcessInstanceKey ? String(pi.parentProcessInstanceKey) : undefined,
      // A call activity's own name is shown as the child process; tasks show through their open task rows.
      currentSteps: [...new Set(active.filter((e) => STEP_TYPES.has(e.type) && e.elementName && e.elementName !== e.elementId).map((e) => e.elementName))],
      activeElementIds: active.map((e) => String(e.elementId)),
      openTasks: open.map((t) => ({ userTaskKey: String(t.userTaskKey), name: t.name ?? String(t.elementId), dueDate: t.dueDate ?? undefined, candidateGroups: t.candidateGroups ?? [], assignee: t.assignee ?? undefined, creationDate: t.creationDate ?? undefined })),
      taskGroups: [...new Set(tasks.items.flatMap((t) => t.candidateGroups ?? []))],
      taskAssignees: [...new Set(tasks.items.map((t) => t.assignee).filter((a): a is string => !!a))],
      taskNames: new Map(tasks.items.map((t) => [String(t.userTaskKey), t.name ?? String(t.elementId)])),
      waits,
      vars: varsByKey.get(key) ?? {},
      source: { instance: pi, tasks: tasks.items },
    };
  }))).filter((p): p is CaseProcess => !!p).sort((a, b) => a.startDate.localeCompare(b.startDate));
  if (processes.length === 0) return undefined;
  const vars: Record<string, unknown> = {};
  for (const p of processes) Object.assign(vars, varsByKey.get(p.processInstanceKey) ?? {});
  return { caseRef, kommun: typeof vars.kommun === 'string' ? vars.kommun : undefined, processes, vars };
}

/** Does some active process of the case wait for this message now? */
export function caseWaitsFor(o: CaseOverview, message: string): boolean {
  return o.processes.some((p) => waitsFor(p.waits, message, p.activeElementIds, p.state === 'ACTIVE'));
}

/**
 * The date of the confirmed utflytt when an inför hemflytt called by this under placering has confirmed it: the client
 * has then left the home (the place is freed), though under placering keeps running while the SIP continues.
 */
export function movedOutOf(o: CaseOverview, placement: CaseProcess): string | undefined {
  const hemflytt = o.processes.find((p) => p.parentProcessInstanceKey === placement.processInstanceKey && p.processDefinitionId === 'vk-infor-hemflytt' && typeof p.vars.utflyttadDatum === 'string');
  return hemflytt ? String(hemflytt.vars.utflyttadDatum) : undefined;
}

/** Does a placement run: an active under placering whose client has not moved out? */
export function placementRuns(o: CaseOverview): boolean {
  return o.processes.some((p) => p.processDefinitionId === 'vk-under-placering' && p.state === 'ACTIVE' && !movedOutOf(o, p));
}

export interface CaseSummary {
  /** "Var står ärendet?" */
  status: string;
  /** The next step and who must take it; undefined when the case is finished. */
  next?: { what: string; who: string; due?: string; overdue: boolean; userTaskKey?: string };
  deadlines: Array<{ name: string; label: string; value: string; passed: boolean }>;
  /** The case's nearest deadline still ahead, shown on its own line: never passed off as the next step's deadline. */
  upcoming?: { label: string; value: string };
  finished: boolean;
}

/** The Swedish "where are we?" summary on top of the case page. `actionsHint` names the case actions that apply now. */
export function summarize(o: CaseOverview, now: Date, actionsHint: { labels: string[]; who: string } | undefined): CaseSummary {
  const active = o.processes.filter((p) => p.state === 'ACTIVE');
  const deadlines = Object.entries(o.vars)
    .filter(([k, v]) => isDeadlineVariable(k) && typeof v === 'string' && !Number.isNaN(Date.parse(v)))
    .map(([k, v]) => ({ name: k, label: deadlineLabel(k), value: v as string, passed: Date.parse(v as string) < now.getTime() }))
    .sort((a, b) => a.value.localeCompare(b.value));
  if (active.length === 0) {
    // A called process (the placement's deadlines) is cancelled with its caller: the caller says how the case ended.
    const roots = o.processes.filter((p) => !p.parentProcessInstanceKey);
    const last = roots[roots.length - 1] ?? o.processes[o.processes.length - 1];
    const cancelled = last.state === 'TERMINATED' || last.state === 'CANCELED';
    return { status: cancelled ? `Ärendet är avbrutet (${last.name}).` : `Ärendet är avslutat. Sista processen: ${last.name}.`, deadlines, finished: true };
  }
  const home = homeLabel(o.vars.home);
  const placed = active.find((p) => p.processDefinitionId === 'vk-under-placering');
  // The innermost active process (a called flytt/hemflytt/SIP) tells best where the case is.
  // Tidsfrister under placering runs beside the case for months: the case stands where its main processes stand.
  const foreground = active.filter((p) => !PLACEMENT_DEADLINE_PROCESSES.includes(p.processDefinitionId));
  const shown = foreground.length ? foreground : active;
  const leaf = [...shown].reverse().find((p) => !shown.some((q) => q.parentProcessInstanceKey === p.processInstanceKey)) ?? shown[shown.length - 1];
  const steps = leaf.openTasks.length ? leaf.openTasks.map((t) => t.name) : leaf.currentSteps;
  const where = `${leaf.name}${steps.length ? ': ' + steps.join(', ') : ''}`;
  // After the confirmed utflytt the client has left the home, though under placering waits for the SIP to end.
  const movedOut = placed && movedOutOf(o, placed);
  const status = placed && o.vars.home ? `${movedOut ? `Utflyttad från ${home} ${movedOut.slice(0, 10)}` : `Placerad på ${home}`}. ${where}.` : `${where}.`;
  let next: CaseSummary['next'];
  const t = currentTask(o, now);
  if (t) {
    next = { what: `${t.name} (${t.process})`, who: t.candidateGroups.map(groupLabel).join(', ') || '–', due: t.dueDate, overdue: !!t.dueDate && Date.parse(t.dueDate) < now.getTime(), userTaskKey: t.userTaskKey };
  } else if (actionsHint && actionsHint.labels.length) {
    next = { what: actionsHint.labels.join(' eller '), who: actionsHint.who, overdue: false };
  } else if (leaf.currentSteps.length) {
    next = { what: `Ärendet väntar: ${leaf.currentSteps.join(', ')}. Ingen behöver göra något just nu.`, who: 'Vårdkedjan (automatiskt) eller en händelse utanför Vårdkedjan', overdue: false };
  } else {
    next = { what: 'Ärendet väntar på en händelse; ingen behöver göra något just nu.', who: '–', overdue: false };
  }
  const upcoming = deadlines.find((d) => !d.passed);
  return { status, next, deadlines, upcoming: upcoming && { label: upcoming.label, value: upcoming.value }, finished: false };
}

/**
 * "Nästa steg": the case's current step, not its nearest deadline. The placement's deadline process (Tidsfrister under
 * placering: omprövning, LVM, akut) runs beside the case for months; its tasks are next only when overdue, or when no
 * other task is open. Otherwise the current work is in the innermost active process that has open tasks (a SIP called
 * by inför hemflytt called by under placering: the SIP), and there the most recently created task.
 */
export function currentTask(o: CaseOverview, now: Date): (CaseProcess['openTasks'][number] & { process: string }) | undefined {
  const active = o.processes.filter((p) => p.state === 'ACTIVE' && p.openTasks.length > 0);
  const byDue = (a: { dueDate?: string }, b: { dueDate?: string }) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999');
  const tasksOf = (ps: CaseProcess[]) => ps.flatMap((p) => p.openTasks.map((t) => ({ ...t, process: p.name })));
  const background = active.filter((p) => PLACEMENT_DEADLINE_PROCESSES.includes(p.processDefinitionId));
  const overdue = tasksOf(background).filter((t) => t.dueDate && Date.parse(t.dueDate) < now.getTime()).sort(byDue);
  if (overdue[0]) return overdue[0];
  const main = active.filter((p) => !background.includes(p));
  if (main.length === 0) return tasksOf(background).sort(byDue)[0];
  const byKey = new Map(o.processes.map((p) => [p.processInstanceKey, p]));
  const depth = (p: CaseProcess): number => {
    let d = 0;
    for (let q = p.parentProcessInstanceKey ? byKey.get(p.parentProcessInstanceKey) : undefined; q && d < 20; q = q.parentProcessInstanceKey ? byKey.get(q.parentProcessInstanceKey) : undefined) d++;
    return d;
  };
  const inner = [...main].sort((a, b) => depth(b) - depth(a) || b.startDate.localeCompare(a.startDate))[0];
  return tasksOf([inner]).sort((a, b) => (b.creationDate ?? '').localeCompare(a.creationDate ?? '') || byDue(a, b))[0];
}

/** Business steps of the case from the audit log (who did what), newest first; reads are not steps. */
export function businessHistory(entries: AuditEntry[], o: CaseOverview, nameOf: (actor: string, e: AuditEntry) => string): Array<{ at: string; who: string; what: string }> {
  const taskName = (k: unknown) => o.processes.map((p) => p.taskNames.get(String(k))).find(Boolean);
  const text = (e: AuditEntry): string | undefined => {
    const d = e.details ?? {};
    switch (e.action) {
      // The history names the process as the case's process table does ("Förfrågan om placering"); the start
      // button's label (processName in newer rows) only for a process the app has no name for.
      case 'case.started': {
        const id = d.processDefinitionId ? String(d.processDefinitionId) : undefined;
        return `startade ${(id && PROCESS_NAMES[id]) ?? (d.processName ? String(d.processName) : id ?? 'ett ärende')}`;
      }
      case 'task.completed': return `slutförde uppgiften "${taskName(d.userTaskKey) ?? String(d.elementId ?? '')}"`;
      case 'task.claimed': return `tog uppgiften "${taskName(d.userTaskKey) ?? ''}"`;
      case 'queue.enqueued': return `ställde ärendet i kö till ${homeLabel(d.home)} (prioritet ${String(d.priority ?? '').toUpperCase()}, plats ${String(d.position ?? '')})`;
      case 'queue.place-offered': return `erbjöd en ledig plats på ${homeLabel(d.home)}`;
      case 'queue.admitted': return `skrev in personen på ${homeLabel(d.home)}`;
      case 'queue.discharged': return `skrev ut personen från ${homeLabel(d.home)}; platsen blev ledig`;
      case 'queue.removed': return `tog bort ärendet ur kön till ${homeLabel(d.home)}`;
      case 'consent.recorded': return 'registrerade samtycke';
      case 'consent.withdrawn': return 'registrerade att samtycket återkallats';
      case 'share.recorded': return 'registrerade informationsdelning';
      case 'escalation.reminder': return `skickade påminnelse om tidsgräns (${deadlineLabel(String(d.deadline ?? ''))})`;
      case 'escalation.breach': return `eskalerade överskriden tidsgräns (${deadlineLabel(String(d.deadline ?? ''))}) till ${groupLabel(String(d.escalateTo ?? d.group ?? ''))}`;
      default:
        if (e.action.startsWith('case.action.') && !e.action.endsWith('.denied') && !e.action.endsWith('.rejected')) return String(d.done ?? d.label ?? e.action.slice(12)).toLowerCase();
        return undefined;
    }
  };
  return entries.flatMap((e) => { const what = text(e); return what ? [{ at: e.at, who: nameOf(e.actor, e), what }] : []; });
}
