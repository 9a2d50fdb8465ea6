import { z } from 'zod';
import { prepare, type Db } from '../store/db';
import { invalidArgument } from '../runtime/errors';
import { iso, keyString, parseInput } from './validation';

/**
 * Search endpoints (POST .../search): the filter/sort/page request of the Orchestration Cluster API
 * translated to one SQL query with bound parameters, so filtering and paging happen in SQLite on
 * indexed columns instead of in memory.
 */

export type FieldKind = 'string' | 'key' | 'int' | 'date' | 'bool';

export interface FieldSpec {
  /** SQL expression of the column (e.g. `t.assignee`). */
  column: string;
  kind: FieldKind;
  /** For fields stored in another table: wraps a condition on `column` (e.g. an EXISTS subquery). */
  via?: (condition: string) => string;
  /** Allowed values (enums). */
  values?: readonly string[];
}

export type FieldSpecs = Record<string, FieldSpec>;

function valueSchema(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'key':
      return keyString;
    case 'int':
      return z.number().int();
    case 'date':
      return iso;
    case 'bool':
      return z.boolean();
    case 'string':
      return spec.values ? z.enum(spec.values as [string, ...string[]]) : z.string();
  }
}

function fieldSchema(spec: FieldSpec): z.ZodType {
  const value = valueSchema(spec);
  if (spec.kind === 'bool') return value;
  const ops: Record<string, z.ZodType> = {
    $eq: value.optional(),
    $neq: value.optional(),
    $exists: z.boolean().optional(),
    $in: z.array(value).optional(),
  };
  if (spec.kind === 'int' || spec.kind === 'date') Object.assign(ops, { $gt: value.optional(), $gte: value.optional(), $lt: value.optional(), $lte: value.optional() });
  if (spec.kind === 'string' || spec.kind === 'key') ops.$notIn = z.array(value).optional();
  if (spec.kind === 'string') ops.$like = z.string().optional();
  return z.union([value, z.strictObject(ops)]);
}

export function searchRequestSchema(fields: FieldSpecs, sortFields: readonly string[], extraFilters: Record<string, z.ZodType> = {}) {
  const filterShape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) filterShape[name] = fieldSchema(spec).optional();
  for (const [name, schema] of Object.entries(extraFilters)) filterShape[name] = schema.optional();
  const limit = z.number().int().min(1).max(10000).optional();
  return z.strictObject({
    filter: z.strictObject(filterShape).optional(),
    sort: z.array(z.strictObject({ field: z.enum(sortFields as [string, ...string[]]), order: z.enum(['ASC', 'DESC', 'asc', 'desc']).optional() })).optional(),
    page: z
      .union([
        z.strictObject({ from: z.number().int().min(0).optional(), limit }),
        z.strictObject({ after: z.string().min(1), limit }),
        z.strictObject({ before: z.string().min(1), limit }),
      ])
      .optional(),
  });
}

export type SearchRequest = {
  filter?: Record<string, unknown>;
  sort?: { field: string; order?: string }[];
  page?: { from?: number; limit?: number; after?: string; before?: string };
};

function toSql(spec: FieldSpec, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (spec.kind === 'key') return Number(value);
  if (spec.kind === 'date') return Date.parse(String(value));
  if (spec.kind === 'bool') return value ? 1 : 0;
  return value;
}

/** Camunda's $like uses `*` (any run) and `?` (one character); `\` escapes. */
function likePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += escapeLike(pattern[++i]);
    else if (c === '*') out += '%';
    else if (c === '?') out += '_';
    else out += escapeLike(c);
  }
  return out;
}
const escapeLike = (c: string) => (c === '%' || c === '_' || c === '!' ? `!${c}` : c);

export class WhereBuilder {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): void {
    this.conditions.push(condition);
    this.params.push(...params);
  }

  field(spec: FieldSpec, filter: unknown): void {
    const wrap = (condition: string) => (spec.via ? spec.via(condition) : condition);
    const col = spec.column;
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
      return this.add(wrap(`${col} = ?`), toSql(spec, filter));
    }
    const ops = filter as Record<string, unknown>;
    const compare: Record<string, string> = { $eq: '=', $neq: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };
    for (const [op, value] of Object.entries(ops)) {
      if (value === undefined) continue;
      if (op in compare) this.add(wrap(`${col} ${compare[op]} ?`), toSql(spec, value));
      else if (op === '$exists') this.add(value ? wrap(`${col} IS NOT NULL`) : spec.via ? `NOT ${spec.via(`${col} IS NOT NULL`)}` : `${col} IS NULL`);
      else if (op === '$in' || op === '$notIn') {
        const list = (value as unknown[]).map((v) => toSql(spec, v));
        if (list.length === 0) {
          this.add(op === '$in' ? '0' : '1');
          continue;
        }
        const marks = list.map(() => '?').join(', ');
        if (op === '$in') this.add(wrap(`${col} IN (${marks})`), ...list);
        else this.add(spec.via ? `NOT ${spec.via(`${col} IN (${marks})`)}` : `(${col} IS NULL OR ${col} NOT IN (${marks}))`, ...list);
      } else if (op === '$like') this.add(wrap(`${col} LIKE ? ESCAPE '!'`), likePattern(String(value)));
    }
  }

  sql(): string {
    return this.conditions.length > 0 ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}

/**
 * A cursor carries the row's position (`o`, for the answer's offset bookkeeping) and the values of every
 * ORDER BY term of the row it points at (`v`; the default order ends in a unique key). The next page is the
 * rows strictly after those values in that order (keyset paging), so reading page n costs the same as
 * reading page 1, under any sort. Cursors of the key-only form (`k`) are still read.
 */
type SortValue = number | string | null;
interface Cursor { o: number; v?: SortValue[]; k?: number }
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64');
const isSortValue = (x: unknown): x is SortValue => x === null || typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));
function decodeCursor(cursor: string): Cursor {
  try {
    const { o, k, v } = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { o?: unknown; k?: unknown; v?: unknown };
    const validKey = k === undefined || (typeof k === 'number' && Number.isSafeInteger(k));
    const validValues = v === undefined || (Array.isArray(v) && v.every(isSortValue));
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0 && validKey && validValues) {
      return { o, k: k as number | undefined, v: v as SortValue[] | undefined };
    }
  } catch {
    // fall through
  }
  throw invalidArgument(`The page cursor '${cursor}' is not valid. Use a startCursor/endCursor from a previous answer.`);
}

interface OrderTerm { expr: string; desc: boolean }

/** `t.a ASC, t.key DESC` → terms (default orders are plain column lists). */
function parseOrder(order: string): OrderTerm[] {
  return order.split(/,\s*/).map((part) => {
    const m = /^(.+?)\s+(ASC|DESC)$/i.exec(part.trim());
    return m ? { expr: m[1], desc: m[2].toUpperCase() === 'DESC' } : { expr: part.trim(), desc: false };
  });
}

/**
 * "Row comes strictly after `values` in the order of `terms`", NULL-aware as SQLite sorts (NULL first
 * ascending, last descending): (e0 after v0) OR (e0 IS v0 AND e1 after v1) OR …
 */
function afterCondition(terms: OrderTerm[], values: SortValue[]): { sql: string; params: unknown[] } {
  const alternatives: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < terms.length; i++) {
    const parts: string[] = [];
    const partParams: unknown[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${terms[j].expr} IS ?`);
      partParams.push(values[j]);
    }
    const { expr, desc } = terms[i];
    const value = values[i];
    if (value === null) {
      if (desc) continue; // nothing sorts after NULL when descending
      parts.push(`${expr} IS NOT NULL`);
    } else if (desc) {
      parts.push(`(${expr} < ? OR ${expr} IS NULL)`);
      partParams.push(value);
    } else {
      parts.push(`${expr} > ?`);
      partParams.push(value);
    }
    alternatives.push(`(${parts.join(' AND ')})`);
    params.push(...partParams);
  }
  return { sql: alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '0', params };
}

const orderSql = (terms: OrderTerm[]) => terms.map((t) => `${t.expr} ${t.desc ? 'DESC' : 'ASC'}`).join(', ');
const reversed = (terms: OrderTerm[]) => terms.map((t) => ({ expr: t.expr, desc: !t.desc }));

export interface SearchDefinition<Row, Item> {
  /** FROM clause, e.g. `user_tasks t`. */
  from: string;
  /**
   * FROM clause for the total when `from` joins tables that only add display columns and never drop a row (the
   * count then skips one lookup per matching row, which is most of its cost over thousands of rows).
   */
  countFrom?: string;
  fields: FieldSpecs;
  /** API sort field → SQL expression. */
  sort: Record<string, string>;
  /** Tiebreaker and default order. */
  defaultOrder: string;
  extraFilters?: Record<string, z.ZodType>;
  applyExtraFilters?: (where: WhereBuilder, filter: Record<string, unknown>) => void;
  /** Conditions every query of this search carries (rows the API never shows). */
  baseFilter?: (where: WhereBuilder) => void;
  toItem: (row: Row) => Item;
}

/**
 * Building a search's zod schema costs more than most of its queries (a field schema per filter field and
 * operator), so it is built once per definition.
 */
const schemas = new WeakMap<object, ReturnType<typeof searchRequestSchema>>();
function schemaOf<Row, Item>(def: SearchDefinition<Row, Item>): ReturnType<typeof searchRequestSchema> {
  let schema = schemas.get(def);
  if (!schema) schemas.set(def, (schema = searchRequestSchema(def.fields, Object.keys(def.sort), def.extraFilters)));
  return schema;
}

/**
 * The WHERE clause of a search's `filter` alone (batch operations and statistics select by the same filter
 * as the search): validated like the search request, so an unknown field is a 400 here too.
 */
export function filterWhere<Row, Item>(def: SearchDefinition<Row, Item>, filter: unknown): WhereBuilder {
  const request = parseInput(schemaOf(def), { filter: filter ?? {} }, 'filter') as SearchRequest;
  const where = new WhereBuilder();
  def.baseFilter?.(where);
  for (const [name, value] of Object.entries(request.filter ?? {})) {
    if (value !== undefined && def.fields[name]) where.field(def.fields[name], value);
  }
  def.applyExtraFilters?.(where, request.filter ?? {});
  return where;
}

/** The boundary a cursor names, checked against this request's order (a cursor of another sort is refused). */
function cursorValues(cursor: Cursor, terms: OrderTerm[], text: string): { offset: number; values: SortValue[] } {
  const values = cursor.v ?? (cursor.k !== undefined && terms.length === 1 ? [cursor.k] : undefined);
  if (!values || values.length !== terms.length) {
    throw invalidArgument(`The page cursor '${text}' does not belong to this sort order. Use a startCursor/endCursor from an answer with the same sort.`);
  }
  return { offset: cursor.o, values };
}

/** `fromParams` bind placeholders inside `def.from` (for derived tables). */
export function runSearch<Row, Item>(db: Db, def: SearchDefinition<Row, Item>, body: unknown, baseFilter?: (where: WhereBuilder) => void, fromParams: unknown[] = []) {
  // No body is an empty query; `null` or any other non-object is refused by the schema.
  const request = parseInput(schemaOf(def), body === undefined ? {} : body, 'search request') as SearchRequest;
  const where = new WhereBuilder();
  baseFilter?.(where);
  const filter = request.filter ?? {};
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && def.fields[name]) where.field(def.fields[name], value);
  }
  def.applyExtraFilters?.(where, filter);
  const limit = request.page?.limit ?? 100;
  const terms = [
    ...(request.sort ?? []).map((x) => ({ expr: def.sort[x.field], desc: (x.order ?? 'ASC').toUpperCase() === 'DESC' })),
    ...parseOrder(def.defaultOrder),
  ];
  const cursor = request.page?.after ?? request.page?.before;
  const boundary = cursor === undefined ? undefined : cursorValues(decodeCursor(cursor), terms, cursor);
  const total = (prepare(db, `SELECT COUNT(*) AS n FROM ${def.countFrom ?? def.from} ${where.sql()}`).get(...(def.countFrom ? [] : fromParams), ...where.params) as { n: number }).n;
  // The order terms' values ride along as _s0, _s1, … so the answer's cursors can carry them.
  const select = `SELECT *, ${terms.map((t, i) => `${t.expr} AS _s${i}`).join(', ')} FROM ${def.from}`;
  let rows: Record<string, unknown>[];
  let offset: number;
  if (boundary && request.page?.after) {
    const after = afterCondition(terms, boundary.values);
    where.add(after.sql, ...after.params);
    rows = prepare(db, `${select} ${where.sql()} ORDER BY ${orderSql(terms)} LIMIT ?`).all(...fromParams, ...where.params, limit) as Record<string, unknown>[];
    offset = boundary.offset;
  } else if (boundary) {
    const back = reversed(terms);
    const before = afterCondition(back, boundary.values);
    where.add(before.sql, ...before.params);
    rows = (prepare(db, `${select} ${where.sql()} ORDER BY ${orderSql(back)} LIMIT ?`).all(...fromParams, ...where.params, limit) as Record<string, unknown>[]).reverse();
    offset = Math.max(0, boundary.offset - rows.length);
  } else {
    offset = request.page?.from ?? 0;
    rows = prepare(db, `${select} ${where.sql()} ORDER BY ${orderSql(terms)} LIMIT ? OFFSET ?`).all(...fromParams, ...where.params, limit, offset) as Record<string, unknown>[];
  }
  const valuesOf = (row: Record<string, unknown>) => terms.map((_, i) => row[`_s${i}`] as SortValue);
  const page: { totalItems: number; hasMoreTotalItems: boolean; startCursor?: string; endCursor?: string } = { totalItems: total, hasMoreTotalItems: false };
  if (rows.length > 0) {
    page.startCursor = encodeCursor({ o: offset, v: valuesOf(rows[0]) });
    page.endCursor = encodeCursor({ o: offset + rows.length, v: valuesOf(rows[rows.length - 1]) });
  }
  for (const row of rows) for (let i = 0; i < terms.length; i++) delete row[`_s${i}`];
  return { items: (rows as Row[]).map(def.toItem), page };
}
