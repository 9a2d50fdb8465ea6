import { nextKey, prepare } from '../store/db';
import type { Ctx } from './context';
import { alreadyExists, notFound } from './errors';
import { triggerWait, type WaitRef } from './events';

/**
 * Message correlation like Zeebe: a published message goes to the oldest waiting subscription with the
 * same name and correlation key of each process id (so to one instance per process) and starts
 * instances via message start events; with a TTL it is buffered for subscriptions opened later.
 */

interface SubscriptionRow extends WaitRef {
  key: number;
  process_instance_key: number | null;
  bpmn_process_id: string;
}

export interface MessageInput {
  name: string;
  correlationKey: string;
  timeToLive: number;
  messageId?: string;
  variables: Record<string, unknown>;
}

function subscriptionsFor(ctx: Ctx, name: string, correlationKey: string): SubscriptionRow[] {
  return prepare(ctx.db, 
      `SELECT s.key, s.element_id, s.element_instance_key, s.process_instance_key, s.process_definition_key, d.bpmn_process_id
       FROM subscriptions s JOIN process_definitions d ON d.key = s.process_definition_key
       WHERE s.kind = 'message' AND s.name = ? AND (s.correlation_key = ? OR s.element_instance_key IS NULL)
       ORDER BY s.key`,
    )
    .all(name, correlationKey) as SubscriptionRow[];
}

/** Correlates a message to all current subscriptions; returns the process instances it reached. */
function correlateToSubscriptions(ctx: Ctx, messageKey: number, message: MessageInput): number[] {
  const reached: number[] = [];
  // Zeebe correlates one message at most once per process id: one instance, or one new instance.
  const processIds = new Set<string>();
  for (const sub of subscriptionsFor(ctx, message.name, message.correlationKey)) {
    if (processIds.has(sub.bpmn_process_id)) continue;
    if (sub.process_instance_key === null && hasActiveMessageStartedInstance(ctx, sub.bpmn_process_id, message.correlationKey)) continue;
    const key = triggerWait(ctx, sub, message.variables);
    if (key === undefined) continue;
    processIds.add(sub.bpmn_process_id);
    reached.push(key);
    recordCorrelation(ctx, messageKey, message.name, message.correlationKey, sub, key);
    if (sub.process_instance_key === null) {
      prepare(ctx.db, 'UPDATE process_instances SET message_correlation_key = ? WHERE key = ?').run(message.correlationKey, key);
    }
    prepare(ctx.db, 'INSERT OR IGNORE INTO message_correlations (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)').run(messageKey, sub.bpmn_process_id, key);
  }
  return reached;
}

/** Zeebe starts at most one active instance per process id and correlation key through a message start event. */
function hasActiveMessageStartedInstance(ctx: Ctx, bpmnProcessId: string, correlationKey: string): boolean {
  if (correlationKey === '') return false;
  const row = prepare(ctx.db, 
      `SELECT 1 FROM process_instances WHERE bpmn_process_id = ? AND state = 'ACTIVE' AND message_correlation_key = ? LIMIT 1`,
    )
    .get(bpmnProcessId, correlationKey);
  return row !== undefined;
}

export function publishMessage(ctx: Ctx, message: MessageInput): number {
  if (message.messageId) {
    const duplicate = prepare(ctx.db, 'SELECT key FROM messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND expires_at > ?')
      .get(message.name, message.correlationKey, message.messageId, ctx.now);
    if (duplicate) {
      throw alreadyExists(`Expected to publish a new message with id '${message.messageId}', but a message with that id was already published`);
    }
  }
  const key = nextKey(ctx.db);
  if (message.timeToLive > 0) {
    prepare(ctx.db, 'INSERT INTO messages (key, name, correlation_key, message_id, variables, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(key, message.name, message.correlationKey, message.messageId ?? null, JSON.stringify(message.variables), ctx.now + message.timeToLive);
  }
  correlateToSubscriptions(ctx, key, message);
  return key;
}

/** POST /messages/correlation: correlate now or fail; nothing is buffered. */
export function correlateMessage(ctx: Ctx, message: Omit<MessageInput, 'timeToLive' | 'messageId'>): { messageKey: number; processInstanceKey: number } {
  const key = nextKey(ctx.db);
  const reached = correlateToSubscriptions(ctx, key, { ...message, timeToLive: 0 });
  if (reached.length === 0) {
    throw notFound(
      `Expected to find subscription for message with name '${message.name}' and correlation key '${message.correlationKey}', but none was found.`,
    );
  }
  return { messageKey: key, processInstanceKey: reached[0] };
}

/** A subscription just opened: hand it the oldest buffered message it has not received yet. */
export function correlateBufferedMessages(ctx: Ctx, subscriptionKey: number): void {
  const sub = prepare(ctx.db, 
      `SELECT s.key, s.name, s.correlation_key, s.element_id, s.element_instance_key, s.process_instance_key, s.process_definition_key, d.bpmn_process_id
       FROM subscriptions s JOIN process_definitions d ON d.key = s.process_definition_key WHERE s.key = ?`,
    )
    .get(subscriptionKey) as (SubscriptionRow & { name: string; correlation_key: string }) | undefined;
  if (!sub) return;
  const message = prepare(ctx.db, 
      `SELECT key, variables FROM messages m WHERE name = ? AND correlation_key = ? AND expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM message_correlations c WHERE c.message_key = m.key AND c.bpmn_process_id = ?)
       ORDER BY key LIMIT 1`,
    )
    .get(sub.name, sub.correlation_key, ctx.now, sub.bpmn_process_id) as { key: number; variables: string } | undefined;
  if (!message) return;
  prepare(ctx.db, 'INSERT OR IGNORE INTO message_correlations (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)')
    .run(message.key, sub.bpmn_process_id, sub.process_instance_key ?? 0);
  const reached = triggerWait(ctx, sub, JSON.parse(message.variables));
  if (reached !== undefined) recordCorrelation(ctx, message.key, sub.name, sub.correlation_key, sub, reached);
}

/** Kept for the correlated-message-subscription search (who received which message, when). */
function recordCorrelation(ctx: Ctx, messageKey: number, name: string, correlationKey: string, sub: SubscriptionRow, processInstanceKey: number): void {
  prepare(ctx.db,
    `INSERT OR IGNORE INTO correlated_subscriptions (message_key, subscription_key, message_name, correlation_key, correlation_time, element_id,
       element_instance_key, process_instance_key, process_definition_key, bpmn_process_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(messageKey, sub.key, name, correlationKey, ctx.now, sub.element_id, sub.element_instance_key, processInstanceKey, sub.process_definition_key, sub.bpmn_process_id);
}

export function deleteExpiredMessages(ctx: Ctx): void {
  prepare(ctx.db, 'DELETE FROM message_correlations WHERE message_key IN (SELECT key FROM messages WHERE expires_at <= ?)').run(ctx.now);
  prepare(ctx.db, 'DELETE FROM messages WHERE expires_at <= ?').run(ctx.now);
}
