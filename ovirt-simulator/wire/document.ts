/**
 * A format-neutral response document. Presenters build one; `renderXml` and `renderJson` print it the way the
 * engine's JAXB and Jackson providers do (docs/ovirt-api.md §1.2–1.3). Leaf types decide the JSON spelling:
 * `number` is an xs:int/xs:long (a string in JSON), `boolean` an xs:boolean (a string in JSON), `Decimal` an
 * xs:decimal (a JSON number), `DateTime` an xs:dateTime (ISO text in XML, epoch ms in JSON).
 */
export class Decimal {
  constructor(readonly value: number) {}
}

export class DateTime {
  constructor(readonly epochMs: number) {}
}

export type Scalar = string | number | boolean | Decimal | DateTime;

export interface Node {
  [key: string]: Value | undefined;
}

export type Value = Scalar | Node | Array<Node | Scalar>;

export interface Doc {
  /** The XML root element (`vm`, `vms`, `action`, `fault`…); JSON has no root wrapper. */
  root: string;
  body: Node;
}

/** In XML these keys are attributes (`<vm href="…" id="…">`, `<link href="…" rel="…"/>`); all else is elements. */
export const XML_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'id', 'rel']);

export function isScalar(v: Value): v is Scalar {
  return typeof v !== 'object' || v instanceof Decimal || v instanceof DateTime;
}

/** Where a fixed subtree keeps its printed text, per dialect and position (indent, and the XML element name). */
export interface PrintedTexts {
  json: Map<string, string>;
  xml: Map<string, string>;
}

const PRINTED: unique symbol = Symbol('printed');
type Printable = (Node | Array<Node | Scalar>) & { [PRINTED]?: PrintedTexts };

/**
 * Marks a subtree that never changes once built (an entity's action and sub-collection links, the software a host
 * reports) and freezes it, so documents can share it and the printers print it once per position instead of at
 * every request. The mark is a symbol property that is not enumerable: the tree looks the same to everything else
 * (follow, tests, `Object.keys`).
 */
export function fixed<T extends Node | Array<Node | Scalar>>(value: T): T {
  if (printedTexts(value) === undefined)
    Object.defineProperty(value, PRINTED, { value: { json: new Map(), xml: new Map() } satisfies PrintedTexts });
  deepFreeze(value);
  return value;
}

function deepFreeze(value: Value): void {
  if (isScalar(value) || Object.isFrozen(value)) return;
  for (const child of Array.isArray(value) ? value : Object.values(value)) if (child !== undefined) deepFreeze(child);
  Object.freeze(value);
}

/** The printed texts of a subtree made by `fixed`, else undefined. */
export function printedTexts(value: Node | Array<Node | Scalar>): PrintedTexts | undefined {
  return (value as Printable)[PRINTED];
}
