/**
 * Hostile input against every /v2 route the embedded engine serves (docs/engine.md, engine/rest/routes):
 * random JSON of the wrong shape, wrong types, unknown properties, malformed JSON, injection strings
 * (SQL, HTML, path traversal), unknown and invalid keys in paths, and huge payloads.
 *
 * Property: every such request is answered (no hang) with a 4xx RFC 9457 problem+json
 * ({type, title, status, detail, instance}), never a 5xx, and the SQLite file — read directly,
 * read-only, every table hashed — is exactly as before. Read-only searches with hostile *values*
 * may answer 200 (an empty result is a correct answer to "'; DROP TABLE jobs"), never 5xx.
 *
 * Raw fetch on purpose: the official client would refuse to send most of these bodies.
 */
import http from 'node:http';
import path from 'node:path';
import fc from 'fast-check';
import { engineAuthHeaders, startTestEngine, type TestEngine } from '../helpers/engine';
import { activateJobs, deploy, formFile, start, waitForUserTask, pinClock } from '../helpers/api';
import { dbSnapshot, type DbSnapshot } from './db-snapshot';

jest.setTimeout(180_000);

const RUNS = Number(process.env.HOSTILE_RUNS ?? 25);
const T0 = Date.parse('2026-11-02T08:00:00Z');

let engine: TestEngine;
let dbFile: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  engine = await startTestEngine();
  dbFile = path.join(engine.dataDir, 'engine.sqlite');
  const { client } = engine;
  await pinClock(client, T0);
  const deployment = await deploy(client, ['service-chain', 'user-task', 'timer-intermediate', 'timer-boundary'], [formFile('review-form')]);
  keys.processDefinition = deployment.deployments.find((d) => d.processDefinition?.processDefinitionId === 'service-chain')!.processDefinition!.processDefinitionKey;
  const chain1 = await start(client, 'service-chain', { lastType: 'a', caseRef: 'VK-2026-000001' });
  await start(client, 'service-chain', { lastType: 'b', caseRef: 'VK-2026-000002' });
  const review = await start(client, 'user-task', { caseRef: 'VK-2026-000003', kommun: 'vaxjo', assignee: 'anna', priority: 50 });
  await start(client, 'timer-intermediate', { waitFor: 'P1D' });
  await start(client, 'timer-boundary', { caseRef: 'VK-2026-000004' });
  keys.processInstance = chain1.processInstanceKey;
  const [job, failing] = await activateJobs(client, 'chain.a', 2);
  keys.job = job.jobKey;
  await client.failJob({ jobKey: failing.jobKey, retries: 0, errorMessage: 'hostile-test incident' });
  keys.userTask = (await waitForUserTask(client, review.processInstanceKey, 'review')).userTaskKey;
  const incidents = await client.searchIncidents({}, { consistency: { waitUpToMs: 0 } });
  keys.incident = String(incidents.items?.[0]?.incidentKey);
  keys.variable = (await client.searchVariables({}, { consistency: { waitUpToMs: 0 } })).items[0].variableKey;
  keys.elementInstance = String((await client.searchElementInstances({}, { consistency: { waitUpToMs: 0 } })).items?.[0]?.elementInstanceKey);
});

afterAll(async () => {
  await engine?.stop();
});

// ---------------------------------------------------------------- the requests

interface Answer { status: number; contentType: string; text: string; body: any }

async function send(method: string, route: string, body?: string | Buffer | FormData, contentType = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...engineAuthHeaders() };
  if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = contentType;
  const res = await fetch(`${engine.url}/v2${route}`, { method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(30_000) });
  return answer(res.status, res.headers.get('content-type') ?? '', await res.text());
}

function answer(status: number, contentType: string, text: string): Answer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status, contentType, text, body };
}

/**
 * Sends the path byte for byte. fetch() normalises dot segments ('..', '%2e%2e') as WHATWG URL
 * parsing demands, so '/user-tasks/%2e%2e/variables/search' would silently become
 * '/variables/search'; a hostile client need not do that, so key tests bypass it.
 */
function sendRaw(method: string, route: string, body?: string): Promise<Answer> {
  const url = new URL(engine.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname, port: url.port, method, path: `${url.pathname.replace(/\/$/, '')}/v2${route}`, timeout: 30_000,
        headers: { accept: 'application/json, application/problem+json', ...engineAuthHeaders(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(answer(res.statusCode ?? 0, String(res.headers['content-type'] ?? ''), Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${route}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

function describeAnswer(a: Answer): string {
  return `${a.status} ${a.contentType} ${a.text.slice(0, 300)}`;
}

/** A 4xx answer shaped as RFC 9457 problem+json. */
function assertProblem(a: Answer, what: string): void {
  if (a.status < 400 || a.status > 499) throw new Error(`${what}: expected 4xx problem, got ${describeAnswer(a)}`);
  if (!/application\/problem\+json/.test(a.contentType)) throw new Error(`${what}: not problem+json: ${describeAnswer(a)}`);
  const b = a.body;
  if (!b || typeof b.type !== 'string' || typeof b.title !== 'string' || b.status !== a.status || typeof b.detail !== 'string' || typeof b.instance !== 'string') {
    throw new Error(`${what}: problem body lacks type/title/status/detail/instance: ${describeAnswer(a)}`);
  }
}

function assertUnchanged(before: DbSnapshot, what: string): void {
  const after = dbSnapshot(dbFile);
  for (const table of Object.keys(before.digests)) {
    if (after.digests[table] !== before.digests[table]) {
      throw new Error(`${what}: table ${table} changed (rows ${before.counts[table]} → ${after.counts[table]})`);
    }
  }
}

// ---------------------------------------------------------------- generators

const INJECTIONS = [
  "'; DROP TABLE jobs; --", "' OR '1'='1", '" OR ""="', '1; DELETE FROM process_instances', "x') UNION SELECT * FROM variables --",
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%00', '\u0000',
  '${7*7}', '{{7*7}}', '=now()', '__proto__', 'constructor', '%', '_', '*', '\\', '\uD800', 'ÅÄÖ\u202E', ' ', '',
];
const injection = fc.constantFrom(...INJECTIONS);
const hostileString = fc.oneof(injection, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Keys of the shape the engine issues but that it never issued. */
const unknownKey = fc.bigInt({ min: 1n, max: 2n ** 50n }).map(String);
function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?')); // lone surrogates cannot be URL-encoded
  }
}
/** Path segments that are not keys at all. */
const invalidKey = fc.oneof(
  injection.filter((s) => s !== '' && s !== ' ' && !s.includes('/') && !s.includes('\\') && s !== '%').map(encodeSegment),
  fc.constantFrom('-1', '1.5', '1e3', '0x10', 'null', 'undefined', 'NaN', '99999999999999999999999', 'abc', '%20', '%2e%2e', '..', '.', '.%2E'),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeSegment),
);

/**
 * A JSON body no strict schema of the route accepts: a non-object top level, an object with an
 * unknown property (every route's schema is strict), or a known property of the wrong type.
 */
function invalidBody(wrong: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const unknownProperty = fc
    .tuple(fc.dictionary(hostileString, anyJson, { maxKeys: 3 }), fc.oneof(injection, fc.string({ minLength: 1, maxLength: 20 }).map((s) => `zz-${s}`)), anyJson)
    .filter(([, k]) => !(k in wrong) && k !== '')
    .map(([obj, k, v]) => {
      const o: Record<string, unknown> = {};
      for (const [kk, vv] of Object.entries(obj)) if (!(kk in wrong)) o[kk] = vv;
      o[k] = v;
      return JSON.stringify(o);
    });
  const nonObject = fc.oneof(fc.array(anyJson, { maxLength: 4 }), fc.integer(), fc.double({ noNaN: true }), hostileString, fc.boolean()).map((v) => JSON.stringify(v));
  const malformed = fc.oneof(hostileString.map((s) => `{${s}`), fc.constantFrom('{', '{"a":', "{'a':1}", '[1,2', '{"a":1,}', 'undefined', 'NaN'));
  const fields = Object.entries(wrong);
  const wrongType = fields.length === 0
    ? unknownProperty
    : fc.constantFrom(...fields).chain(([name, arb]) => arb.map((v) => JSON.stringify({ [name]: v })));
  return fc.oneof(unknownProperty, nonObject, malformed, wrongType);
}

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
const notNumber = fc.oneof(hostileString.filter((s) => !/^\s*-?[0-9]+\s*$/.test(s)), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notObject = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.array(anyJson, { maxLength: 2 }));
const notArray = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));

type KeyKind = 'processDefinition' | 'processInstance' | 'job' | 'userTask' | 'variable' | 'elementInstance' | 'incident';

interface Route {
  method: string;
  path: string;
  /** The kind of key in `:key`, if any. */
  key?: KeyKind;
  /** Known body properties → values of the wrong type. `undefined` = the route takes no body. */
  wrong?: Record<string, fc.Arbitrary<unknown>>;
  /** The route only reads. */
  readOnly?: boolean;
}

const search = { filter: notObject, sort: notArray, page: notObject };

/** Every route of engine/rest/routes/*.ts. */
const ROUTES: Route[] = [
  { method: 'GET', path: '/topology', readOnly: true },
  { method: 'GET', path: '/status', readOnly: true },
  { method: 'PUT', path: '/clock', wrong: { timestamp: notNumber } },
  { method: 'POST', path: '/clock/reset' },
  { method: 'POST', path: '/process-definitions/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/process-definitions/:key', key: 'processDefinition', readOnly: true },
  { method: 'GET', path: '/process-definitions/:key/xml', key: 'processDefinition', readOnly: true },
  { method: 'POST', path: '/process-instances', wrong: { processDefinitionId: notString, variables: notObject, processDefinitionKey: notString, processDefinitionVersion: notNumber } },
  { method: 'POST', path: '/process-instances/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/process-instances/:key', key: 'processInstance', readOnly: true },
  { method: 'POST', path: '/process-instances/:key/cancellation', key: 'processInstance', wrong: { operationReference: fc.oneof(fc.boolean(), fc.array(fc.integer(), { maxLength: 2 })) } },
  { method: 'POST', path: '/jobs/activation', wrong: { type: notString, timeout: notNumber, maxJobsToActivate: notNumber, fetchVariable: notArray } },
  { method: 'POST', path: '/jobs/search', wrong: search, readOnly: true },
  { method: 'POST', path: '/jobs/:key/completion', key: 'job', wrong: { variables: notObject } },
  { method: 'POST', path: '/jobs/:key/failure', key: 'job', wrong: { retries: notNumber, errorMessage: notString, variables: notObject } },
  { method: 'POST', path: '/jobs/:key/error', key: 'job', wrong: { errorCode: notString, variables: notObject } },
  { method: 'PATCH', path: '/jobs/:key', key: 'job', wrong: { changeset: notObject } },
  { method: 'POST', path: '/user-tasks/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/user-tasks/:key', key: 'userTask', readOnly: true },
  { method: 'GET', path: '/user-tasks/:key/form', key: 'userTask', readOnly: true },
  { method: 'POST', path: '/user-tasks/:key/completion', key: 'userTask', wrong: { variables: notObject, action: fc.oneof(fc.integer(), fc.boolean()) } },
  { method: 'POST', path: '/user-tasks/:key/assignment', key: 'userTask', wrong: { assignee: notString, allowOverride: notString } },
  { method: 'DELETE', path: '/user-tasks/:key/assignee', key: 'userTask' },
  { method: 'PATCH', path: '/user-tasks/:key', key: 'userTask', wrong: { changeset: notObject } },
  { method: 'POST', path: '/user-tasks/:key/variables/search', key: 'userTask', wrong: search, readOnly: true },
  { method: 'POST', path: '/variables/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/variables/:key', key: 'variable', readOnly: true },
  { method: 'POST', path: '/element-instances/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/element-instances/:key', key: 'elementInstance', readOnly: true },
  { method: 'POST', path: '/incidents/search', wrong: search, readOnly: true },
  { method: 'GET', path: '/incidents/:key', key: 'incident', readOnly: true },
  { method: 'POST', path: '/incidents/:key/resolution', key: 'incident', wrong: { operationReference: fc.oneof(fc.boolean(), fc.array(fc.integer(), { maxLength: 2 })) } },
  { method: 'POST', path: '/messages/publication', wrong: { name: notString, correlationKey: notString, timeToLive: notNumber, variables: notObject } },
  { method: 'POST', path: '/messages/correlation', wrong: { name: notString, correlationKey: notString, variables: notObject } },
  { method: 'POST', path: '/signals/broadcast', wrong: { signalName: notString, variables: notObject } },
];

const withBody = ROUTES.filter((r) => r.wrong !== undefined);
const withKey = ROUTES.filter((r) => r.key !== undefined);

function routePath(route: Route, key?: string): string {
  return key === undefined ? route.path : route.path.replace(':key', key);
}

// ---------------------------------------------------------------- properties

test('every route with a body answers an invalid body (wrong shape, types, unknown properties, malformed JSON) with 400 problem+json and no change', async () => {
  for (const route of withBody) {
    await fc.assert(
      fc.asyncProperty(invalidBody(route.wrong!), async (body) => {
        const before = dbSnapshot(dbFile);
        const answer = await send(route.method, routePath(route, route.key ? keys[route.key] : undefined), body);
        const what = `${route.method} ${route.path} with ${body.slice(0, 200)}`;
        assertProblem(answer, what);
        if (answer.status !== 400) throw new Error(`${what}: expected 400, got ${describeAnswer(answer)}`);
        assertUnchanged(before, what);
      }),
      { numRuns: RUNS },
    );
  }
});

test('every route with a key answers unknown keys with 404 and non-keys with 400/404, as problem+json, with no change', async () => {
  for (const route of withKey) {
    // A well-formed body where the route takes one, so only the key is wrong.
    const body = route.path.endsWith('/assignment') ? '{"assignee":"eve"}'
      : route.path.endsWith('/error') ? '{"errorCode":"x"}'
        : route.method === 'PATCH' ? '{"changeset":{}}'
          : route.wrong ? '{}' : undefined;
    await fc.assert(
      fc.asyncProperty(fc.oneof(unknownKey.map((k) => ({ k, unknown: true })), invalidKey.map((k) => ({ k, unknown: false }))), async ({ k, unknown }) => {
        const before = dbSnapshot(dbFile);
        const answer = await sendRaw(route.method, routePath(route, k), body);
        const what = `${route.method} ${route.path} with key '${k}'`;
        assertProblem(answer, what);
        if (unknown && answer.status !== 404) throw new Error(`${what}: expected 404, got ${describeAnswer(answer)}`);
        assertUnchanged(before, what);
      }),
      { numRuns: RUNS },
    );
  }
});

test('searches with hostile values in well-formed filters answer 200 or 4xx (never 5xx) and change nothing', async () => {
  const searches: Record<string, string[]> = {
    '/process-instances/search': ['processDefinitionId', 'state', 'processInstanceKey'],
    '/jobs/search': ['type', 'worker', 'state', 'errorMessage'],
    '/user-tasks/search': ['assignee', 'candidateGroup', 'elementId', 'state'],
    '/variables/search': ['name', 'value', 'processInstanceKey'],
    '/incidents/search': ['errorMessage', 'elementId'],
    '/process-definitions/search': ['processDefinitionId', 'name'],
    '/element-instances/search': ['elementId', 'type'],
  };
  const ops = ['$eq', '$neq', '$like', '$in', '$notIn', '$exists', '$gt', '$lt'];
  for (const [route, fields] of Object.entries(searches)) {
    const filterValue = fc.oneof(
      hostileString,
      fc.tuple(fc.constantFrom(...ops), hostileString).map(([op, v]) => ({ [op]: op === '$in' || op === '$notIn' ? [v] : op === '$exists' ? true : v })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), filterValue, fc.option(fc.constantFrom(...fields)), async (field, value, sortField) => {
        const body: Record<string, unknown> = { filter: { [field]: value } };
        if (sortField) body.sort = [{ field: sortField, order: 'DESC' }];
        const before = dbSnapshot(dbFile);
        const answer = await send('POST', route, JSON.stringify(body));
        const what = `POST ${route} with ${JSON.stringify(body).slice(0, 200)}`;
        if (answer.status >= 500) throw new Error(`${what}: ${describeAnswer(answer)}`);
        if (answer.status >= 400) assertProblem(answer, what);
        else if (!Array.isArray(answer.body?.items)) throw new Error(`${what}: 200 without items: ${describeAnswer(answer)}`);
        assertUnchanged(before, what);
      }),
      { numRuns: RUNS },
    );
  }
});

test('unknown routes and methods answer 404 problem+json', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.oneof(injection, fc.webPath()), async (method, p) => {
      const route = `/${encodeSegment(p)}/zz-unknown`;
      const before = dbSnapshot(dbFile);
      const answer = await send(method, route, method === 'GET' ? undefined : '{}');
      assertProblem(answer, `${method} ${route}`);
      assertUnchanged(before, `${method} ${route}`);
    }),
    { numRuns: RUNS },
  );
});

// ---------------------------------------------------------------- huge payloads and odd encodings

test('a JSON body above the limit is refused with 413 problem+json, without a hang', async () => {
  const before = dbSnapshot(dbFile);
  const huge = JSON.stringify({ variables: { blob: 'x'.repeat(11 * 1024 * 1024) } });
  for (const route of ['/process-instances', `/user-tasks/${keys.userTask}/completion`, `/jobs/${keys.job}/completion`, '/messages/publication']) {
    const answer = await send('POST', route, huge);
    assertProblem(answer, `11 MB to ${route}`);
    expect(answer.status).toBe(413);
  }
  assertUnchanged(before, 'huge bodies');
});

test('5 MB strings in otherwise invalid bodies are refused (over the 4 MB payload limit: 413) and change nothing', async () => {
  const five = 'Ö'.repeat(2.5 * 1024 * 1024);
  const before = dbSnapshot(dbFile);
  const cases: [string, string, string][] = [
    ['POST', '/process-instances', JSON.stringify({ processDefinitionId: five })],
    ['POST', `/user-tasks/${keys.userTask}/completion`, JSON.stringify({ variables: { note: five }, [five.slice(0, 100)]: 1 })],
    ['POST', `/jobs/${keys.job}/error`, JSON.stringify({ errorCode: 1, errorMessage: five })],
    ['POST', '/messages/publication', JSON.stringify({ name: five, timeToLive: 'soon' })],
    ['POST', '/user-tasks/search', JSON.stringify({ filter: { assignee: five }, extra: five })],
  ];
  for (const [method, route, body] of cases) {
    const answer = await send(method, route, body);
    assertProblem(answer, `5 MB ${method} ${route}`);
    expect(answer.status).toBe(413);
  }
  // A 3 MB value (under the limit) for a process that does not exist: 404, nothing stored.
  const three = 'Ö'.repeat(1.5 * 1024 * 1024);
  const missing = await send('POST', '/process-instances', JSON.stringify({ processDefinitionId: 'no-such-process', variables: { blob: three } }));
  assertProblem(missing, '3 MB variable for an unknown process');
  expect(missing.status).toBe(404);
  assertUnchanged(before, '5 MB strings');
});

test('deeply nested JSON is answered (4xx or accepted), never with 5xx or a crash', async () => {
  const depth = 100_000;
  const nested = '['.repeat(depth) + ']'.repeat(depth);
  const before = dbSnapshot(dbFile);
  const a = await send('POST', '/messages/correlation', `{"name":"x","correlationKey":"y","variables":{"deep":${nested}},"zz":1}`);
  assertProblem(a, 'deeply nested body');
  assertUnchanged(before, 'deeply nested body');
  // Valid shape, unknown process: must be a 404, not an error while handling the nesting.
  const b = await send('POST', '/process-instances', `{"processDefinitionId":"no-such-process","variables":{"deep":${nested}}}`);
  assertProblem(b, 'deeply nested variables');
  assertUnchanged(before, 'deeply nested variables');
  // The engine still serves.
  expect((await send('GET', '/topology')).status).toBe(200);
});

test('hostile multipart deployments (garbage files, wrong names, injection, 60 MB) are refused with 4xx and change nothing', async () => {
  const fileName = fc.oneof(injection.map((s) => `${s}.bpmn`), fc.constantFrom('x.bpmn', 'x.form', 'x.txt', '../../x.bpmn', 'x.bpmn\u0000.exe', ''));
  const content = fc.oneof(
    fc.string({ maxLength: 200 }).map((s) => `\u0001garbage ${s}`),
    injection.map((s) => `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="${s}" isExecutable="true"/>`),
    fc.constantFrom('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', '{"components":"not-a-list"', '<a><a><a>'),
  );
  await fc.assert(
    fc.asyncProperty(fileName, content, fc.option(fc.constantFrom('tenantId', 'other', 'resources-x')), async (name, text, extraField) => {
      const form = new FormData();
      form.append('resources', new File([text], name));
      if (extraField) form.append(extraField, 'evil');
      const before = dbSnapshot(dbFile);
      const answer = await send('POST', '/deployments', form);
      const what = `deploy ${JSON.stringify(name)} ${JSON.stringify(text.slice(0, 80))}`;
      assertProblem(answer, what);
      assertUnchanged(before, what);
    }),
    { numRuns: RUNS },
  );
  const before = dbSnapshot(dbFile);
  const big = new FormData();
  big.append('resources', new File([Buffer.alloc(60 * 1024 * 1024, 0x41)], 'big.bpmn'));
  const answer = await send('POST', '/deployments', big);
  assertProblem(answer, '60 MB deployment');
  expect(answer.status).toBe(413);
  const notMultipart = await send('POST', '/deployments', '{"resources":[]}');
  assertProblem(notMultipart, 'JSON deployment');
  assertUnchanged(before, 'big deployments');
});

test('deeply nested variables (valid shape, existing process/job/task) are refused with 400 problem+json, never 5xx; store unchanged', async () => {
  for (const depth of [5_000, 50_000]) {
    const nested = '['.repeat(depth) + ']'.repeat(depth);
    const cases: [string, string][] = [
      ['/process-instances', `{"processDefinitionId":"service-chain","variables":{"lastType":"a","deep":${nested}}}`],
      [`/jobs/${keys.job}/completion`, `{"variables":{"deep":${nested}}}`],
      [`/user-tasks/${keys.userTask}/completion`, `{"variables":{"deep":${nested}}}`],
      ['/messages/publication', `{"name":"payment","correlationKey":"VK-2026-000001","timeToLive":60000,"variables":{"deep":${nested}}}`],
    ];
    for (const [route, body] of cases) {
      const before = dbSnapshot(dbFile);
      const answer = await send('POST', route, body);
      const what = `depth ${depth} to ${route}`;
      assertProblem(answer, what);
      expect({ what, status: answer.status }).toEqual({ what, status: 400 });
      assertUnchanged(before, what);
    }
  }
});
