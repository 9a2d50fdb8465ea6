import { prepare } from './db';
import type { Store } from './elementInstances';

/** Buffered messages, who received them (once per process id) and the correlated-subscription record. */

/** A message subscription with the process id of its definition (correlation is once per process id). */
export interface MessageSubscriptionRow {
  key: number;
  name: string;
  correlation_key: string | null;
  element_id: string;
  /** Null for a message start event. */
  element_instance_key: number | null;
  process_instance_key: number | null;
  process_definition_key: number;
  bpmn_process_id: string;
}

const SUBSCRIPTION = `SELECT s.key, s.name, s.correlation_key, s.element_id, s.element_instance_key, s.process_instance_key, s.process_definition_key,
  d.bpmn_process_id FROM subscriptions s JOIN process_definitions d ON d.key = s.process_definition_key`;

/** Waiting subscriptions with that name and correlation key, and the message start events of that name; oldest first. */
export function messageSubscriptionsFor(s: Store, name: string, correlationKey: string): MessageSubscriptionRow[] {
  return prepare(s.db, `${SUBSCRIPTION} WHERE s.kind = 'message' AND s.name = ? AND (s.correlation_key = ? OR s.element_instance_key IS NULL) ORDER BY s.key`)
    .all(name, correlationKey) as MessageSubscriptionRow[];
}

export function messageSubscription(s: Store, key: number): MessageSubscriptionRow | undefined {
  return prepare(s.db, `${SUBSCRIPTION} WHERE s.key = ?`).get(key) as MessageSubscriptionRow | undefined;
}

export function hasActiveInstanceWithCorrelationKey(s: Store, bpmnProcessId: string, correlationKey: string): boolean {
  return prepare(s.db, `SELECT 1 FROM process_instances WHERE bpmn_process_id = ? AND state = 'ACTIVE' AND message_correlation_key = ? LIMIT 1`)
    .get(bpmnProcessId, correlationKey) !== undefined;
}

export function setInstanceCorrelationKey(s: Store, processInstanceKey: number, correlationKey: string): void {
  prepare(s.db, 'UPDATE process_instances SET message_correlation_key = ? WHERE key = ?').run(correlationKey, processInstanceKey);
}

/** The message reached this process id (a buffered message is handed to each process id once). */
export function markMessageReceived(s: Store, messageKey: number, bpmnProcessId: string, processInstanceKey: number): void {
  prepare(s.db, 'INSERT OR IGNORE INTO message_correlations (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)')
    .run(messageKey, bpmnProcessId, processInstanceKey);
}

export function isDuplicateMessage(s: Store, name: string, correlationKey: string, messageId: string, now: number): boolean {
  return prepare(s.db, 'SELECT key FROM messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND expires_at > ?')
    .get(name, correlationKey, messageId, now) !== undefined;
}

export interface NewMessage {
  key: number;
  name: string;
  correlationKey: string;
  messageId: string | null;
  variables: Record<string, unknown>;
  expiresAt: number;
}

export function bufferMessage(s: Store, m: NewMessage): void {
  prepare(s.db, 'INSERT INTO messages (key, name, correlation_key, message_id, variables, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(m.key, m.name, m.correlationKey, m.messageId, JSON.stringify(m.variables), m.expiresAt);
}

/** The oldest buffered, unexpired message with that name and key that this process id has not received yet. */
export function oldestBufferedMessage(s: Store, name: string, correlationKey: string | null, bpmnProcessId: string, now: number): { key: number; variables: Record<string, unknown> } | undefined {
  const row = prepare(
    s.db,
    `SELECT key, variables FROM messages m WHERE name = ? AND correlation_key = ? AND expires_at > ?
       AND NOT EXISTS (SELECT 1 FROM message_correlations c WHERE c.message_key = m.key AND c.bpmn_process_id = ?)
     ORDER BY key LIMIT 1`,
  ).get(name, correlationKey, now, bpmnProcessId) as { key: number; variables: string } | undefined;
  return row ? { key: row.key, variables: JSON.parse(row.variables) as Record<string, unknown> } : undefined;
}

export interface Correlation {
  messageKey: number;
  subscriptionKey: number;
  messageName: string;
  correlationKey: string | null;
  correlationTime: number;
  elementId: string;
  elementInstanceKey: number | null;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
}

export function recordCorrelatedSubscription(s: Store, c: Correlation): void {
  prepare(
    s.db,
    `INSERT OR IGNORE INTO correlated_subscriptions (message_key, subscription_key, message_name, correlation_key, correlation_time, element_id,
       element_instance_key, process_instance_key, process_definition_key, bpmn_process_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.messageKey, c.subscriptionKey, c.messageName, c.correlationKey, c.correlationTime, c.elementId, c.elementInstanceKey, c.processInstanceKey,
    c.processDefinitionKey, c.bpmnProcessId);
}

export function deleteExpiredMessageRows(s: Store, now: number): void {
  prepare(s.db, 'DELETE FROM message_correlations WHERE message_key IN (SELECT key FROM messages WHERE expires_at <= ?)').run(now);
  prepare(s.db, 'DELETE FROM messages WHERE expires_at <= ?').run(now);
}

/** A row of CORRELATED_SUBSCRIPTIONS. */
export interface CorrelatedSubscriptionRow {
  message_key: number;
  subscription_key: number;
  message_name: string;
  correlation_key: string | null;
  correlation_time: number;
  element_id: string;
  element_instance_key: number | null;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
}

/** Search source (alias `c`) of the correlated message subscriptions. */
export const CORRELATED_SUBSCRIPTIONS = 'correlated_subscriptions c';

/** A row of OPEN_MESSAGE_SUBSCRIPTIONS: a waiting element's subscription and when the element began waiting. */
export interface OpenMessageSubscriptionRow {
  key: number;
  name: string;
  correlation_key: string | null;
  element_id: string;
  element_instance_key: number;
  process_instance_key: number;
  process_definition_key: number;
  bpmn_process_id: string;
  /** The element instance's start date. */
  opened: number;
}

/** Search source (alias `m`) of open message subscriptions of running elements (a row exists only while its element waits). */
export const OPEN_MESSAGE_SUBSCRIPTIONS = `(SELECT s.*, e.bpmn_process_id, e.start_date AS opened FROM subscriptions s JOIN element_instances e ON e.key = s.element_instance_key
  WHERE s.kind = 'message' AND s.element_instance_key IS NOT NULL) m`;
