import type { RequestHandler } from 'express';
import { engineLimits, type EngineLimits } from '../limits';
import { sendProblem } from './problem';

/** Top-level request fields that name something; bounded by maxIdLength. */
const ID_FIELDS = ['processDefinitionId', 'messageId', 'type', 'worker', 'errorCode', 'elementId', 'tenantId', 'assignee', 'action'] as const;

interface Violation { what: string; length: number; limit: number; variable: keyof EngineLimits; unit?: string }

const ENV_OF: Partial<Record<keyof EngineLimits, string>> = {
  maxCorrelationKeyLength: 'ENGINE_LIMIT_CORRELATION_KEY_LENGTH',
  maxMessageNameLength: 'ENGINE_LIMIT_MESSAGE_NAME_LENGTH',
  maxIdLength: 'ENGINE_LIMIT_ID_LENGTH',
  maxMessageTtlMs: 'ENGINE_LIMIT_MESSAGE_TTL_MS',
};

function findViolation(path: string, body: Record<string, unknown>, limits: Readonly<EngineLimits>): Violation | undefined {
  const tooLong = (what: string, value: unknown, limit: number, variable: keyof EngineLimits): Violation | undefined =>
    typeof value === 'string' && value.length > limit ? { what, length: value.length, limit, variable, unit: 'characters' } : undefined;
  const isMessage = path === '/messages/publication' || path === '/messages/correlation';
  if (isMessage) {
    const v = tooLong('the message name', body.name, limits.maxMessageNameLength, 'maxMessageNameLength')
      ?? tooLong('the correlation key', body.correlationKey, limits.maxCorrelationKeyLength, 'maxCorrelationKeyLength');
    if (v) return v;
    if (typeof body.timeToLive === 'number' && body.timeToLive > limits.maxMessageTtlMs) {
      return { what: 'the time to live', length: body.timeToLive, limit: limits.maxMessageTtlMs, variable: 'maxMessageTtlMs', unit: 'ms' };
    }
  }
  if (path === '/signals/broadcast') {
    const v = tooLong('the signal name', body.signalName, limits.maxMessageNameLength, 'maxMessageNameLength');
    if (v) return v;
  }
  for (const field of ID_FIELDS) {
    const v = tooLong(`'${field}'`, body[field], limits.maxIdLength, 'maxIdLength');
    if (v) return v;
  }
  const variables = body.variables;
  if (variables && typeof variables === 'object' && !Array.isArray(variables)) {
    const name = Object.keys(variables).find((n) => n.length > limits.maxIdLength);
    if (name) return { what: 'a variable name', length: name.length, limit: limits.maxIdLength, variable: 'maxIdLength', unit: 'characters' };
  }
  return undefined;
}

/**
 * Bounds on names, keys and times in write requests (issue 13.2), checked before any route runs, so an oversized
 * request is a 400 problem+json and the store is unchanged. Body size itself is bounded by the JSON parser
 * (maxPayloadBytes → 413).
 */
export function requestLimits(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
    const v = findViolation(req.path, body as Record<string, unknown>, engineLimits());
    if (!v) return next();
    const setting = ENV_OF[v.variable] ? ` (${ENV_OF[v.variable]})` : '';
    sendProblem(res, 400, 'INVALID_ARGUMENT', `${v.what[0]!.toUpperCase()}${v.what.slice(1)} is ${v.length} ${v.unit}; the limit is ${v.limit}${setting}. Send a smaller value.`, req.originalUrl.split('?')[0]);
  };
}
