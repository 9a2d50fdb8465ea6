/**
 * The engine's limits, like Camunda's (maxMessageSize 4 MB, bounded names and keys): each configurable
 * (ENGINE_LIMIT_* in engine/main.ts, `limits` in startEngine), each answered with a 4xx problem+json before
 * anything is stored, or — for what only shows while a process runs — an incident with the instance unchanged.
 *
 * Process-wide, because FEEL evaluation and deploy validation run deep below the engine object; one engine
 * runs per process outside tests, and tests use the defaults.
 */
export interface EngineLimits {
  /** Largest JSON request body (variables, job completion, …), bytes. Camunda: 4 MB. */
  maxPayloadBytes: number;
  /** Longest correlation key (characters). */
  maxCorrelationKeyLength: number;
  /** Longest message and signal name (characters). */
  maxMessageNameLength: number;
  /** Longest id or name in a request: process definition id, message id, job type, worker, error code, element id, variable name. */
  maxIdLength: number;
  /** Longest time-to-live of a published message, ms. */
  maxMessageTtlMs: number;
  /** Most items in a multi-instance input collection; more → an incident on the element. */
  maxMultiInstanceItems: number;
  /** Time one FEEL expression may take; a runaway one is stopped and becomes an incident. */
  feelBudgetMs: number;
  /** Shortest interval of a timer cycle; shorter ones are refused at deploy (or, computed, become an incident). */
  minTimerCycleMs: number;
}

export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxPayloadBytes: 4 * 1024 * 1024,
  maxCorrelationKeyLength: 1024,
  maxMessageNameLength: 255,
  maxIdLength: 255,
  maxMessageTtlMs: 366 * 24 * 3600_000,
  maxMultiInstanceItems: 1000,
  feelBudgetMs: 50,
  minTimerCycleMs: 10_000,
});

let current: EngineLimits = { ...DEFAULT_LIMITS };

export function engineLimits(): Readonly<EngineLimits> {
  return current;
}

/** Sets the limits for this process (missing fields: the defaults). */
export function configureLimits(limits: Partial<EngineLimits> = {}): Readonly<EngineLimits> {
  current = { ...DEFAULT_LIMITS, ...limits };
  return current;
}

const ENV_NAMES: Record<keyof EngineLimits, string> = {
  maxPayloadBytes: 'ENGINE_LIMIT_PAYLOAD_BYTES',
  maxCorrelationKeyLength: 'ENGINE_LIMIT_CORRELATION_KEY_LENGTH',
  maxMessageNameLength: 'ENGINE_LIMIT_MESSAGE_NAME_LENGTH',
  maxIdLength: 'ENGINE_LIMIT_ID_LENGTH',
  maxMessageTtlMs: 'ENGINE_LIMIT_MESSAGE_TTL_MS',
  maxMultiInstanceItems: 'ENGINE_LIMIT_MULTI_INSTANCE_ITEMS',
  feelBudgetMs: 'ENGINE_LIMIT_FEEL_BUDGET_MS',
  minTimerCycleMs: 'ENGINE_LIMIT_MIN_TIMER_CYCLE_MS',
};

/** The ENGINE_LIMIT_* variables that are set, as limits; a clear error for a value that is not a positive integer. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<EngineLimits> {
  const limits: Partial<EngineLimits> = {};
  for (const [field, name] of Object.entries(ENV_NAMES) as [keyof EngineLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not '${raw}'.`);
    limits[field] = value;
  }
  return limits;
}
