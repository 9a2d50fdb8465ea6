import { nextKey } from '../store/db';
import {
  bufferMessage, deleteExpiredMessageRows, hasActiveInstanceWithCorrelationKey, isDuplicateMessage, markMessageReceived, messageSubscription,
  messageSubscriptionsFor, oldestBufferedMessage, recordCorrelatedSubscription, setInstanceCorrelationKey, type MessageSubscriptionRow,
} from '../store/messages';
import type { Ctx } from './context';
import { alreadyExists, notFound } from './errors';
import { triggerWait } from './events';

/**
 * Message correlation like Zeebe: a published message goes to the oldest waiting subscription with the
 * same name and correlation key of each process id (so to one instance per process) and starts
 * instances via message start events; with a TTL it is buffered for subscriptions opened later.
 */

type SubscriptionRow = MessageSubscriptionRow;

export interface MessageInput {
  name: string;
  correlationKey: string;
  timeToLive: number;
  messageId?: string;
  variables: Record<string, unknown>;
}

/** Correlates a message to all current subscriptions; returns the process instances it reached. */
function correlateToSubscriptions(ctx: Ctx, messageKey: number, message: MessageInput): number[] {
  const reached: number[] = [];
  // Zeebe correlates one message at most once per process id: one instance, or one new instance.
  const processIds = new Set<string>();
  for (const sub of messageSubscriptionsFor(ctx, message.name, message.correlationKey)) {
    if (processIds.has(sub.bpmn_process_id)) continue;
    if (sub.process_instance_key === null && hasActiveMessageStartedInstance(ctx, sub.bpmn_process_id, message.correlationKey)) continue;
    const key = triggerWait(ctx, sub, message.variables);
    if (key === undefined) continue;
    processIds.add(sub.bpmn_process_id);
    reached.push(key);
    recordCorrelation(ctx, messageKey, message.name, message.correlationKey, sub, key);
    if (sub.process_instance_key === null) {
      setInstanceCorrelationKey(ctx, key, message.correlationKey);
    }
    markMessageReceived(ctx, messageKey, sub.bpmn_process_id, key);
  }
  return reached;
}

/** Zeebe starts at most one active instance per process id and correlation key through a message start event. */
function hasActiveMessageStartedInstance(ctx: Ctx, bpmnProcessId: string, correlationKey: string): boolean {
  if (correlationKey === '') return false;
  return hasActiveInstanceWithCorrelationKey(ctx, bpmnProcessId, correlationKey);
}

export function publishMessage(ctx: Ctx, message: MessageInput): number {
  if (message.messageId) {
    if (isDuplicateMessage(ctx, message.name, message.correlationKey, message.messageId, ctx.now)) {
      throw alreadyExists(`Expected to publish a new message with id '${message.messageId}', but a message with that id was already published`);
    }
  }
  const key = nextKey(ctx.db);
  if (message.timeToLive > 0) {
    bufferMessage(ctx, {
      key, name: message.name, correlationKey: message.correlationKey, messageId: message.messageId ?? null, variables: message.variables,
      expiresAt: ctx.now + message.timeToLive,
    });
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
  const sub = messageSubscription(ctx, subscriptionKey);
  if (!sub) return;
  const message = oldestBufferedMessage(ctx, sub.name, sub.correlation_key, sub.bpmn_process_id, ctx.now);
  if (!message) return;
  markMessageReceived(ctx, message.key, sub.bpmn_process_id, sub.process_instance_key ?? 0);
  const reached = triggerWait(ctx, sub, message.variables);
  if (reached !== undefined) recordCorrelation(ctx, message.key, sub.name, sub.correlation_key, sub, reached);
}

/** Kept for the correlated-message-subscription search (who received which message, when). */
function recordCorrelation(ctx: Ctx, messageKey: number, name: string, correlationKey: string | null, sub: SubscriptionRow, processInstanceKey: number): void {
  recordCorrelatedSubscription(ctx, {
    messageKey, subscriptionKey: sub.key, messageName: name, correlationKey, correlationTime: ctx.now, elementId: sub.element_id,
    elementInstanceKey: sub.element_instance_key, processInstanceKey, processDefinitionKey: sub.process_definition_key, bpmnProcessId: sub.bpmn_process_id,
  });
}

export function deleteExpiredMessages(ctx: Ctx): void {
  deleteExpiredMessageRows(ctx, ctx.now);
}
