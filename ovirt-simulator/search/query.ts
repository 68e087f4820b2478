import { EngineError } from '../world/engine-error';

export type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=';

export interface Condition {
  field: string;
  op: Operator;
  value: string;
}

export interface SearchQuery {
  /** Disjunction of conjunctions: `a and b or c` = `[[a, b], [c]]` (`and` binds tighter, as in the engine). */
  anyOf: Condition[][];
  sortBy: { field: string; desc: boolean } | undefined;
  page: number | undefined;
}

/** The engine rejects a query it cannot parse; exact wording unconfirmed. */
export function searchError(message: string): EngineError {
  return new EngineError(400, 'Operation Failed', `[Search query syntax error: ${message}]`);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|>=|<=|=|>|<|[^\s=!<>"']+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) tokens.push(m[1]);
    if (re.lastIndex >= text.length) break;
  }
  return tokens;
}

function unquote(v: string): string {
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

/**
 * Parses the engine's search language (reference §11): `name=web* and status=up sortby name desc page 2`.
 * A leading `Vms:`-style prefix is accepted and ignored. A bare word is taken as a name pattern.
 */
export function parseSearch(raw: string | undefined): SearchQuery {
  const query: SearchQuery = { anyOf: [], sortBy: undefined, page: undefined };
  if (!raw || raw.trim() === '') return query;
  const text = raw.trim().replace(/^[A-Za-z]+\s*:\s*/, '');
  const tokens = tokenize(text);
  let current: Condition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as string;
    const lower = token.toLowerCase();
    if (lower === 'and') {
      i++;
      continue;
    }
    if (lower === 'or') {
      if (current.length > 0) query.anyOf.push(current);
      current = [];
      i++;
      continue;
    }
    if (lower === 'sortby') {
      const field = tokens[i + 1];
      if (!field) throw searchError('sortby needs a field');
      const dir = tokens[i + 2]?.toLowerCase();
      const hasDir = dir === 'asc' || dir === 'desc';
      query.sortBy = { field: field.toLowerCase(), desc: dir === 'desc' };
      i += hasDir ? 3 : 2;
      continue;
    }
    if (lower === 'page') {
      const n = Number(tokens[i + 1]);
      if (!Number.isInteger(n) || n < 1) throw searchError('page needs a positive number');
      query.page = n;
      i += 2;
      continue;
    }
    const op = tokens[i + 1];
    if (op === '=' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=') {
      const value = tokens[i + 2];
      if (value === undefined) throw searchError(`missing value after ${token}${op}`);
      current.push({ field: token.toLowerCase(), op, value: unquote(value) });
      i += 3;
      continue;
    }
    current.push({ field: 'name', op: '=', value: unquote(token) });
    i++;
  }
  if (current.length > 0) query.anyOf.push(current);
  return query;
}

/** `*` matches any run of characters; everything else literally. */
export function wildcardMatch(pattern: string, value: string, caseSensitive: boolean): boolean {
  if (!pattern.includes('*')) return caseSensitive ? pattern === value : pattern.toLowerCase() === value.toLowerCase();
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, caseSensitive ? '' : 'i').test(value);
}
