import fc from 'fast-check';
import { XMLBuilder } from 'fast-xml-parser';
import { DateTime, Decimal, fixed, isScalar, type Doc, type Node, type Scalar, type Value } from '../../../ovirt-simulator/wire/document';
import { renderJson } from '../../../ovirt-simulator/wire/json';
import { formatXmlDate, renderXml } from '../../../ovirt-simulator/wire/xml';

// The builder the simulator used to print XML with; the direct printer must give the same bytes.
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '    ',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});
type B = { [key: string]: string | B | Array<string | B> };
const text = (v: Value): string => (v instanceof DateTime ? formatXmlDate(v.epochMs) : v instanceof Decimal ? String(v.value) : String(v));
function toBuilder(node: Node): B {
  const out: B = {};
  for (const key of ['href', 'id', 'rel']) if (typeof node[key] === 'string') out[`@_${key}`] = node[key] as string;
  for (const [key, v] of Object.entries(node)) {
    if (v === undefined || (['href', 'id', 'rel'].includes(key) && typeof v === 'string')) continue;
    out[key] = Array.isArray(v) ? v.map((i) => (isScalar(i) ? text(i) : toBuilder(i))) : isScalar(v) ? text(v) : toBuilder(v);
  }
  return out;
}
const viaBuilder = (doc: Doc) => {
  const body = builder.build({ [doc.root]: toBuilder(doc.body) }) as string;
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${body.trim() === '' ? `<${doc.root}/>\n` : body}`;
};

const tag = fc.constantFrom('vm', 'name', 'link', 'cpu', 'topology', 'cores', 'description', 'host', 'status', 'values');
const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom('', 'a&b', '<x>', '"q"', "it's"),
  fc.integer(),
  fc.boolean(),
  fc.integer({ min: 0, max: 2e12 }).map((n) => new DateTime(n)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => new Decimal(n)),
);
const { node } = fc.letrec((tie) => ({
  node: fc.record(
    {
      href: fc.oneof(fc.string(), fc.constant('/ovirt-engine/api/vms/1')),
      id: fc.string(),
      rel: fc.string(),
      a: tie('value'),
      b: tie('value'),
      c: tie('value'),
    },
    { requiredKeys: [] },
  ),
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('node'), fc.array(fc.oneof(scalar, tie('node')), { maxLength: 3 })),
}));

describe('direct XML printer', () => {
  test('prints exactly what the XML builder printed, for random documents', () => {
    fc.assert(
      fc.property(tag, node, (root, body) => {
        const doc = { root, body: body as Node };
        expect(renderXml(doc)).toBe(viaBuilder(doc));
      }),
      { numRuns: 500 },
    );
  });
});

// The JSON printer before it quoted keys once; the faster one must print the same bytes.
function oldScalar(v: Value): string {
  if (v instanceof DateTime) return String(v.epochMs);
  if (v instanceof Decimal) return String(v.value);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(String(v));
  return JSON.stringify(v);
}
function oldValue(v: Value, indent: string): string {
  if (Array.isArray(v)) return v.length === 0 ? '[ ]' : `[ ${v.map((i) => oldValue(i, indent)).join(', ')} ]`;
  return isScalar(v) ? oldScalar(v) : oldNode(v, indent);
}
function oldNode(node: Node, indent: string): string {
  const inner = `${indent}  `;
  const parts: string[] = [];
  for (const [key, v] of Object.entries(node)) if (v !== undefined) parts.push(`${inner}${JSON.stringify(key)} : ${oldValue(v, inner)}`);
  return parts.length === 0 ? '{ }' : `{\n${parts.join(',\n')}\n${indent}}`;
}

describe('JSON printer', () => {
  test('prints exactly what the first printer did, for random documents', () => {
    fc.assert(
      fc.property(node, (body) => {
        expect(renderJson({ root: 'x', body: body as Node })).toBe(oldNode(body as Node, ''));
      }),
      { numRuns: 500 },
    );
  });
});

describe('fixed subtrees', () => {
  // Marks every object below the root as fixed (a copy: fixed freezes), so each is printed from its cache.
  const fixAll = (v: Value): Value => {
    if (isScalar(v)) return v;
    if (Array.isArray(v)) return fixed(v.map((i) => fixAll(i) as Node | Scalar));
    const out: Node = {};
    for (const [k, c] of Object.entries(v)) if (c !== undefined) out[k] = fixAll(c);
    return fixed(out);
  };

  test('print as the same tree unfixed, in both dialects, on first print and from the cache, at any depth', () => {
    fc.assert(
      fc.property(tag, node, (root, body) => {
        const shared = fixAll(body as Node) as Node;
        // The same fixed subtree at two depths and under two element names.
        const plain = { root, body: { a: body as Node, b: { c: body as Node } } };
        const cached = { root, body: { a: shared, b: { c: shared } } };
        for (let i = 0; i < 2; i++) {
          expect(renderXml(cached)).toBe(renderXml(plain));
          expect(renderJson(cached)).toBe(renderJson(plain));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('are frozen and look like plain trees to everything else', () => {
    const v = fixed({ href: '/x', link: [{ rel: 'a' }] });
    expect(Object.isFrozen(v) && Object.isFrozen(v.link) && Object.isFrozen(v.link[0])).toBe(true);
    expect(Object.keys(v)).toEqual(['href', 'link']);
    expect(v).toEqual({ href: '/x', link: [{ rel: 'a' }] });
  });
});
