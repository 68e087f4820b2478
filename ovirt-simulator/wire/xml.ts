import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { DateTime, Decimal, isScalar, XML_ATTRIBUTES, type Doc, type Node, type Scalar, type Value } from './document';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '    ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

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

type BuilderNode = { [key: string]: string | BuilderNode | Array<string | BuilderNode> };

function toBuilder(node: Node): BuilderNode {
  const out: BuilderNode = {};
  // Attributes first so they print in the engine's order (href before id).
  for (const key of ['href', 'id', 'rel']) {
    const v = node[key];
    if (typeof v === 'string') out[`@_${key}`] = v;
  }
  for (const [key, v] of Object.entries(node)) {
    if (v === undefined || (XML_ATTRIBUTES.has(key) && typeof v === 'string')) continue;
    out[key] = toBuilderValue(v);
  }
  return out;
}

function toBuilderValue(v: Value): string | BuilderNode | Array<string | BuilderNode> {
  if (Array.isArray(v)) return v.map((item) => (isScalar(item) ? scalarText(item) : toBuilder(item)));
  if (isScalar(v)) return scalarText(v);
  return toBuilder(v);
}

/** Prints a document as the engine's pretty-printed, UTF-8 XML with the JAXB prolog. */
export function renderXml(doc: Doc): string {
  const body = builder.build({ [doc.root]: toBuilder(doc.body) }) as string;
  // An empty collection renders as a self-closed root, like JAXB's `<vms/>`.
  return PROLOG + (body.trim() === '' ? `<${doc.root}/>\n` : body);
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
