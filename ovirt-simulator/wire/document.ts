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
