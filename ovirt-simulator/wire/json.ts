import { DateTime, Decimal, isScalar, type Doc, type Node, type Value } from './document';

/**
 * Prints a document the way the engine's Jackson provider does (reference §1.3): no root wrapper, integers and
 * booleans as strings, decimals as numbers, dates as epoch ms, and Jackson's default pretty printer
 * (`"key" : value`, arrays inline as `[ a, b ]`, empty object `{ }`).
 */
export function renderJson(doc: Doc): string {
  const out: string[] = [];
  printNode(out, doc.body, '');
  return out.join('');
}

// Keys repeat across every document (`"href"`, `"id"`, …): quote each once.
const quotedKeys = new Map<string, string>();
function quoteKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, q);
  }
  return q;
}

function printScalar(v: Value): string {
  if (v instanceof DateTime) return String(v.epochMs);
  if (v instanceof Decimal) return String(v.value);
  if (typeof v === 'number' || typeof v === 'boolean') return `"${String(v)}"`;
  return JSON.stringify(v);
}

// Pieces are pushed to one array and joined once: cheaper than building nested strings on this hot path.
function printValue(out: string[], v: Value, indent: string): void {
  if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[ ]');
      return;
    }
    out.push('[ ');
    v.forEach((item, i) => {
      if (i > 0) out.push(', ');
      printValue(out, item, indent);
    });
    out.push(' ]');
    return;
  }
  if (isScalar(v)) out.push(printScalar(v));
  else printNode(out, v, indent);
}

function printNode(out: string[], node: Node, indent: string): void {
  const inner = `${indent}  `;
  let first = true;
  for (const key in node) {
    const v = node[key];
    if (v === undefined) continue;
    out.push(first ? '{\n' : ',\n', inner, quoteKey(key), ' : ');
    first = false;
    printValue(out, v, inner);
  }
  out.push(first ? '{ }' : `\n${indent}}`);
}

/** Parses a JSON request body; the engine's JSON has no root wrapper, so the caller knows the type. */
export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}
