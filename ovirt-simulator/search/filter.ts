import { parseSearch, SearchRejected, searchError, wildcardMatch, type Condition } from './query';
import { VALID_TEXT, type FieldSyntax } from './syntax';

/** A field's value for comparison: strings match with wildcards; numbers and ranks compare by order. */
export type FieldValue = string | number | undefined | string[];

export interface FieldSpec<T> {
  get(entity: T): FieldValue;
  /** Enumerated fields: normalises the user's value (e.g. `NonResponsive` → `nonresponsive`) or rejects it. */
  normalize?(value: string): string | number;
  /** Numbers, dates and ranks: `<`, `>`, `<=`, `>=` as well as `=`/`!=` (the engine's numeric relations). */
  ordered?: boolean;
}

export interface SearchOptions {
  search: string | undefined;
  max: number | undefined;
  caseSensitive: boolean;
  /** The engine's default order for this collection (docs/ovirt-api.md §11). */
  defaultSort: { field: string; desc: boolean };
  /** The REST layer's search object (`VMs`, `Hosts`…), for the text the engine logs on a rejected query. */
  searchObject?: string;
  /** Told what the engine would log when it answers a query it cannot run with an empty list. */
  onRejected?: (rejected: SearchRejected) => void;
}

/** How the syntax check sees each field: its relations and the values it takes. */
function syntaxOf<T>(fields: Record<string, FieldSpec<T>>): Map<string, FieldSyntax> {
  const out = new Map<string, FieldSyntax>();
  for (const [name, spec] of Object.entries(fields)) {
    const ordered = spec.ordered === true;
    out.set(name, {
      ordered,
      accepts(value: string): boolean {
        if (spec.normalize) {
          try {
            const v = spec.normalize(value);
            return typeof v !== 'number' || !Number.isNaN(v);
          } catch {
            return false;
          }
        }
        return ordered ? value !== '' && !Number.isNaN(Number(value)) : VALID_TEXT.test(value);
      },
    });
  }
  return out;
}

/** Free text: the engine's `%word%` over every text column; here every plain text field of the entity. */
function freeTextMatch<T>(item: T, fields: Record<string, FieldSpec<T>>, cond: Condition, caseSensitive: boolean): boolean {
  const pattern = `*${cond.value}*`;
  for (const spec of Object.values(fields)) {
    if (spec.normalize || spec.ordered) continue;
    const v = spec.get(item);
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'string' && wildcardMatch(pattern, x, caseSensitive))) return true;
  }
  return false;
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
  let query;
  try {
    query = parseSearch(options.search, syntaxOf(fields), options.searchObject);
  } catch (err) {
    // The engine's answer to a query it cannot run: an empty list, not a fault (see ./syntax.ts).
    if (!(err instanceof SearchRejected)) throw err;
    options.onRejected?.(err);
    return [];
  }
  const resolved = query.anyOf.map((group) =>
    group.map((cond) => {
      const spec = cond.freeText ? undefined : fields[cond.field];
      return { cond, spec, expected: spec?.normalize ? spec.normalize(cond.value) : cond.value };
    }),
  );
  const matches = (item: T, c: (typeof resolved)[number][number]): boolean =>
    c.spec
      ? compare(c.spec.get(item), c.cond, c.expected, options.caseSensitive)
      : freeTextMatch(item, fields, c.cond, options.caseSensitive);
  let out: T[] = [];
  for (const item of items) {
    if (resolved.length === 0 || resolved.some((group) => group.every((c) => matches(item, c)))) out.push(item);
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
