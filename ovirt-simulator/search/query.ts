import { EngineError } from '../world/engine-error';
import { checkSyntax, engineErrorText, type FieldSyntax, type Rejection } from './syntax';

import type { Condition, Operator, SearchQuery } from './query-types';

export type { Condition, Operator, SearchQuery };

/** A field's refusal of a value, caught by the syntax check as the engine's INVALID_CONDITION_VALUE. */
export function searchError(message: string): EngineError {
  return new EngineError(400, 'Operation Failed', `[Search query syntax error: ${message}]`);
}

/**
 * Parses the engine's search language (docs/ovirt-api.md §11): `name=web* and status=up sortby name desc page 2`, checked
 * as the engine checks it (`./syntax.ts`). A leading `Vms:`-style prefix is accepted and ignored (`searchObject` is
 * the REST layer's own prefix, for the logged text). Throws
 * {@link SearchRejected} for a query the engine would not run.
 */
export function parseSearch(raw: string | undefined, fields?: ReadonlyMap<string, FieldSyntax>, searchObject?: string): SearchQuery {
  if (!raw || raw.trim() === '') return { anyOf: [], sortBy: undefined, page: undefined };
  const search = raw.trim().replace(/^[A-Za-z]+\s*:\s*/, '');
  // The REST layer's prefix (`QueryHelper`: `VMs : `), so error offsets fall where the engine's do.
  const text = searchObject ? `${searchObject} : ${search}` : search;
  const checked = checkSyntax(text, text.length - search.length, fields);
  if (!checked.ok) throw new SearchRejected(text, checked.rejection);
  return checked.query;
}

/** A query the engine would answer with an empty list (see `./syntax.ts`); `logged` is what its log would say. */
export class SearchRejected extends Error {
  readonly logged: string | undefined;
  constructor(
    readonly text: string,
    readonly rejection: Rejection,
  ) {
    super(rejection.error ?? 'incomplete search');
    this.logged = engineErrorText(text, rejection);
  }
}

/** `*` matches any run of characters; everything else literally. */
export function wildcardMatch(pattern: string, value: string, caseSensitive: boolean): boolean {
  if (!pattern.includes('*')) return caseSensitive ? pattern === value : pattern.toLowerCase() === value.toLowerCase();
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, caseSensitive ? '' : 'i').test(value);
}
