import { prepare, type Db } from './db';

/**
 * The SQL of the search endpoints: filter conditions on indexed columns, keyset (cursor) and offset paging, one
 * count and one page query per search. The REST layer (engine/rest/search.ts) validates the request and turns it
 * into a SearchQuery; everything that touches SQL text is here.
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

/** Conditions joined by AND, with their bound parameters in order. */
export class WhereBuilder {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): void {
    this.conditions.push(condition);
    this.params.push(...params);
  }

  /** A filter field of the API: a plain value (equality) or an object of operators ($eq $neq $in … $like). */
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

/** A value of an ORDER BY term, as a cursor carries it. */
export type SortValue = number | string | null;

export interface OrderTerm { expr: string; desc: boolean }

/** `t.a ASC, t.key DESC` → terms (default orders are plain column lists). */
export function parseOrder(order: string): OrderTerm[] {
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

/** Where a search reads from. */
export interface SearchSource {
  /** FROM clause, e.g. `user_tasks t` or a derived table. */
  from: string;
  /** Parameters bound to placeholders inside `from`. */
  fromParams?: unknown[];
  /**
   * FROM clause for the total when `from` joins tables that only add display columns and never drop a row (the
   * count then skips one lookup per matching row, which is most of its cost over thousands of rows). Takes no
   * parameters.
   */
  countFrom?: string;
}

/** One page: by offset, or the rows strictly after / before a boundary row's ORDER BY values (keyset). */
export type PageRequest =
  | { kind: 'offset'; offset: number; limit: number }
  | { kind: 'after' | 'before'; values: SortValue[]; limit: number };

export interface SearchPage<Row> {
  total: number;
  rows: Row[];
  /** The ORDER BY values of each row, in the order of `rows` (for the answer's cursors). */
  sortValues: SortValue[][];
}

/** The total of `where` and one page of rows ordered by `terms` (the last term must make the order unique). */
export function searchPage<Row>(db: Db, source: SearchSource, where: WhereBuilder, terms: OrderTerm[], page: PageRequest): SearchPage<Row> {
  const fromParams = source.fromParams ?? [];
  const total = (prepare(db, `SELECT COUNT(*) AS n FROM ${source.countFrom ?? source.from} ${where.sql()}`)
    .get(...(source.countFrom ? [] : fromParams), ...where.params) as { n: number }).n;
  // The order terms' values ride along as _s0, _s1, … so the answer's cursors can carry them.
  const select = `SELECT *, ${terms.map((t, i) => `${t.expr} AS _s${i}`).join(', ')} FROM ${source.from}`;
  const pageWhere = new WhereBuilder();
  pageWhere.conditions.push(...where.conditions);
  pageWhere.params.push(...where.params);
  let rows: Record<string, unknown>[];
  if (page.kind === 'offset') {
    rows = prepare(db, `${select} ${pageWhere.sql()} ORDER BY ${orderSql(terms)} LIMIT ? OFFSET ?`).all(...fromParams, ...pageWhere.params, page.limit, page.offset) as Record<string, unknown>[];
  } else {
    const order = page.kind === 'after' ? terms : reversed(terms);
    const boundary = afterCondition(order, page.values);
    pageWhere.add(boundary.sql, ...boundary.params);
    rows = prepare(db, `${select} ${pageWhere.sql()} ORDER BY ${orderSql(order)} LIMIT ?`).all(...fromParams, ...pageWhere.params, page.limit) as Record<string, unknown>[];
    if (page.kind === 'before') rows.reverse();
  }
  const sortValues = rows.map((row) => terms.map((_, i) => row[`_s${i}`] as SortValue));
  for (const row of rows) for (let i = 0; i < terms.length; i++) delete row[`_s${i}`];
  return { total, rows: rows as Row[], sortValues };
}

/** The `key` column of every row of `source` matching `where`, in key order (`keyColumn` names it, e.g. `p.key`). */
export function matchingKeys(db: Db, source: SearchSource, where: WhereBuilder, keyColumn: string): number[] {
  return (prepare(db, `SELECT ${keyColumn} AS key FROM ${source.from} ${where.sql()} ORDER BY ${keyColumn}`)
    .all(...(source.fromParams ?? []), ...where.params) as { key: number }[]).map((r) => r.key);
}
