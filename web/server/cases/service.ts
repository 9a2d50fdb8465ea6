import crypto from 'node:crypto';
import type { CamundaClient } from '../../../common/camunda';
import type { AuditEntry, AuditLog } from '../../../common/audit';
import type { SqlDb } from '../../../common/storage/db';
import { openSqlite } from '../../../common/storage/sqlite';
import { migrateWeb } from '../db';
import { managedKommuner, userKommun, type SessionUser } from '../auth/user';
import { NOW, statusOf, variablesOf } from '../camunda-util';
import { UserError, forbidden, notFound } from '../errors';
import { z } from 'zod';
import { caseActions, dateField, fieldErrors, type ActionDef, type ConsentPort } from './actions';
import { kommunLabel } from './labels';
import type { CasePlaceView } from '../places/service';
import { businessHistory, caseWaitsFor, loadCaseOverview, summarize, type CaseOverview, type CaseProcess, type CaseSummary } from './overview';
import { FormCatalog, type FormSchema } from '../tasks/form-catalog';
import { checkSubmission, type ForbiddenText } from '../tasks/validate-form';
import { allowedEntries, latestDeployed, loadStartConfig, startFormOf, type StartEntry, type StartOption } from './start';

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

export interface CaseDeps {
  client: CamundaClient;
  audit: AuditLog;
  now: () => Date;
  /**
   * The web store (web.sqlite, or the PostgreSQL database all web replicas share), migrated: remembers the
   * one-time token of every case action, so a double submit sends one message, whichever replicas it reaches.
   */
  db?: SqlDb;
  /** The consent registry (workers.sqlite); without it the consent actions are not offered. */
  consent?: ConsentPort;
  /** The client's place or queue position (common/places.ts); without it the summary leaves it out. */
  placeOf?: (caseRef: string) => Promise<CasePlaceView | undefined>;
  /** Display name of a user id, when the sign-in mode knows it. */
  userName?: (id: string) => string | undefined;
  /**
   * Processes "Starta ärende" offers (default: config/start.json). Flytt, inför hemflytt and SIP are not there: they
   * belong to a client's case and are started from it (case actions), so they keep its caseRef and what is known.
   */
  startable?: readonly StartEntry[];
  /** Date rules of the start forms' sidecars (default: the repository's forms/). */
  forms?: FormCatalog;
  forbiddenText?: ForbiddenText[];
}

/** The client's whole case as the case page shows it. */
export interface CaseFull extends CaseOverview {
  summary: CaseSummary;
  /** Actions the user may take, with whether they apply now. */
  actions: Array<{ def: ActionDef; applies: boolean }>;
  history: Array<{ at: string; who: string; what: string }>;
  escalations: AuditEntry[];
  place?: CasePlaceView;
}

export const CASE_REF = /^[A-Z]{2,5}-\d{4}(?:-\d{6})?$/;

/** New pseudonymous case reference `VK-<year>-<6 random digits>`. */
export function newCaseRef(now: Date): string {
  return `VK-${now.getUTCFullYear()}-${String(crypto.randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

export class CaseService {
  readonly actions: ActionDef[];

  private readonly db: Promise<SqlDb>;

  constructor(private readonly d: CaseDeps) {
    this.actions = caseActions(d.now);
    // Without the app's store (unit tests) the tokens live in an in-memory SQLite, which still covers double clicks.
    this.db = d.db ? Promise.resolve(d.db) : (async () => { const m = openSqlite(':memory:'); await migrateWeb(m); return m; })();
  }

  private startableCache?: readonly StartEntry[];
  private get startable(): readonly StartEntry[] { return (this.startableCache ??= this.d.startable ?? loadStartConfig()); }
  private formsCache?: FormCatalog;
  private get forms(): FormCatalog { return (this.formsCache ??= this.d.forms ?? FormCatalog.fromRepo()); }

  /** The processes the user may start now: configured for their group in their kommun, and deployed. */
  async startableFor(user: SessionUser): Promise<StartOption[]> {
    const allowed = allowedEntries(this.startable, user);
    const deployed = await latestDeployed(this.d.client, allowed.map((e) => e.processId));
    return allowed.flatMap((e) => {
      const d = deployed.get(e.processId);
      return d ? [{ ...e, processDefinitionKey: d.key, version: d.version, hasStartForm: d.hasStartForm }] : [];
    });
  }

  /** A startable process with its start form (null without one); refusals are audited. */
  async startOption(user: SessionUser, processId: string): Promise<{ option: StartOption; schema: FormSchema | null }> {
    const option = (await this.startableFor(user)).find((p) => p.processId === processId);
    if (!option) {
      // Allowed but not deployed (or undeployed since the page was shown) is 404; anything else is refused.
      const allowed = allowedEntries(this.startable, user).some((e) => e.processId === processId);
      await this.d.audit.record({ actor: user.id, action: 'case.start.denied', details: { processDefinitionId: processId, groups: user.groups, reason: allowed ? 'not-deployed' : 'not-allowed' } });
      if (allowed) throw notFound('Processen är inte driftsatt just nu. Kontakta processägaren.');
      throw forbidden('Du kan inte starta den här processen. Endast socialsekreterare startar ärenden i sin kommun.');
    }
    return { option, schema: option.hasStartForm ? await startFormOf(this.d.client, option.processDefinitionKey) : null };
  }

  /**
   * Starts a case: a new pseudonymous caseRef in the user's kommun. A process with a start form gets the form's
   * values, checked on the server exactly as a task form's are (validate-form.ts: only the form's visible fields,
   * types, options, dates, forbidden free text); bad values are a 400 with Swedish field errors and nothing started.
   */
  async start(user: SessionUser, processId: string, values: Record<string, unknown> = {}, token?: string): Promise<{ processInstanceKey: string; caseRef: string; processName: string; duplicate?: boolean }> {
    const { option, schema } = await this.startOption(user, processId);
    const kommun = userKommun(user)!;
    let formValues: Record<string, unknown> = {};
    if (schema) {
      const checked = checkSubmission(schema, values, { kommun }, { now: this.d.now(), dates: this.forms.sidecar(schema.id).dates, forbiddenText: this.d.forbiddenText });
      if (Object.keys(checked.errors).length > 0) {
        await this.d.audit.record({ actor: user.id, action: 'case.start.rejected', details: { processDefinitionId: processId, fields: Object.keys(checked.errors) } });
        throw new UserError(400, 'Formuläret innehåller fel. Rätta de markerade fälten och starta igen.', { fieldErrors: checked.errors });
      }
      formValues = checked.variables;
    }
    const caseRef = newCaseRef(this.d.now());
    // The start page's one-time token: a second submission of the same page (double click, back and resend) starts
    // nothing and answers with the case the first one started.
    const db = token ? await this.db : undefined;
    if (db && token) {
      const once = await db.run('INSERT INTO case_action_once (token, case_ref, action, actor, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING',
        [token, caseRef, `start:${processId}`, user.id, this.d.now().toISOString()]);
      if (once.changes === 0) {
        const first = await db.get<{ case_ref: string }>('SELECT case_ref FROM case_action_once WHERE token = ? AND actor = ? AND action = ?', [token, user.id, `start:${processId}`]);
        if (!first) throw new UserError(409, 'Formuläret har redan använts. Ladda om sidan och försök igen.');
        return { processInstanceKey: '', caseRef: first.case_ref, processName: option.label, duplicate: true };
      }
    }
    let pi;
    try {
      // The exact version whose start form was checked; caseRef and kommun are the app's, never the form's.
      pi = await this.d.client.createProcessInstance({ processDefinitionKey: option.processDefinitionKey as never, variables: { ...formValues, caseRef, kommun } });
    } catch (err) {
      // Not started: the token may be used again.
      if (db && token) await db.run('DELETE FROM case_action_once WHERE token = ?', [token]);
      throw err;
    }
    await this.d.audit.record({ actor: user.id, action: 'case.started', caseRef, details: {
      processDefinitionId: processId, processName: option.label, processDefinitionKey: option.processDefinitionKey, processInstanceKey: String(pi.processInstanceKey),
      kommun, actorName: user.name, ...(schema ? { startForm: schema.id, fields: Object.keys(formValues) } : {}),
    } });
    return { processInstanceKey: String(pi.processInstanceKey), caseRef, processName: option.label };
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

  /**
   * The case for the case view; every read (and every refused attempt) is written to the audit log. `overview`: the
   * client's case as just loaded (the case page), whose instance, variables and tasks of this process are reused.
   */
  async get(user: SessionUser, processInstanceKey: string, opts: { caseAccess?: boolean; overview?: CaseOverview } = {}): Promise<CaseView> {
    const known = opts.overview?.processes.find((p) => p.processInstanceKey === processInstanceKey);
    const c = await this.load(user, processInstanceKey, opts.caseAccess === true, known);
    await this.d.audit.record({ actor: user.id, action: 'case.read', caseRef: c.caseRef, details: { processInstanceKey } });
    return c;
  }

  /** `caseAccess`: the caller has checked that the user may open the client's case this process belongs to. */
  private async load(user: SessionUser, processInstanceKey: string, caseAccess = false, known?: CaseProcess): Promise<CaseView> {
    if (!/^\d{1,20}$/.test(processInstanceKey)) throw notFound('Ärendet finns inte. Kontrollera länken.');
    let pi = known?.source.instance;
    try {
      pi ??= await this.d.client.getProcessInstance({ processInstanceKey: processInstanceKey as never }, NOW as never);
    } catch (err) {
      if (statusOf(err) === 404) throw notFound('Ärendet finns inte. Kontrollera länken.');
      throw err;
    }
    const vars = known?.vars ?? (await variablesOf(this.d.client, [processInstanceKey])).get(processInstanceKey) ?? {};
    const caseRef = typeof vars.caseRef === 'string' ? vars.caseRef : undefined;
    const kommun = typeof vars.kommun === 'string' ? vars.kommun : undefined;
    const now = this.d.now().getTime();
    const taskItems = known?.source.tasks ?? (await this.d.client.searchUserTasks({ filter: { processInstanceKey } as never, page: { limit: 500 } as never }, NOW)).items;
    const tasks: CaseTask[] = taskItems.map((t) => ({
      userTaskKey: String(t.userTaskKey), elementId: String(t.elementId ?? ''), name: t.name ?? String(t.elementId), state: String(t.state),
      assignee: t.assignee ?? undefined, candidateGroups: t.candidateGroups ?? [], creationDate: t.creationDate, completionDate: t.completionDate, dueDate: t.dueDate,
      overdue: !!t.dueDate && t.state === 'CREATED' && Date.parse(t.dueDate) < now,
    }));
    try {
      if (!caseAccess) {
        try {
          await this.assertAccess(user, processInstanceKey, kommun, tasks);
        } catch (err) {
          // Not involved in this process, but maybe in the client's case (another of its processes).
          const o = caseRef ? await loadCaseOverview(this.d.client, caseRef) : undefined;
          if (!o || !this.mayOpen(user, o)) throw err;
        }
      }
    } catch (err) {
      await this.d.audit.record({ actor: user.id, action: 'case.read.denied', caseRef, details: { processInstanceKey } });
      throw err;
    }
    const elRes = await this.d.client.searchElementInstances({ filter: { processInstanceKey } as never, page: { limit: 1000 } as never, sort: [{ field: 'startDate', order: 'ASC' }] as never }, NOW as never);
    const history: CaseStep[] = (elRes.items ?? [])
      .filter((e) => e.type !== 'PROCESS' && e.type !== 'SEQUENCE_FLOW' && !(e.type.endsWith('_GATEWAY') && (!e.elementName || e.elementName === e.elementId)))
      .map((e) => ({ elementId: String(e.elementId), name: e.elementName || String(e.elementId), type: e.type, state: e.state, startDate: e.startDate, endDate: e.endDate }));
    const deadlines = Object.entries(vars)
      .filter(([k, v]) => /Deadline$/.test(k) && typeof v === 'string')
      .map(([k, v]) => ({ name: k, value: v as string, passed: Date.parse(v as string) < now }));
    const escalations = caseRef ? await this.d.audit.query({ caseRef, action: 'escalation.', limit: 200 }) : [];
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
    // A refused lookup answers exactly like an unknown reference: the search box must not reveal that another
    // kommun's case exists. Both outcomes, and the found ones, are audited.
    const unknown = () => notFound(`Inget ärende med nummer ${caseRef} som du har tillgång till.`);
    if (!key) {
      await this.d.audit.record({ actor: user.id, action: 'case.lookup', caseRef, details: { found: false } });
      throw unknown();
    }
    try {
      await this.load(user, key);
    } catch (err) {
      if (err instanceof UserError && err.status === 403) {
        await this.d.audit.record({ actor: user.id, action: 'case.lookup.denied', caseRef, details: { processInstanceKey: key } });
        throw unknown();
      }
      throw err;
    }
    await this.d.audit.record({ actor: user.id, action: 'case.lookup', caseRef, details: { found: true, processInstanceKey: key } });
    return key;
  }

  /** A login id as the name the app saw at sign-in. */
  displayName(id: string | undefined): string | undefined {
    return id ? this.d.userName?.(id) ?? id : undefined;
  }

  /** The process the case page shows first: the innermost active one (a called flytt or SIP), else the latest. */
  primaryProcess(c: CaseOverview): string | undefined {
    const active = c.processes.filter((p) => p.state === 'ACTIVE');
    const leaf = [...active].reverse().find((p) => !active.some((q) => q.parentProcessInstanceKey === p.processInstanceKey));
    return (leaf ?? c.processes[c.processes.length - 1])?.processInstanceKey;
  }

  /** Withdrawal needs something to withdraw: a consent in the registry or a running SIP. */
  private appliesNow(def: ActionDef, o: CaseOverview, hasConsent: boolean): boolean {
    if (def.id === 'aterkalla-samtycke') return hasConsent || caseWaitsFor(o, 'samtycke-aterkallat');
    return def.applies(o);
  }

  /** The consent actions need the registry. */
  private offered(): ActionDef[] {
    return this.d.consent ? this.actions : this.actions.filter((a) => !a.id.includes('samtycke'));
  }

  /** The caseRef of a process instance (for /arenden/:processInstanceKey links). */
  async caseRefOf(processInstanceKey: string): Promise<string | undefined> {
    const vars = (await variablesOf(this.d.client, [processInstanceKey], ['caseRef'])).get(processInstanceKey);
    return typeof vars?.caseRef === 'string' ? vars.caseRef : undefined;
  }

  /**
   * May the user open the client's case? Managers by kommun; the case's own socialsekreterare (its kommun); anyone
   * whose group has (had) a task in any of the case's processes or who was assigned one.
   */
  private mayOpen(user: SessionUser, o: CaseOverview): boolean {
    const managed = managedKommuner(user);
    if (managed === 'all' || (o.kommun && managed.includes(o.kommun))) return true;
    if (o.kommun && user.groups.includes(`socialsekreterare-${o.kommun}`)) return true;
    return o.processes.some((p) => p.taskAssignees.includes(user.id) || p.taskGroups.some((g) => user.groups.includes(g)));
  }

  private async overviewFor(user: SessionUser, caseRef: string, auditAs: string): Promise<CaseOverview> {
    if (!CASE_REF.test(caseRef)) throw notFound('Ärendet finns inte. Kontrollera ärendenumret.');
    const o = await loadCaseOverview(this.d.client, caseRef);
    if (!o) throw notFound(`Inget ärende med nummer ${caseRef}.`);
    if (!this.mayOpen(user, o)) {
      await this.d.audit.record({ actor: user.id, action: auditAs, caseRef, details: { reason: 'no-access' } });
      throw forbidden('Du har inte behörighet till det här ärendet: det tillhör en annan kommun eller grupp.');
    }
    return o;
  }

  private nameOf = (actor: string, e: AuditEntry): string => {
    const known = this.d.userName?.(actor);
    const n = (e.details?.actorName as string | undefined) ?? (known !== actor ? known : undefined);
    if (n) return n;
    return /worker|system|vardkedjan/i.test(actor) ? 'Vårdkedjan (automatiskt)' : actor;
  };

  /** The whole case of the client: every process, the summary, the actions for this user, business history. */
  async full(user: SessionUser, caseRef: string): Promise<CaseFull> {
    const o = await this.overviewFor(user, caseRef, 'case.read.denied');
    await this.d.audit.record({ actor: user.id, action: 'case.read', caseRef, details: { view: 'case' } });
    const hasConsent = !!(await this.d.consent?.current(caseRef, this.d.now()));
    const actions = this.offered().filter((a) => a.allowed(user, o)).map((def) => ({ def, applies: this.appliesNow(def, o, hasConsent) }));
    const all = this.offered().filter((a) => this.appliesNow(a, o, hasConsent));
    const moving = all.filter((a) => a.advances);
    const hint = moving.length ? { labels: moving.map((a) => a.label), who: moving[0].whoLabel(o) } : undefined;
    const entries = await this.d.audit.query({ caseRef, limit: 500 });
    return {
      ...o, actions, summary: summarize(o, this.d.now(), hint),
      history: businessHistory(entries, o, this.nameOf),
      escalations: entries.filter((e) => e.action.startsWith('escalation.')),
      place: await this.d.placeOf?.(caseRef),
    };
  }

  /**
   * Takes a case action: authorize (group + kommun; refused attempts audited), validate (Swedish field errors,
   * nothing sent), once per token (a double click sends one message), then send through the official client.
   */
  async act(user: SessionUser, caseRef: string, actionId: string, body: Record<string, unknown>): Promise<{ duplicate: boolean; label: string; processInstanceKey?: string }> {
    const def = this.offered().find((a) => a.id === actionId);
    if (!def) throw notFound('Åtgärden finns inte.');
    const o = await this.overviewFor(user, caseRef, 'case.action.denied');
    if (!def.allowed(user, o)) {
      await this.d.audit.record({ actor: user.id, action: 'case.action.denied', caseRef, details: { action: def.id, groups: user.groups } });
      throw forbidden(`Du får inte ${def.label.toLowerCase()} i det här ärendet. Åtgärden görs av: ${def.whoLabel(o)}.`);
    }
    const token = typeof body.token === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(body.token) ? body.token : undefined;
    const parsed = def.schema.safeParse(body);
    if (!parsed.success || !token) {
      const errs = parsed.success ? {} : fieldErrors(parsed.error);
      if (!token) errs._ = 'Formuläret saknar engångsnyckel. Ladda om sidan och försök igen.';
      await this.d.audit.record({ actor: user.id, action: 'case.action.rejected', caseRef, details: { action: def.id, fields: Object.keys(errs) } });
      throw new UserError(400, 'Kontrollera de markerade fälten.', { fieldErrors: errs });
    }
    const db = await this.db;
    const once = await db.run('INSERT INTO case_action_once (token, case_ref, action, actor, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING',
      [token, caseRef, def.id, user.id, this.d.now().toISOString()]);
    if (once.changes === 0) return { duplicate: true, label: def.label };
    try {
      if (!this.appliesNow(def, o, !!(await this.d.consent?.current(caseRef, this.d.now())))) throw new UserError(409, `${def.label} går inte just nu. ${def.notNow}`);
      const effect = def.effect(parsed.data, o, user);
      let processInstanceKey: string | undefined;
      const extra: Record<string, unknown> = {};
      const correlate = async (name: string, variables: Record<string, unknown>, optional: boolean) => {
        try {
          const res = await this.d.client.correlateMessage({ name, correlationKey: caseRef, variables });
          processInstanceKey = String(res.processInstanceKey);
        } catch (err) {
          // Nothing waits for it any more (a colleague was quicker, or the step moved on): tell the user.
          if (statusOf(err) === 404 && optional) return;
          if (statusOf(err) === 404) throw new UserError(409, `${def.label} går inte just nu. ${def.notNow}`);
          throw err;
        }
      };
      // The registry's current consent replaces what the case's variables held (it may have been withdrawn since).
      const consent = def.withConsent ? await this.d.consent?.current(caseRef, this.d.now()) : undefined;
      const consentVars = consent ? { consentId: consent.id, consentValidUntil: consent.validUntil } : {};
      if (def.withConsent) extra.withConsent = !!consent;
      if (effect.kind === 'message') {
        await correlate(effect.message, { ...effect.variables, ...consentVars }, false);
        extra.message = effect.message;
      } else if (effect.kind === 'start') {
        const variables = { ...effect.variables, ...consentVars, caseRef, kommun: o.kommun };
        const pi = await this.d.client.createProcessInstance({ processDefinitionId: effect.processId as never, variables });
        processInstanceKey = String(pi.processInstanceKey);
        extra.processDefinitionId = effect.processId;
      } else if (effect.kind === 'consent-record') {
        if (!this.d.consent) throw new UserError(503, 'Samtyckesregistret är inte anslutet. Registrera samtycket i SIP-uppgiften eller kontakta support.');
        const r = await this.d.consent.record(caseRef, effect.consent, token, this.d.now());
        extra.consentId = r.id;
        extra.validUntil = r.validUntil;
      } else {
        if (!this.d.consent) throw new UserError(503, 'Samtyckesregistret är inte anslutet. Kontakta support.');
        extra.withdrawn = await this.d.consent.withdraw(caseRef, this.d.now());
        // A running SIP stops on the message; without one the registry is all there is to change.
        await correlate(effect.message, {}, true);
      }
      await this.d.audit.record({ actor: user.id, action: `case.action.${def.id}`, caseRef, details: { label: def.label, done: def.done(parsed.data), actorName: user.name, fields: Object.keys(parsed.data), processInstanceKey, ...extra } });
      return { duplicate: false, label: def.label, processInstanceKey };
    } catch (err) {
      // Not sent: the token may be used again once the user has fixed what was wrong.
      await db.run('DELETE FROM case_action_once WHERE token = ?', [token]);
      throw err;
    }
  }

  /** Which psychiatry registrations the user may make (psykiatri-remissport: vårdkedjeremiss; psykiatri: both). */
  psychiatryStartsFor(user: SessionUser): PsychiatryStart[] {
    return PSYCHIATRY_STARTS.filter((s) => s.groups.some((g) => user.groups.includes(g)));
  }

  /**
   * Psychiatry registers a vårdkedjeremiss or kontaktbegäran for a client: linked to the kommun's case when its
   * reference is given (it must exist and belong to that kommun), else under a new pseudonymous reference.
   */
  async startPsychiatry(user: SessionUser, kind: string, body: Record<string, unknown>): Promise<{ caseRef: string; processInstanceKey: string; linked: boolean }> {
    const def = PSYCHIATRY_STARTS.find((s) => s.id === kind);
    if (!def) throw notFound('Sidan finns inte.');
    if (!this.psychiatryStartsFor(user).includes(def)) {
      await this.d.audit.record({ actor: user.id, action: 'case.start.denied', details: { processDefinitionId: def.processId, groups: user.groups } });
      throw forbidden(`Endast ${def.groups.map((g) => g === 'psykiatri' ? 'psykiatrin' : 'psykiatrins remissport').join(' och ')} registrerar ${def.label.toLowerCase()}.`);
    }
    const parsed = psychiatrySchema(this.d.now).safeParse(body);
    if (!parsed.success) throw new UserError(400, 'Kontrollera de markerade fälten.', { fieldErrors: fieldErrors(parsed.error) });
    const { kommun, caseRef: given, date } = parsed.data;
    let caseRef = newCaseRef(this.d.now());
    if (given) {
      const o = await loadCaseOverview(this.d.client, given);
      if (!o || o.kommun !== kommun) throw new UserError(400, 'Kontrollera de markerade fälten.', { fieldErrors: { caseRef: `Inget ärende ${given} finns i ${kommunLabel(kommun)}. Kontrollera numret med kommunen, eller lämna fältet tomt.` } });
      caseRef = given;
    }
    const pi = await this.d.client.createProcessInstance({ processDefinitionId: def.processId as never, variables: { caseRef, kommun, [def.dateVariable]: date } });
    await this.d.audit.record({ actor: user.id, action: 'case.started', caseRef, details: { processDefinitionId: def.processId, processName: def.label, processInstanceKey: String(pi.processInstanceKey), kommun, linked: !!given, actorName: user.name } });
    return { caseRef, processInstanceKey: String(pi.processInstanceKey), linked: !!given };
  }
}

export interface PsychiatryStart { id: string; processId: string; label: string; groups: string[]; dateVariable: string; dateLabel: string }
export const PSYCHIATRY_STARTS: PsychiatryStart[] = [
  { id: 'vardkedjeremiss', processId: 'vk-vardkedjeremiss', label: 'Vårdkedjeremiss', groups: ['psykiatri-remissport'], dateVariable: 'referralDate', dateLabel: 'Remissens datum' },
  { id: 'kontaktbegaran', processId: 'vk-kontaktbegaran', label: 'Kontaktbegäran till kommunen', groups: ['psykiatri', 'psykiatri-remissport'], dateVariable: 'requestDate', dateLabel: 'Datum för begäran' },
];
export const KOMMUN_SLUGS = ['vaxjo', 'alvesta', 'almhult', 'ljungby', 'markaryd', 'tingsryd', 'uppvidinge', 'lessebo'] as const;
const psychiatrySchema = (now: () => Date) => z.object({
  kommun: z.enum(KOMMUN_SLUGS, { error: 'Välj kommun.' }),
  caseRef: z.string().trim().toUpperCase().optional().transform((v) => v || undefined)
    .refine((v) => v === undefined || /^VK-\d{4}-\d{6}$/.test(v), 'Ange kommunens ärendenummer som VK-2026-000123, eller lämna fältet tomt.'),
  date: dateField('datum', { notFuture: now }),
});
