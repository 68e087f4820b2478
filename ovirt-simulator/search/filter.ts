import { parseSearch, searchError, wildcardMatch, type Condition } from './query';

/** A field's value for comparison: strings match with wildcards; numbers and ranks compare by order. */
export type FieldValue = string | number | undefined | string[];

export interface FieldSpec<T> {
  get(entity: T): FieldValue;
  /** Enumerated fields: normalises the user's value (e.g. `NonResponsive` → `nonresponsive`) or rejects it. */
  normalize?(value: string): string | number;
}

export interface SearchOptions {
  search: string | undefined;
  max: number | undefined;
  caseSensitive: boolean;
  /** The engine's default order for this collection (reference §11). */
  defaultSort: { field: string; desc: boolean };
}

function compare(actual: FieldValue, cond: Condition, expected: string | number, caseSensitive: boolean): boolean {
  if (actual === undefined) return cond.op === '!=';
  if (Array.isArray(actual)) {
    const any = actual.some((a) => compare(a, { ...cond, op: '=' }, expected, caseSensitive));
    return cond.op === '!=' ? !any : any;
  }
  if (cond.op === '=' || cond.op === '!=') {
    const equal =
      typeof actual === 'number' || typeof expected === 'number'
        ? Number(actual) === Number(expected)
        : wildcardMatch(String(expected), actual, caseSensitive);
    return cond.op === '=' ? equal : !equal;
  }
  const a = typeof actual === 'number' ? actual : actual.toLowerCase();
  const b = typeof actual === 'number' ? Number(expected) : String(expected).toLowerCase();
  switch (cond.op) {
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/**
 * Filters, sorts and limits a collection the way the engine's search backend does: conditions on known fields,
 * `sortby`, `page N` with `max` as the page size, and `max` alone as a LIMIT applied after sorting.
 */
export function applySearch<T>(items: Iterable<T>, fields: Record<string, FieldSpec<T>>, options: SearchOptions): T[] {
  const query = parseSearch(options.search);
  const resolved = query.anyOf.map((group) =>
    group.map((cond) => {
      const spec = fields[cond.field];
      if (!spec) throw searchError(`unknown field '${cond.field}'`);
      return { cond, spec, expected: spec.normalize ? spec.normalize(cond.value) : cond.value };
    }),
  );
  let out: T[] = [];
  for (const item of items) {
    if (
      resolved.length === 0 ||
      resolved.some((group) => group.every((c) => compare(c.spec.get(item), c.cond, c.expected, options.caseSensitive)))
    ) {
      out.push(item);
    }
  }
  const sort = query.sortBy ?? options.defaultSort;
  const sortSpec = fields[sort.field];
  if (!sortSpec) throw searchError(`unknown sort field '${sort.field}'`);
  const key = (item: T): string | number => {
    const v = sortSpec.get(item);
    return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
  };
  out = out
    .map((item) => ({ item, k: key(item) }))
    .sort((x, y) => {
      const c = typeof x.k === 'number' && typeof y.k === 'number' ? x.k - y.k : String(x.k).localeCompare(String(y.k));
      return sort.desc ? -c : c;
    })
    .map((e) => e.item);
  if (query.page !== undefined) {
    if (options.max === undefined) return query.page === 1 ? out : [];
    return out.slice((query.page - 1) * options.max, query.page * options.max);
  }
  return options.max !== undefined ? out.slice(0, options.max) : out;
}

/** Backend enum names compared case-insensitively; the API's underscore spellings are not accepted. */
export function enumField<T>(get: (e: T) => string | string[] | undefined, allowed: readonly string[], what: string): FieldSpec<T> {
  const lower = new Set(allowed.map((a) => a.toLowerCase()));
  return {
    get,
    normalize(value: string): string {
      const v = value.toLowerCase();
      if (!v.includes('*') && !lower.has(v)) {
        throw searchError(`'${value}' is not a valid ${what}; use one of ${allowed.join(', ')}`);
      }
      return v;
    },
  };
}
