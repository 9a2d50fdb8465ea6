import type { CamundaClient } from '../../common/camunda';

/**
 * Reads of search endpoints without waiting for eventual consistency (the UI polls when it needs to). The SDK
 * takes a missing `consistency` as "call once, now", which is what `{ waitUpToMs: 0 }` means too; but given any
 * `consistency` it goes through its polling helper, which re-reads and re-validates its whole configuration from
 * the environment on every call (~0.5 ms of CPU per search). So the option is left out; the type still says
 * "answer now" for the SDK's signature.
 */
export const NOW = { consistency: undefined } as unknown as { readonly consistency: { readonly waitUpToMs: 0 } };

/** The HTTP status of an error thrown by the SDK, if it carries one. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | undefined;
  const s = e?.status ?? e?.statusCode ?? e?.response?.status;
  return typeof s === 'number' ? s : undefined;
}

/** Variables are returned JSON-encoded by the API. */
export function decodeVariable(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Selected variables (by name) of several process instances, root scope, decoded. */
export async function variablesOf(client: CamundaClient, processInstanceKeys: string[], names?: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (processInstanceKeys.length === 0) return out;
  const filter: Record<string, unknown> = { processInstanceKey: { $in: processInstanceKeys } };
  if (names) filter.name = { $in: names };
  let after: string | undefined;
  for (;;) {
    const page: Record<string, unknown> = { limit: 1000 };
    if (after) page.after = after;
    const res = await client.searchVariables({ filter: filter as never, page: page as never, truncateValues: false } as never, NOW);
    for (const v of res.items) {
      // root scope only: scopeKey === processInstanceKey
      if (String(v.scopeKey) !== String(v.processInstanceKey)) continue;
      const rec = out.get(String(v.processInstanceKey)) ?? {};
      rec[v.name] = decodeVariable(v.value);
      out.set(String(v.processInstanceKey), rec);
    }
    const end = (res.page as { endCursor?: string }).endCursor;
    if (res.items.length < 1000 || !end) break;
    after = end;
  }
  return out;
}

/**
 * Every variable a user task sees, decoded: its own scope (input mappings, a multi-instance element such as the
 * unit or party it is for) and each enclosing scope up to its process instance — a called process's task included.
 * Inner names shadow outer ones, as the engine resolves them (searchUserTaskVariables).
 */
export async function taskVariables(client: CamundaClient, userTaskKey: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let after: string | undefined;
  for (;;) {
    const page: Record<string, unknown> = { limit: 1000 };
    if (after) page.after = after;
    const res = await client.searchUserTaskVariables({ userTaskKey: userTaskKey as never, truncateValues: false, page: page as never } as never, NOW as never);
    for (const v of res.items) out[v.name] = decodeVariable(v.value);
    const end = (res.page as { endCursor?: string }).endCursor;
    if (res.items.length < 1000 || !end) break;
    after = end;
  }
  return out;
}
