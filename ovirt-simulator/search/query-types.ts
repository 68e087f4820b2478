/** A parsed search query, shared by the parser (query.ts) and the syntax check (syntax.ts), which need each other's words. */
export type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=';

export interface Condition {
  field: string;
  op: Operator;
  value: string;
  /** A word that is not a condition: the engine looks for it in every text column (`%word%`). */
  freeText?: true;
}

export interface SearchQuery {
  /** Disjunction of conjunctions: `a and b or c` = `[[a, b], [c]]` (`and` binds tighter, as in the engine). */
  anyOf: Condition[][];
  sortBy: { field: string; desc: boolean } | undefined;
  page: number | undefined;
}
