/**
 * Camunda's 8.8 OpenAPI spec as operations + ajv validators for its JSON schemas. The spec is another repository's
 * file, so it is not committed here: it is read from ../shared/contract/rest-api.8.8.yaml beside the checkout (or
 * CAMUNDA_OPENAPI_SPEC), see contract/README.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const SPEC_FILE = process.env.CAMUNDA_OPENAPI_SPEC
  ? path.resolve(process.env.CAMUNDA_OPENAPI_SPEC)
  : path.resolve(__dirname, '..', '..', '..', 'shared', 'contract', 'rest-api.8.8.yaml');

/** Whether the spec file is there; without it the contract test is skipped with a message naming the path. */
export const SPEC_AVAILABLE = fs.existsSync(SPEC_FILE);

type Json = Record<string, unknown>;
export interface SpecOperation { operationId: string; method: string; path: string; op: Json }

export function loadSpec(): Json {
  return YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as Json;
}

export function operations(spec: Json): Map<string, SpecOperation> {
  const out = new Map<string, SpecOperation>();
  for (const [p, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (op && typeof op === 'object' && typeof op.operationId === 'string') {
        out.set(op.operationId.toLowerCase(), { operationId: op.operationId, method: method.toUpperCase(), path: p, op });
      }
    }
  }
  return out;
}

/**
 * OpenAPI 3.0 → JSON Schema 2019-09, the way OpenAPI tools (and Camunda's server) read the spec:
 * - `nullable: true` becomes a union with null;
 * - `additionalProperties: false` becomes `unevaluatedProperties: false`, so properties brought in by `allOf`
 *   count (draft-07 `additionalProperties` would reject e.g. `page` of SearchQueryRequest);
 * - a `type` beside `oneOf`/`anyOf` is dropped (the spec writes `type: object` over a string-or-object union).
 */
function convert(node: unknown, int64AsString = false): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, int64AsString));
  if (!node || typeof node !== 'object') return node;
  const obj: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'discriminator' || k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    obj[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as Json).map(([pk, pv]) => [pk, convert(pv, int64AsString)]))
      : convert(v, int64AsString);
  }
  if (obj.additionalProperties === false) {
    delete obj.additionalProperties;
    obj.unevaluatedProperties = false;
  }
  if ((obj.oneOf || obj.anyOf) && obj.type) delete obj.type;
  if (int64AsString && obj.type === 'integer' && obj.format === 'int64') {
    // requests only: the SDK sends int64 fields (timeout, requestTimeout, timeToLive) as decimal strings to keep
    // precision; Camunda's server (Jackson) reads them as longs. Anything but a decimal integer still fails.
    delete obj.type;
    return { ...obj, anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] };
  }
  if (obj.nullable === true) {
    delete obj.nullable;
    if (typeof obj.type === 'string' && !obj.$ref && !obj.oneOf && !obj.anyOf && !obj.allOf) obj.type = [obj.type, 'null'];
    else return { anyOf: [obj, { type: 'null' }] };
  }
  delete obj.nullable;
  return obj;
}

export class SpecValidator {
  private ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: true });
  private cache = new Map<string, ValidateFunction>();
  constructor(private spec: Json) {
    addFormats(this.ajv);
    const known = new Set(['date-time', 'uri', 'binary', 'uuid']);
    JSON.stringify(spec, (k, v) => { if (k === 'format' && typeof v === 'string' && !known.has(v)) { known.add(v); this.ajv.addFormat(v, true); } return v; });
    this.ajv.addFormat('binary', true);
    // RFC 9457 `instance` (format uri in the spec) is a URI reference: Camunda answers relative paths like /v2/jobs/1
    this.ajv.addFormat('uri', { validate: (v: string) => { try { new URL(v, 'http://base.invalid'); return true; } catch { return false; } } });
    this.ajv.addSchema({ $id: 'spec', components: convert((spec as { components: unknown }).components) });
    this.ajv.addSchema({ $id: 'spec-request', components: convert((spec as { components: unknown }).components, true) });
  }

  private deref(node: Json): Json {
    let n = node;
    while (typeof n.$ref === 'string') {
      n = n.$ref.replace(/^#\//, '').split('/').reduce<Json>((acc, part) => acc[part] as Json, this.spec);
    }
    return n;
  }

  private compile(key: string, schema: unknown, request = false): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      const id = request ? 'spec-request' : 'spec';
      const rewritten = JSON.parse(JSON.stringify(convert(schema, request)).replace(/"#\/components\//g, `"${id}#/components/`));
      v = this.ajv.compile(rewritten);
      this.cache.set(key, v);
    }
    return v;
  }

  /** The JSON schema of `operation`'s response for `status` and its content type, or undefined when the spec has no body. */
  responseSchema(o: SpecOperation, status: number): { contentType: string; schema: unknown } | undefined | 'undocumented' {
    const responses = o.op.responses as Record<string, Json>;
    const r = responses[String(status)];
    if (!r) return 'undocumented';
    const content = this.deref(r).content as Record<string, Json> | undefined;
    if (!content) return undefined;
    const [contentType, media] = Object.entries(content)[0];
    return { contentType, schema: media.schema };
  }

  /** Validates a response body; returns ajv error texts (empty when valid). */
  validateResponse(o: SpecOperation, status: number, body: unknown): string[] {
    const rs = this.responseSchema(o, status);
    if (rs === 'undocumented') {
      // an error status the spec does not list for this operation: still must be a ProblemDetail
      if (status < 400) return [`status ${status} is not a documented response of ${o.operationId}`];
      const v = this.compile('ProblemDetail', { $ref: '#/components/schemas/ProblemDetail' });
      return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
    if (!rs) return body === undefined || body === '' ? [] : [`${o.operationId} ${status} has no body in the spec, got ${JSON.stringify(body).slice(0, 200)}`];
    const v = this.compile(`${o.operationId}:${status}`, rs.schema);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Validates a JSON request body against the operation's requestBody schema. */
  validateRequest(o: SpecOperation, body: unknown): string[] {
    const rb = o.op.requestBody ? this.deref(o.op.requestBody as Json) : undefined;
    const media = (rb?.content as Record<string, Json> | undefined)?.['application/json'];
    if (!media) return [`${o.operationId} has no application/json request body in the spec`];
    const v = this.compile(`${o.operationId}:request`, media.schema, true);
    return v(body) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
