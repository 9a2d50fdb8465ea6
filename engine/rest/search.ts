import { z } from 'zod';
import type { Db } from '../store/db';
import {
  matchingKeys, parseOrder, searchPage, WhereBuilder, type FieldSpec, type FieldSpecs, type OrderTerm, type PageRequest, type SortValue,
} from '../store/search';
import { invalidArgument } from '../runtime/errors';
import { iso, keyString, parseInput } from './validation';

/**
 * Search endpoints (POST .../search): the filter/sort/page request of the Orchestration Cluster API validated and
 * translated to a query of engine/store/search.ts (one SQL query with bound parameters, so filtering and paging
 * happen in SQLite on indexed columns instead of in memory), and its rows to the answer with page cursors.
 */

export { WhereBuilder, type FieldKind, type FieldSpec, type FieldSpecs } from '../store/search';

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

/**
 * A cursor carries the row's position (`o`, for the answer's offset bookkeeping) and the values of every
 * ORDER BY term of the row it points at (`v`; the default order ends in a unique key). The next page is the
 * rows strictly after those values in that order (keyset paging), so reading page n costs the same as
 * reading page 1, under any sort. Cursors of the key-only form (`k`) are still read.
 */
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

export interface SearchDefinition<Row, Item> {
  /** FROM clause, e.g. `user_tasks t` (see SearchSource in engine/store/search.ts). */
  from: string;
  /** FROM clause for the total (SearchSource.countFrom). */
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
  const pageRequest: PageRequest = boundary
    ? { kind: request.page?.after ? 'after' : 'before', values: boundary.values, limit }
    : { kind: 'offset', offset: request.page?.from ?? 0, limit };
  const { total, rows, sortValues } = searchPage<Row>(db, { from: def.from, fromParams, countFrom: def.countFrom }, where, terms, pageRequest);
  const offset = !boundary ? (request.page?.from ?? 0) : request.page?.after ? boundary.offset : Math.max(0, boundary.offset - rows.length);
  const page: { totalItems: number; hasMoreTotalItems: boolean; startCursor?: string; endCursor?: string } = { totalItems: total, hasMoreTotalItems: false };
  if (rows.length > 0) {
    page.startCursor = encodeCursor({ o: offset, v: sortValues[0] });
    page.endCursor = encodeCursor({ o: offset + rows.length, v: sortValues[rows.length - 1] });
  }
  return { items: rows.map(def.toItem), page };
}

/** Keys (`keyColumn`) of the rows a search's `filter` selects, plus `extra` conditions (batch operations). */
export function filterKeys<Row, Item>(db: Db, def: SearchDefinition<Row, Item>, filter: unknown, keyColumn: string, extra: (where: WhereBuilder) => void = () => {}): number[] {
  const where = filterWhere(def, filter);
  extra(where);
  return matchingKeys(db, { from: def.from }, where, keyColumn);
}
