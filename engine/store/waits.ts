import { prepare } from './db';
import type { Store } from './elementInstances';

/** What element instances wait for: timers and message/signal subscriptions, and closing all of an element's waits. */

export type SubscriptionKind = 'message' | 'signal';

export interface NewTimer {
  key: number;
  dueAt: number;
  remaining: number | null;
  interval: string | null;
  elementId: string;
  elementInstanceKey: number | null;
  processInstanceKey: number | null;
  processDefinitionKey: number;
}

export function insertTimerRow(s: Store, timer: NewTimer): void {
  prepare(
    s.db,
    `INSERT INTO timers (key, due_at, remaining, interval, element_id, element_instance_key, process_instance_key, process_definition_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(timer.key, timer.dueAt, timer.remaining, timer.interval, timer.elementId, timer.elementInstanceKey, timer.processInstanceKey, timer.processDefinitionKey);
}

export interface NewSubscription {
  key: number;
  kind: SubscriptionKind;
  name: string;
  correlationKey: string | null;
  elementId: string;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
}

export function insertSubscription(s: Store, sub: NewSubscription): void {
  prepare(
    s.db,
    `INSERT INTO subscriptions (key, kind, name, correlation_key, element_id, element_instance_key, process_instance_key, process_definition_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sub.key, sub.kind, sub.name, sub.correlationKey, sub.elementId, sub.elementInstanceKey, sub.processInstanceKey, sub.processDefinitionKey);
}

/** Signal subscriptions with that name, oldest first. */
export function signalSubscriptions(s: Store, name: string): { element_id: string; element_instance_key: number | null; process_definition_key: number }[] {
  return prepare(s.db, `SELECT element_id, element_instance_key, process_definition_key FROM subscriptions WHERE kind = 'signal' AND name = ? ORDER BY key`)
    .all(name) as { element_id: string; element_instance_key: number | null; process_definition_key: number }[];
}

/**
 * Closes everything the element instance waits for: its timers and subscriptions go, jobs and user tasks
 * still open are canceled. Returns whether a timer was removed (the scheduler must then look again).
 */
export function closeWaitsOf(s: Store, elementInstanceKey: number, now: number): boolean {
  const timers = prepare(s.db, 'DELETE FROM timers WHERE element_instance_key = ?').run(elementInstanceKey);
  prepare(s.db, 'DELETE FROM subscriptions WHERE element_instance_key = ?').run(elementInstanceKey);
  prepare(s.db, `UPDATE jobs SET state = 'CANCELED', deadline = NULL, end_time = ? WHERE element_instance_key = ? AND state NOT IN ('COMPLETED', 'CANCELED', 'ERROR_THROWN')`)
    .run(now, elementInstanceKey);
  prepare(s.db, `UPDATE user_tasks SET state = 'CANCELED', completion_date = ?, transition = NULL WHERE element_instance_key = ? AND state NOT IN ('COMPLETED', 'CANCELED')`)
    .run(now, elementInstanceKey);
  return timers.changes > 0;
}

/** Closes the waits the scope opened for some of its event sub-process starts; returns whether a timer was removed. */
export function closeWaitsOfElements(s: Store, elementInstanceKey: number, elementIds: string[]): boolean {
  const marks = elementIds.map(() => '?').join(', ');
  const timers = prepare(s.db, `DELETE FROM timers WHERE element_instance_key = ? AND element_id IN (${marks})`).run(elementInstanceKey, ...elementIds);
  prepare(s.db, `DELETE FROM subscriptions WHERE element_instance_key = ? AND element_id IN (${marks})`).run(elementInstanceKey, ...elementIds);
  return timers.changes > 0;
}

export interface TimerRow {
  key: number;
  due_at: number;
  remaining: number | null;
  interval: string | null;
  element_id: string;
  element_instance_key: number | null;
  process_instance_key: number | null;
  process_definition_key: number;
}

export function dueTimerKeys(s: Store, now: number, limit: number): number[] {
  return (prepare(s.db, 'SELECT key FROM timers WHERE due_at <= ? ORDER BY due_at, key LIMIT ?').all(now, limit) as { key: number }[]).map((r) => r.key);
}

export function nextTimerDueAt(s: Store): number | undefined {
  return (prepare(s.db, 'SELECT MIN(due_at) AS at FROM timers').get() as { at: number | null }).at ?? undefined;
}

export function deleteTimer(s: Store, key: number): void {
  prepare(s.db, 'DELETE FROM timers WHERE key = ?').run(key);
}

export function getTimer(s: Store, key: number): TimerRow | undefined {
  return prepare(s.db, 'SELECT * FROM timers WHERE key = ?').get(key) as TimerRow | undefined;
}
