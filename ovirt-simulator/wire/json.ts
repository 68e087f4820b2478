import { DateTime, Decimal, isScalar, type Doc, type Node, type Value } from './document';

/**
 * Prints a document the way the engine's Jackson provider does (reference §1.3): no root wrapper, integers and
 * booleans as strings, decimals as numbers, dates as epoch ms, and Jackson's default pretty printer
 * (`"key" : value`, arrays inline as `[ a, b ]`, empty object `{ }`).
 */
export function renderJson(doc: Doc): string {
  return printNode(doc.body, '');
}

function printScalar(v: Value): string {
  if (v instanceof DateTime) return String(v.epochMs);
  if (v instanceof Decimal) return String(v.value);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(String(v));
  return JSON.stringify(v);
}

function printValue(v: Value, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[ ]';
    return `[ ${v.map((item) => printValue(item, indent)).join(', ')} ]`;
  }
  if (isScalar(v)) return printScalar(v);
  return printNode(v, indent);
}

function printNode(node: Node, indent: string): string {
  const inner = `${indent}  `;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(node)) {
    if (v === undefined) continue;
    parts.push(`${inner}${JSON.stringify(key)} : ${printValue(v, inner)}`);
  }
  if (parts.length === 0) return '{ }';
  return `{\n${parts.join(',\n')}\n${indent}}`;
}

/** Parses a JSON request body; the engine's JSON has no root wrapper, so the caller knows the type. */
export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}
