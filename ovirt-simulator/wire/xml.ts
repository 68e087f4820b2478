import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime, Decimal, isScalar, type Doc, type Node, printedTexts, type Scalar, type Value, XML_ATTRIBUTES } from './document';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** `2025-01-01T00:00:00.000+00:00`: xs:dateTime with an explicit offset, as the engine prints its server time. */
export function formatXmlDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+00:00');
}

function scalarText(v: Scalar): string {
  if (v instanceof DateTime) return formatXmlDate(v.epochMs);
  if (v instanceof Decimal) return String(v.value);
  return String(v);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escape(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string) : text;
}

const ATTRIBUTE_KEYS = [...XML_ATTRIBUTES];

/**
 * Prints the Doc tree directly (a hot path: every XML answer goes through it). The output is byte for byte what
 * fast-xml-parser's XMLBuilder gave with `format: true`, four-space indents and `suppressEmptyNode` (a test checks
 * that on random documents): attributes `href`, `id`, `rel` first, empty elements self-closed, arrays as repeated
 * elements, the five XML entities escaped in text and attributes. One string grows by concatenation; a fixed subtree
 * (`fixed` in ./document) is printed once per element name and indent.
 */
function printElement(tag: string, v: Value, indent: string): string {
  if (isScalar(v)) {
    const text = scalarText(v);
    return text === '' ? `${indent}<${tag}/>\n` : `${indent}<${tag}>${escape(text)}</${tag}>\n`;
  }
  const texts = printedTexts(v);
  if (texts === undefined) return printComposite(tag, v, indent);
  const key = `${tag} ${indent}`;
  let text = texts.xml.get(key);
  if (text === undefined) {
    text = printComposite(tag, v, indent);
    texts.xml.set(key, text);
  }
  return text;
}

function printComposite(tag: string, v: Node | Array<Node | Scalar>, indent: string): string {
  let out = '';
  if (Array.isArray(v)) {
    for (const item of v) out += printElement(tag, item, indent);
    return out;
  }
  let attributes = '';
  for (const key of ATTRIBUTE_KEYS) {
    const a = v[key];
    if (typeof a === 'string') attributes += ` ${key}="${escape(a)}"`;
  }
  const inner = `${indent}    `;
  for (const key in v) {
    const child = v[key];
    if (child === undefined || (typeof child === 'string' && XML_ATTRIBUTES.has(key))) continue;
    out += printElement(key, child, inner);
  }
  return out === '' ? `${indent}<${tag}${attributes}/>\n` : `${indent}<${tag}${attributes}>\n${out}${indent}</${tag}>\n`;
}

/** Prints a document as the engine's pretty-printed, UTF-8 XML with the JAXB prolog. */
export function renderXml(doc: Doc): string {
  // An empty collection renders as a self-closed root, like JAXB's `<vms/>`.
  return PROLOG + printElement(doc.root, doc.body, '');
}

export type Parsed = { [key: string]: unknown };

/**
 * Parses a request body. Returns the root element's name and content, with attributes as plain keys
 * (`<cluster id="1"/>` → `{ id: '1' }`) and every text value kept as a string; throws on malformed XML.
 */
export function parseXml(text: string): { root: string; value: unknown } {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`malformed XML: ${valid.err.msg}`);
  const parsed = parser.parse(text) as Parsed;
  const roots = Object.keys(parsed);
  if (roots.length !== 1) throw new Error('XML body must have exactly one root element');
  const root = roots[0] as string;
  return { root, value: parsed[root] };
}
