import { DateTime, Decimal, type Doc, type Node, printedTexts, type Scalar, type Value } from './document';

/**
 * Prints a document the way the engine's Jackson provider does (docs/ovirt-api.md §1.3): no root wrapper, integers and
 * booleans as strings, decimals as numbers, dates as epoch ms, and Jackson's default pretty printer
 * (`"key" : value`, arrays inline as `[ a, b ]`, empty object `{ }`).
 */
export function renderJson(doc: Doc): string {
  return printNode(doc.body, '');
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

// What JSON.stringify escapes: `"`, `\`, control characters and (well-formed since ES2019) lone surrogates. A
// string without any prints as itself in quotes, and testing for them is cheaper than the stringify call.
// eslint-disable-next-line no-control-regex -- the control characters are what is being looked for
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

// A hot path (every JSON answer): one string grown by concatenation, the common leaf types tested first.
function printValue(v: Value, indent: string): string {
  switch (typeof v) {
    case 'string':
      return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
    case 'number':
    case 'boolean':
      return `"${String(v)}"`;
  }
  if (v instanceof DateTime) return String(v.epochMs);
  if (v instanceof Decimal) return String(v.value);
  // A fixed subtree prints the same at the same indent every time: print it once.
  const texts = printedTexts(v);
  if (texts === undefined) return printComposite(v, indent);
  let text = texts.json.get(indent);
  if (text === undefined) {
    text = printComposite(v, indent);
    texts.json.set(indent, text);
  }
  return text;
}

function printComposite(v: Node | Array<Node | Scalar>, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[ ]';
    let out = '[ ';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ', ';
      out += printValue(v[i] as Node | Scalar, indent);
    }
    return `${out} ]`;
  }
  return printNode(v, indent);
}

function printNode(node: Node, indent: string): string {
  const inner = `${indent}  `;
  let out = '';
  for (const key in node) {
    const v = node[key];
    if (v === undefined) continue;
    out += `${out === '' ? '{\n' : ',\n'}${inner}${quoteKey(key)} : ${printValue(v, inner)}`;
  }
  return out === '' ? '{ }' : `${out}\n${indent}}`;
}

/** Parses a JSON request body; the engine's JSON has no root wrapper, so the caller knows the type. */
export function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}
