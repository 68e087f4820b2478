import type { Condition, Operator, SearchQuery } from './query-types';

/**
 * The engine's syntax check of a search, after `searchbackend/SyntaxChecker.analyzeSyntaxState`:
 * the REST layer sends `VMs : <search>` (`QueryHelper.getConstraint`), and the checker walks it state by state —
 * after the colon a condition field, `sortby`, `page` or a free-text value; after a field one of its relations
 * (`=`/`!=` for text and enums, also `<`, `>`, `<=`, `>=` for numbers and dates); after a relation a value that the
 * field accepts; after a value `and`, `or`, another condition, `sortby` or `page`; after `and`/`or` a condition or
 * free text; after `sortby` a field, then `asc`/`desc`, then `page N` and nothing more. A word that is not a field is
 * free text (once per query). `'` and `;` are refused anywhere.
 *
 * What the engine does with a query it cannot run is in `bll/SearchQuery.initQueryData`: a syntax error sets the
 * query's exception string to the text with the bad part marked between `$` signs (or the error's name when the
 * marks would fall off the end) and logs it; an incomplete query (`name=`, `name=web* and`) only logs. Either way the
 * search returns an empty list, and the query still succeeds — so `BackendResource.getBackendCollection`, which
 * fails only on an unsuccessful query, answers 200 with an empty collection. The simulator does the same.
 */

export type SyntaxErrorName =
  | 'INVALID_CONDITION_RELATION'
  | 'INVALID_CONDITION_VALUE'
  | 'INVALID_SORT_FIELD'
  | 'INVALID_SORT_DIRECTION'
  | 'INVALID_PAGE_FEILD'
  | 'NOTHING_COMES_AFTER_PAGE_VALUE'
  | 'FREE_TEXT_ALLOWED_ONCE_PER_OBJ'
  | 'INVALID_CHARECTER';

/** What the checker needs to know of a field. */
export interface FieldSyntax {
  /** Relations beyond `=`/`!=` (numbers, dates, ranks). */
  ordered: boolean;
  /** Whether the field accepts this value (enum names, numbers, dates, text without `<>&^!'`). */
  accepts(value: string): boolean;
}

/** A query the engine would not run: a syntax error with its span in the full text, or just incomplete. */
export type Rejection = { error: SyntaxErrorName; start: number; end: number } | { error: undefined };

export type Checked = { ok: true; query: SearchQuery } | { ok: false; rejection: Rejection };

const STRING_RELATIONS: readonly Operator[] = ['=', '!='];
const ORDERED_RELATIONS: readonly Operator[] = ['<', '>', '<=', '>=', '=', '!='];
const FIELD_END = new Set([' ', '!', '=', '<', '>']);

/** `BaseConditionFieldAutoCompleter.validChar`: what a text field's value may contain. */
export const VALID_TEXT = /^[^<>&^!']*$/;

/**
 * Checks `text` from `from` on (the part after `VMs : `). `fields` are the collection's condition fields, lower
 * case; without them any word directly followed by a relation is taken as a field.
 */
export function checkSyntax(text: string, from: number, fields: ReadonlyMap<string, FieldSyntax> | undefined): Checked {
  const query: SearchQuery = { anyOf: [], sortBy: undefined, page: undefined };
  let group: Condition[] = [];
  let state: 'start' | 'value' | 'andor' = 'start';
  let freeTextSeen = false;
  let i = from;
  const reject = (error: SyntaxErrorName, start: number, end: number): Checked => ({ ok: false, rejection: { error, start, end } });
  const incomplete: Checked = { ok: false, rejection: { error: undefined } };
  const bad = /['\u003b]/.exec(text.slice(from));
  if (bad) return reject('INVALID_CHARECTER', from + bad.index, from + bad.index + 1);
  const skip = () => {
    while (text[i] === ' ') i++;
  };
  const isField = (word: string) => (fields ? fields.has(word.toLowerCase()) : /^[a-z_][\w.]*$/i.test(word));

  for (skip(); i < text.length; skip()) {
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return incomplete;
      if (freeTextSeen) return reject('FREE_TEXT_ALLOWED_ONCE_PER_OBJ', close + 1, close + 1);
      freeTextSeen = true;
      group.push({ field: '', op: '=', value: text.slice(i + 1, close), freeText: true });
      i = close + 1;
      state = 'value';
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== ' ') end++;
    const run = text.slice(i, end);
    const lower = run.toLowerCase();
    if (state === 'value' && (lower === 'and' || lower === 'or')) {
      if (lower === 'or') {
        query.anyOf.push(group);
        group = [];
      }
      i = end;
      state = 'andor';
      continue;
    }
    if (state !== 'andor' && (lower === 'sortby' || lower === 'page')) {
      if (group.length > 0) query.anyOf.push(group);
      return sortAndPage(text, end, lower, fields, query, reject, incomplete);
    }
    // A condition field: the word up to a relation character (or a field name followed by a space).
    let fieldEnd = i;
    while (fieldEnd < end && !FIELD_END.has(text[fieldEnd] as string)) fieldEnd++;
    const fieldName = text.slice(i, fieldEnd);
    if (fieldName !== '' && isField(fieldName) && (fieldEnd < end || end < text.length)) {
      i = fieldEnd;
      skip();
      const relations = fields?.get(fieldName.toLowerCase())?.ordered === false ? STRING_RELATIONS : ORDERED_RELATIONS;
      const two = text.slice(i, i + 2) as Operator;
      const one = text.slice(i, i + 1) as Operator;
      const op = relations.includes(two) ? two : relations.includes(one) ? one : undefined;
      if (i >= text.length) return incomplete;
      if (op === undefined) {
        // A relation's first character waits for the second (`!` of `!=`); the next one is then the bad one.
        const at = relations.some((r) => r.length === 2 && r.startsWith(one)) ? i + 1 : i;
        return at >= text.length ? incomplete : reject('INVALID_CONDITION_RELATION', at, at + 1);
      }
      i += op.length;
      skip();
      if (i >= text.length) return incomplete;
      let value: string;
      let valueEnd: number;
      if (text[i] === '"') {
        const close = text.indexOf('"', i + 1);
        if (close < 0) return incomplete;
        value = text.slice(i + 1, close);
        valueEnd = close + 1;
      } else {
        valueEnd = i;
        while (valueEnd < text.length && text[valueEnd] !== ' ') valueEnd++;
        value = text.slice(i, valueEnd);
      }
      const spec = fields?.get(fieldName.toLowerCase());
      if (spec && !spec.accepts(value)) {
        // The engine marks from the value's start to the space that ended it (or its last character).
        return reject('INVALID_CONDITION_VALUE', i, valueEnd < text.length ? valueEnd : text.length - 1);
      }
      group.push({ field: fieldName.toLowerCase(), op, value });
      i = valueEnd;
      state = 'value';
      continue;
    }
    if (fieldName !== '' && isField(fieldName)) return incomplete; // a field name at the very end
    if (freeTextSeen) return reject('FREE_TEXT_ALLOWED_ONCE_PER_OBJ', end, end);
    freeTextSeen = true;
    group.push({ field: '', op: '=', value: run, freeText: true });
    i = end;
    state = 'value';
  }
  if (state === 'andor') return incomplete;
  if (group.length > 0) query.anyOf.push(group);
  return { ok: true, query };
}

/** `sortby <field> [asc|desc] [page N]`, or `page N`, to the end of the text; `from` is just after the keyword. */
function sortAndPage(
  text: string,
  from: number,
  keyword: 'sortby' | 'page',
  fields: ReadonlyMap<string, FieldSyntax> | undefined,
  query: SearchQuery,
  reject: (error: SyntaxErrorName, start: number, end: number) => Checked,
  incomplete: Checked,
): Checked {
  let i = from;
  const skip = () => {
    while (text[i] === ' ') i++;
  };
  /** The engine's character-by-character match: a word ends as soon as it equals one of `words`. */
  const word = (words: readonly string[] | undefined, error: SyntaxErrorName, endAdjust: number): string | Checked | undefined => {
    skip();
    const start = i;
    if (words === undefined) {
      while (i < text.length && text[i] !== ' ') i++;
      return i > start ? text.slice(start, i).toLowerCase() : undefined;
    }
    let acc = '';
    while (i < text.length) {
      acc += (text[i] as string).toLowerCase();
      i++;
      if (words.includes(acc)) return acc;
      if (!words.some((w) => w.startsWith(acc))) return reject(error, start, i + endAdjust);
    }
    return undefined;
  };
  if (keyword === 'sortby') {
    const field = word(fields ? [...fields.keys()] : undefined, 'INVALID_SORT_FIELD', 0);
    if (field === undefined) return incomplete;
    if (typeof field !== 'string') return field;
    query.sortBy = { field, desc: false };
    skip();
    if (i >= text.length) return { ok: true, query };
    const dir = word(['asc', 'desc'], 'INVALID_SORT_DIRECTION', 0);
    if (dir === undefined) return { ok: true, query };
    if (typeof dir !== 'string') return dir;
    query.sortBy.desc = dir === 'desc';
    skip();
    if (i >= text.length) return { ok: true, query };
    const page = word(['page'], 'INVALID_PAGE_FEILD', -1);
    if (page === undefined) return { ok: true, query };
    if (typeof page !== 'string') return page;
  }
  skip();
  if (i >= text.length) return incomplete;
  const digits = /^\d+/.exec(text.slice(i));
  if (!digits) return reject('INVALID_CHARECTER', i, i + 1);
  query.page = Number(digits[0]);
  i += digits[0].length;
  skip();
  if (i < text.length) return reject('NOTHING_COMES_AFTER_PAGE_VALUE', i, i + 1);
  return { ok: true, query };
}

/**
 * The text the engine logs for a rejected query (`SearchQuery.initQueryData`): the bad part between `$` signs by
 * the engine's own offsets (which skip the part's first character), or the error's name when the marks would reach
 * the end of the text; nothing for a query that is only incomplete.
 */
export function engineErrorText(text: string, rejection: Rejection): string | undefined {
  if (rejection.error === undefined) return undefined;
  const { start, end } = rejection;
  const length = end - start;
  if (length > 0 && start + 1 + length < text.length && end + 1 < text.length) {
    return `${text.slice(0, start)}$${text.slice(start + 1, start + 1 + length)}$${text.slice(end + 1)}`;
  }
  return rejection.error;
}
