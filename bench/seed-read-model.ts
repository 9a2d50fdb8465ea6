/**
 * Seeds the web app's dashboard read model (web.sqlite: rm_instances, rm_tasks, rm_meta) with realistic history,
 * for measuring the dashboard over 100 000 instances without generating them through the REST API (≈ 40–300
 * instances/s here). Deterministic (seeded PRNG). Every care-chain process, eight kommuner, both homes; instances
 * started over the last three years, ≈ 4 % still active with open tasks (some overdue); tasks with due dates, ≈ 15 %
 * completed late; placement requests with decisions, admissions (some later than three months) and the
 * ej-verkställt deadline. Optionally escalation entries in the audit log for late cases.
 */
import type Database from 'better-sqlite3';
import type { AuditLog } from '../common/audit';

const KOMMUNER = ['vaxjo', 'alvesta', 'lessebo', 'tingsryd', 'almhult', 'markaryd', 'ljungby', 'uppvidinge'];
const DAY = 86_400_000;
/** Process id, weight, and its user tasks: element id and candidate group (`{k}` = kommun, `{h}` = home). */
const PROCESSES: Array<[string, number, Array<[string, string]>]> = [
  ['vk-placeringsforfragan', 30, [['Utredning', 'socialsekreterare-{k}'], ['Matchning', 'remissgruppen'], ['Studiebesok', 'socialsekreterare-{k}'], ['Beslut', 'socialsekreterare-{k}'], ['BekraftaInskrivning', 'kontaktperson-{h}']]],
  ['vk-under-placering', 20, [['Uppfoljning', 'socialsekreterare-{k}'], ['Genomforandeplan', 'kontaktperson-{h}'], ['Vardplanering', 'socialsekreterare-{k}']]],
  ['vk-flytt-ekeliden-novus', 8, [['Overlamningsmote', 'kontaktperson-{h}'], ['Flyttplanering', 'socialsekreterare-{k}']]],
  ['vk-infor-hemflytt', 10, [['Hemflyttsplan', 'socialsekreterare-{k}'], ['Boendestod', 'socialsekreterare-{k}'], ['Utskrivning', 'kontaktperson-{h}']]],
  ['vk-sip', 12, [['KallaTillSip', 'socialsekreterare-{k}'], ['SipMote', 'psykiatri']]],
  ['vk-vardkedjeremiss', 10, [['Remissbedomning', 'remissgruppen'], ['Mottagning', 'psykiatri-remissport']]],
  ['vk-kontaktbegaran', 8, [['Kontakt', 'vardkedjekoordinator']]],
  ['vk-planeringsdagar', 2, [['Planeringsdag', 'vardkedjekoordinator']]],
];

export interface SeedResult { instances: number; tasks: number; active: number; openTasks: number; escalations: number; ms: number }

/** Mulberry32: small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function seedReadModel(db: Database.Database, opts: { instances: number; now: Date; seed?: number; audit?: AuditLog; escalations?: number }): Promise<SeedResult> {
  const t0 = performance.now();
  const rnd = prng(opts.seed ?? 20261122);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const days = (a: number, b: number) => (a + rnd() * (b - a)) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const totalWeight = PROCESSES.reduce((s, p) => s + p[1], 0);
  const now = opts.now.getTime();
  const insI = db.prepare('INSERT INTO rm_instances (process_instance_key, process_definition_id, state, start_date, end_date, case_ref, kommun, home, decision_date, admitted_at, beslut, ej_verkstallt_deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insT = db.prepare('INSERT INTO rm_tasks (user_task_key, process_instance_key, process_definition_id, element_id, name, state, creation_date, completion_date, due_date, candidate_groups, assignee, kommun) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  let tasks = 0;
  let active = 0;
  let openTasks = 0;
  const late: Array<[string, number]> = [];
  db.transaction(() => {
    for (let i = 0; i < opts.instances; i++) {
      let w = rnd() * totalWeight;
      const [processId, , steps] = PROCESSES.find((p) => (w -= p[1]) < 0) ?? PROCESSES[0];
      const key = String(9_000_000_000_000_000 + i);
      const kommun = pick(KOMMUNER);
      const home = pick(['ekeliden', 'novus']);
      const isActive = rnd() < 0.04;
      const start = isActive ? now - days(0, 120) : now - days(20, 3 * 365);
      const caseRef = `VK-${new Date(start).getUTCFullYear()}-${String(i).padStart(6, '0')}`;
      // Tasks one after the other; an active instance stops at an open task.
      const openAt = isActive ? Math.floor(rnd() * steps.length) : steps.length;
      let at = start + days(0, 1);
      let end = at;
      for (let s = 0; s < Math.min(steps.length, openAt + 1); s++) {
        const [elementId, group] = steps[s];
        const due = at + days(3, 14);
        const open = s === openAt;
        const completed = open ? null : rnd() < 0.15 ? due + days(0.5, 20) : at + (0.2 + rnd() * 0.75) * (due - at);
        const groups = JSON.stringify([group.replace('{k}', kommun).replace('{h}', home)]);
        insT.run(`${key}${s}`, key, processId, elementId, elementId, open ? 'CREATED' : 'COMPLETED', iso(at), completed === null ? null : iso(completed), iso(due), groups, null, kommun);
        tasks++;
        if (open) openTasks++;
        if (completed !== null && completed > due && late.length < (opts.escalations ?? 0)) late.push([caseRef, due]);
        end = completed ?? at;
        at = (completed ?? at) + days(0, 3);
      }
      let decision: number | null = null;
      let admitted: number | null = null;
      let beslut: string | null = null;
      if (processId === 'vk-placeringsforfragan' && openAt >= 4) {
        decision = start + days(10, 40);
        beslut = rnd() < 0.85 ? 'bifall' : 'avslag';
        if (beslut === 'bifall' && !isActive) admitted = decision + (rnd() < 0.1 ? days(92, 150) : days(3, 88));
      }
      const ejv = decision === null ? null : iso(new Date(decision).setUTCMonth(new Date(decision).getUTCMonth() + 3));
      const state = isActive ? 'ACTIVE' : rnd() < 0.03 ? 'TERMINATED' : 'COMPLETED';
      insI.run(key, processId, state, iso(start), isActive ? null : iso(Math.max(end, admitted ?? 0) + DAY), caseRef, kommun, home, decision === null ? null : iso(decision), admitted === null ? null : iso(admitted), beslut, ejv);
      if (isActive) active++;
    }
    const setMeta = db.prepare('INSERT INTO rm_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    setMeta.run('watermark', opts.now.toISOString());
    setMeta.run('full_sweep', opts.now.toISOString());
  })();
  if (opts.audit) for (const [n, [caseRef, due]] of late.entries()) await opts.audit.record({ actor: 'workers', action: n % 3 ? 'escalation.reminder' : 'escalation.breach', caseRef, at: iso(due + DAY) });
  return { instances: opts.instances, tasks, active, openTasks, escalations: late.length, ms: performance.now() - t0 };
}
