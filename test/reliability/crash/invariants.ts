/**
 * The crash test's invariants, read from the SQLite files directly (read-only) while the engine is down or live:
 * nothing acknowledged lost, counts never shrink, no job completed twice, every due timer fired, every notification
 * mailed once (or audited as uncertain) and audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { TestSmtp } from '../../helpers/smtp';
import { LOOP_FREE } from './fixtures';
import type { MailReport, Started } from './types';

const MONOTONE_TABLES = ['process_instances', 'element_instances', 'variables', 'jobs', 'user_tasks', 'incidents'];

function readOnly<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function tableCounts(file: string): Record<string, number> {
  return readOnly(file, (db) => Object.fromEntries(MONOTONE_TABLES.map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n])));
}

/** Those of `keys` whose process instance is still active. */
export function activeOf(file: string, keys: string[]): string[] {
  return readOnly(file, (db) => {
    const active = new Set((db.prepare(`SELECT key FROM process_instances WHERE state = 'ACTIVE'`).all() as { key: number }[]).map((r) => String(r.key)));
    return keys.filter((k) => active.has(k));
  });
}

/** Rows of the audit log (workers and web append; it must never shrink). */
export function auditRows(dataDir: string): number {
  const file = path.join(dataDir, 'audit.sqlite');
  if (!fs.existsSync(file)) return 0;
  return readOnly(file, (db) => {
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM audit').get() as { n: number }).n;
    } catch {
      return 0; // table not created yet
    }
  });
}

export function readJournal(file: string) {
  const completedOk = new Map<string, number>(); // job key → line number of the first ok completion
  const duplicates: string[] = [];
  const afterCompletion: string[] = [];
  if (!fs.existsSync(file)) return { completedOk, duplicates, afterCompletion };
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const [kind, key, what] = line.split(' ');
    if (kind === 'C' && what === 'ok') {
      if (completedOk.has(key)) duplicates.push(key);
      else completedOk.set(key, i);
    } else if (kind === 'A' && completedOk.has(key)) {
      afterCompletion.push(key);
    }
  });
  return { completedOk, duplicates, afterCompletion };
}

export function journalCompletions(file: string): number {
  return readJournal(file).completedOk.size;
}

/** The per-round invariants; exported so a test can show it catches violations. */
export function check(file: string, started: Started[], completedTasks: Set<string>, journal: string, previous: Record<string, number>, violations: string[], when: string): void {
  readOnly(file, (db) => {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') violations.push(`${when}: integrity_check: ${String(integrity)}`);
    const instances = new Set((db.prepare('SELECT key FROM process_instances').all() as { key: number }[]).map((r) => String(r.key)));
    const lost = started.filter((s) => !instances.has(s.key));
    if (lost.length) violations.push(`${when}: ${lost.length} acknowledged instances lost, e.g. ${lost[0].key} (${lost[0].process})`);

    const jobState = db.prepare('SELECT state, element_id, process_instance_key FROM jobs WHERE key = ?');
    const variable = db.prepare('SELECT value FROM variables WHERE process_instance_key = ? AND name = ?');
    const j = readJournal(journal);
    for (const key of j.completedOk.keys()) {
      const row = jobState.get(Number(key)) as { state: string; element_id: string; process_instance_key: number } | undefined;
      if (!row || row.state !== 'COMPLETED') {
        violations.push(`${when}: job ${key} acknowledged as completed is ${row?.state ?? 'missing'}`);
        continue;
      }
      const v = variable.get(row.process_instance_key, `done_${row.element_id}`) as { value: string } | undefined;
      if (!v) violations.push(`${when}: variable done_${row.element_id} written by job ${key} is missing`);
    }
    if (j.duplicates.length) violations.push(`${when}: ${j.duplicates.length} jobs completed twice, e.g. ${j.duplicates[0]}`);
    if (j.afterCompletion.length) violations.push(`${when}: ${j.afterCompletion.length} jobs activated again after their completion was acknowledged, e.g. ${j.afterCompletion[0]}`);

    const taskState = db.prepare('SELECT state FROM user_tasks WHERE key = ?');
    for (const key of completedTasks) {
      const row = taskState.get(Number(key)) as { state: string } | undefined;
      if (!row || row.state !== 'COMPLETED') violations.push(`${when}: user task ${key} acknowledged as completed is ${row?.state ?? 'missing'}`);
    }

    for (const t of MONOTONE_TABLES) {
      const n = (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      if (n < (previous[t] ?? 0)) violations.push(`${when}: ${t} shrank from ${previous[t]} to ${n}`);
    }

    const twice = db.prepare(
      `SELECT process_instance_key AS pi, element_id AS el, COUNT(*) AS n FROM element_instances
       WHERE bpmn_process_id IN (${LOOP_FREE.map(() => '?').join(',')}) GROUP BY process_instance_key, element_id HAVING COUNT(*) > 1 LIMIT 5`,
    ).all(...LOOP_FREE) as { pi: number; el: string; n: number }[];
    for (const t of twice) violations.push(`${when}: element ${t.el} ran ${t.n} times in instance ${t.pi}`);

    const openJobs = db.prepare(
      `SELECT p.key FROM process_instances p WHERE p.bpmn_process_id = 'service-chain' AND p.state = 'ACTIVE'
         AND (SELECT COUNT(*) FROM jobs j WHERE j.process_instance_key = p.key AND j.state NOT IN ('COMPLETED', 'CANCELED')) <> 1
         AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.process_instance_key = p.key)`,
    ).all() as { key: number }[];
    if (openJobs.length) violations.push(`${when}: ${openJobs.length} active service-chain instances without exactly one open job, e.g. ${openJobs[0].key}`);

    const timerless = db.prepare(
      `SELECT e.key FROM element_instances e WHERE e.state = 'ACTIVE' AND e.element_type = 'INTERMEDIATE_CATCH_EVENT' AND e.bpmn_process_id = 'timer-intermediate'
         AND NOT EXISTS (SELECT 1 FROM timers t WHERE t.element_instance_key = e.key)`,
    ).all() as { key: number }[];
    if (timerless.length) violations.push(`${when}: ${timerless.length} waiting timer events without their timer, e.g. ${timerless[0].key}`);
  });
}

/** After the final clock move: every fixture timer fired and no timer due at `clockNow` is left. Returns timers fired. */
export function checkTimers(file: string, started: Started[], clockNow: number, violations: string[]): number {
  return readOnly(file, (db) => {
    const timerStarted = started.filter((s) => s.process === 'timer-intermediate').length;
    const fired = (db.prepare(`SELECT COUNT(*) AS n FROM element_instances WHERE bpmn_process_id = 'timer-intermediate' AND element_type = 'INTERMEDIATE_CATCH_EVENT' AND state = 'COMPLETED'`).get() as { n: number }).n;
    if (fired < timerStarted) violations.push(`timers: only ${fired} of ${timerStarted} timer-intermediate timers fired`);
    const due = (db.prepare(`SELECT COUNT(*) AS n FROM timers WHERE due_at <= ?`).get(clockNow) as { n: number }).n;
    if (due > 0) violations.push(`timers: ${due} timers due at the final clock have not fired`);
    return fired;
  });
}

/**
 * With the real workers: no Message-ID received twice, the audit log never shrank, and every completed notification
 * job has its mail (Message-ID derived from the job key) or a notification.uncertain audit entry, and is audited.
 */
export function checkMail(dataDir: string, engineFile: string, smtp: TestSmtp, auditBefore: number, violations: string[]): MailReport {
  const seen = new Map<string, number>();
  for (const m of smtp.messages) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const rows = auditRows(dataDir);
  if (rows < auditBefore) violations.push(`final: audit log shrank from ${auditBefore} to ${rows}`);
  if (duplicated.length) violations.push(`e-mail sent twice: ${duplicated.length} Message-IDs received more than once, e.g. ${duplicated[0]}`);
  const notifyJobs = readOnly(engineFile, (db) => (db.prepare(`SELECT key FROM jobs WHERE type = 'vk.notify.task' AND state = 'COMPLETED'`).all() as { key: number }[]).map((r) => String(r.key)));
  const notificationRows = readOnly(path.join(dataDir, 'audit.sqlite'), (db) => db.prepare(`SELECT action, details FROM audit WHERE action LIKE 'notification.%'`).all() as { action: string; details: string | null }[]);
  const jobKeyOf = (r: { details: string | null }) => String(JSON.parse(r.details ?? '{}').jobKey);
  const audited = new Set(notificationRows.map(jobKeyOf));
  // The workers do not resend a mail whose SMTP transaction was cut by a crash (at most once); they record it
  // as notification.uncertain for the operator. That is a visible, audited non-delivery, not a silent loss.
  const uncertain = new Set(notificationRows.filter((r) => r.action === 'notification.uncertain').map(jobKeyOf));
  const mailed = [...seen.keys()].join(' ');
  const unmailed = notifyJobs.filter((k) => !mailed.includes(`${k}.notify`) && !uncertain.has(k));
  const unaudited = notifyJobs.filter((k) => !audited.has(k));
  if (unmailed.length) violations.push(`e-mail lost: ${unmailed.length} completed notification jobs without a received mail or a notification.uncertain audit entry, e.g. job ${unmailed[0]}`);
  if (unaudited.length) violations.push(`audit lost: ${unaudited.length} completed notification jobs without an audit entry, e.g. job ${unaudited[0]}`);
  return {
    received: smtp.messages.length, distinct: seen.size, duplicated, auditRows: rows, notifyJobs: notifyJobs.length,
    uncertain: notifyJobs.filter((k) => uncertain.has(k) && !mailed.includes(`${k}.notify`)).length,
  };
}
