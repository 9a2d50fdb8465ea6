/**
 * Shared setup for the engine API tests (test/engine/api.*.test.ts) and usable by any test that drives the
 * engine through the official client: fixtures as File resources, deploy/start shortcuts, a bounded polling
 * helper (no sleeps), job activation, error/problem+json assertions, raw HTTP for bodies the client refuses,
 * and a snapshot of the store as seen through the search endpoints.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CamundaClient } from '../../common/camunda';
import { engineAuthHeaders, startTestEngine } from './engine';

export type Client = CamundaClient;
/** The contract of test/helpers/engine.ts (docs/CONVENTIONS.md). */
export interface TestEngine { url: string; client: Client; dataDir: string; stop(): Promise<void> }

const FIXTURES = join(__dirname, '..', 'fixtures');

/** Options for a single (non-polling) call of an eventually-consistent endpoint. */
export const NOW = { consistency: { waitUpToMs: 0 } } as const;

/** Starts one engine per test file (beforeAll), stops it and removes its temp data dir afterwards. Read fields inside tests/hooks only. */
export function useEngine(opts: { dataDir?: string } = {}): { engine: TestEngine; client: Client; url: string } {
  const ctx = {} as { engine: TestEngine; client: Client; url: string };
  beforeAll(async () => {
    ctx.engine = (await startTestEngine(opts)) as TestEngine;
    ctx.client = ctx.engine.client;
    ctx.url = ctx.engine.url;
  });
  afterAll(async () => {
    await ctx.engine?.stop();
    // The temp data dir was made by startTestEngine for this file only; a caller's own dir is left alone.
    if (ctx.engine && !opts.dataDir) rmSync(ctx.engine.dataDir, { recursive: true, force: true });
  });
  return ctx;
}

export function fixtureXml(name: string): string {
  return readFileSync(join(FIXTURES, 'bpmn', `${name}.bpmn`), 'utf8');
}

export function bpmnFile(name: string, xml = fixtureXml(name)): File {
  return new File([xml], `${name}.bpmn`, { type: 'application/xml' });
}

export function formFile(name: string): File {
  return new File([readFileSync(join(FIXTURES, 'forms', `${name}.form`), 'utf8')], `${name}.form`, { type: 'application/json' });
}

/** Deploys the named BPMN fixtures (and optional extra files) in one deployment. */
export async function deploy(client: Client, names: string[], extra: File[] = []) {
  return client.createDeployment({ resources: [...names.map((n) => bpmnFile(n)), ...extra] });
}

export async function start(client: Client, processDefinitionId: string, variables: Record<string, unknown> = {}) {
  return client.createProcessInstance({ processDefinitionId: processDefinitionId as never, variables });
}

/** A plain string as one of the client's branded key types (keys the engine never issued, in negative tests). */
export function key<T = never>(value: string): T {
  return value as unknown as T;
}

/**
 * Polls `fn` until `accept` holds for its result or `timeoutMs` passes; returns the accepted result. The ceiling is
 * generous (25 s) because CI runs on a loaded 2-core machine; a passing wait returns as soon as the state is there.
 * On timeout the error includes the last result, so a failing test shows what the engine did instead.
 */
export async function eventually<T>(
  fn: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 25_000, intervalMs = 25, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? `last error: ${String((lastError as Error).message ?? lastError)}` : `last value: ${JSON.stringify(last, (_k, v) => (typeof v === 'bigint' ? String(v) : v))?.slice(0, 2000)}`;
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; ${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type ActivatedJob = Awaited<ReturnType<Client['activateJobs']>>['jobs'][number];

/** Activates jobs of `type` until exactly `count` are collected (bounded wait); fails if more show up. */
export async function activateJobs(client: Client, type: string, count = 1, { timeoutMs = 25_000, lockMs = 60_000 } = {}): Promise<ActivatedJob[]> {
  const got: ActivatedJob[] = [];
  await eventually(
    async () => {
      const { jobs } = await client.activateJobs({ type, maxJobsToActivate: count - got.length + 1, timeout: lockMs, worker: 'api-test', requestTimeout: -1 });
      got.push(...jobs);
      return got.length;
    },
    (n) => n >= count,
    { timeoutMs, what: `${count} job(s) of type ${type}` },
  );
  if (got.length !== count) throw new Error(`expected ${count} job(s) of type ${type}, activated ${got.length}`);
  return got;
}

/** Activates the one job of `type` of process instance `processInstanceKey` (bounded wait); fails on any other count. */
export async function activateOne(client: Client, type: string, processInstanceKey: string): Promise<ActivatedJob> {
  const jobs = (await activateJobs(client, type)).filter((j) => j.processInstanceKey === processInstanceKey);
  if (jobs.length !== 1) throw new Error(`expected one job of type ${type} in ${processInstanceKey}, got ${jobs.length}`);
  return jobs[0]!;
}

/** Activates once, without waiting: the jobs of `type` activatable right now. */
export async function activateNow(client: Client, type: string, max = 100, lockMs = 60_000): Promise<ActivatedJob[]> {
  return (await client.activateJobs({ type, maxJobsToActivate: max, timeout: lockMs, worker: 'api-test', requestTimeout: -1 })).jobs;
}

export interface HttpErrorLike { status?: number; type?: string; title?: string; detail?: string; instance?: string; name?: string; message?: string }

/** Expects the client call to be rejected with one of the HTTP statuses (the SDK copies problem+json fields). */
export async function expectHttpError(promise: Promise<unknown>, status: number | number[]): Promise<HttpErrorLike> {
  let error: HttpErrorLike | undefined;
  try {
    await promise;
  } catch (e) {
    error = e as HttpErrorLike;
  }
  if (!error) throw new Error(`expected HTTP ${String(status)}, but the call succeeded`);
  const statuses = Array.isArray(status) ? status : [status];
  if (!statuses.includes(error.status as number)) {
    throw new Error(`expected HTTP ${statuses.join('/')}, got ${error.name}: status=${error.status} ${error.message} ${error.detail ?? ''}`);
  }
  return error;
}

export interface RawResponse { status: number; contentType: string; body: any; text: string }

/**
 * A raw HTTP call to `/v2<path>` for bodies the client would refuse to send. `body` string is sent verbatim.
 * Sends the test engine's credentials unless `headers` sets its own `authorization` (an empty one sends none).
 */
export async function raw(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const all: Record<string, string> = { accept: 'application/json, application/problem+json', ...engineAuthHeaders(), ...headers };
  if (all.authorization === '') delete all.authorization;
  const init: RequestInit = { method, headers: all };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof FormData ? (body as string | FormData) : JSON.stringify(body);
    if (!(body instanceof FormData) && !headers['content-type']) (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(`${url}/v2${path}`, init);
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed, text };
}

/** Asserts an RFC 9457 problem+json answer with the given status, as the Camunda 8.8 spec describes. */
export function expectProblem(res: RawResponse, status: number): void {
  const summary = `${res.status} ${res.contentType} ${res.text.slice(0, 500)}`;
  expect({ status: res.status, summary }).toEqual({ status, summary });
  expect(res.contentType).toMatch(/application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.any(String),
  }));
}

/**
 * Everything the search endpoints show, for "the store is unchanged after a bad request" assertions.
 * Each search is read once (no polling); ordering is normalised.
 */
export async function storeSnapshot(client: Client): Promise<Record<string, unknown>> {
  const page = { page: { limit: 1000 } };
  const sortBy = (items: any[] | undefined, k: string) => [...(items ?? [])].sort((a, b) => String(a[k]).localeCompare(String(b[k])));
  const [defs, pis, tasks, incidents, vars, elements] = await Promise.all([
    client.searchProcessDefinitions(page, NOW),
    client.searchProcessInstances(page, NOW),
    client.searchUserTasks(page, NOW),
    client.searchIncidents(page, NOW),
    client.searchVariables(page, NOW),
    client.searchElementInstances(page, NOW),
  ]);
  return {
    processDefinitions: sortBy(defs.items, 'processDefinitionKey'),
    processInstances: sortBy(pis.items, 'processInstanceKey'),
    userTasks: sortBy(tasks.items, 'userTaskKey'),
    incidents: sortBy(incidents.items, 'incidentKey'),
    variables: sortBy(vars.items, 'variableKey'),
    elementInstances: sortBy(elements.items, 'elementInstanceKey'),
  };
}

/** Element instances of a process instance, read once. */
export async function elementsOf(client: Client, processInstanceKey: string, elementId?: string) {
  const filter: Record<string, unknown> = { processInstanceKey };
  if (elementId) filter.elementId = elementId;
  return (await client.searchElementInstances({ filter: filter as never, page: { limit: 1000 } }, NOW)).items ?? [];
}

/** Waits until the process instance reaches `state` (ACTIVE, COMPLETED, TERMINATED). */
export async function waitForInstanceState(client: Client, processInstanceKey: string, state: string, timeoutMs = 25_000) {
  return eventually(
    () => client.getProcessInstance({ processInstanceKey: processInstanceKey as never }, NOW),
    (pi) => pi.state === state,
    { timeoutMs, what: `process instance ${processInstanceKey} to be ${state}` },
  );
}

/** Waits until an element instance with `elementId` in `state` exists in the process instance. */
export async function waitForElement(client: Client, processInstanceKey: string, elementId: string, state = 'COMPLETED', timeoutMs = 25_000) {
  const items = await eventually(
    () => elementsOf(client, processInstanceKey, elementId),
    (list) => list.some((e) => e.state === state),
    { timeoutMs, what: `element ${elementId} ${state} in ${processInstanceKey}` },
  );
  return items.filter((e) => e.state === state);
}

/** Variables of a process instance by name → value (JSON-parsed), for one scope (default: the instance scope). */
export async function variablesOf(client: Client, processInstanceKey: string, scopeKey: string = processInstanceKey): Promise<Record<string, unknown>> {
  const { items } = await client.searchVariables({ filter: { processInstanceKey, scopeKey } as never, page: { limit: 1000 } }, NOW);
  const out: Record<string, unknown> = {};
  for (const v of items) out[v.name] = JSON.parse(v.value);
  return out;
}

/** Waits until the process instance has exactly `count` incidents (any state) and returns them. */
export async function waitForIncidents(client: Client, processInstanceKey: string, count = 1) {
  const { items } = await eventually(
    () => client.searchIncidents({ filter: { processInstanceKey } as never }, NOW),
    (r) => r.items?.length === count,
    { what: `${count} incident(s) in ${processInstanceKey}` },
  );
  return items!;
}

/** Waits for the user task of an element in a process instance (state CREATED by default). */
export async function waitForUserTask(client: Client, processInstanceKey: string, elementId: string, state = 'CREATED') {
  const { items } = await eventually(
    () => client.searchUserTasks({ filter: { processInstanceKey, elementId, state } as never }, NOW),
    (r) => r.items.length > 0,
    { what: `user task ${elementId} ${state} in ${processInstanceKey}` },
  );
  return items[0];
}

/** Pins the engine clock to `epochMs` (PUT /v2/clock). */
export async function pinClock(client: Client, epochMs: number): Promise<void> {
  await client.pinClock({ timestamp: epochMs });
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Cancels every ACTIVE process instance, so tests sharing one engine start from a clean slate of jobs/tasks. */
export async function cancelActiveInstances(client: Client): Promise<void> {
  const { items } = await client.searchProcessInstances({ filter: { state: 'ACTIVE' } as never, page: { limit: 1000 } }, NOW);
  for (const pi of items) {
    if (pi.parentProcessInstanceKey) continue;
    try {
      await client.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
    } catch (e) {
      if ((e as HttpErrorLike).status !== 404) throw e;
    }
  }
}

/**
 * Registers beforeEach/afterEach hooks asserting that each test of the enclosing describe leaves the store
 * (as seen through the searches) exactly as it found it. Call after any beforeEach that prepares data.
 */
export function expectStoreUnchangedByEachTest(ctx: { client: Client }): void {
  let before: Record<string, unknown>;
  beforeEach(async () => {
    before = await storeSnapshot(ctx.client);
  });
  afterEach(async () => {
    expect(await storeSnapshot(ctx.client)).toEqual(before);
  });
}
