import type { Node } from '../wire/document';

/** A reference to another entity: `<cluster href="…/clusters/1" id="1"/>`. */
export function ref(base: string, collection: string, id: string, name?: string): Node {
  const node: Node = { href: `${base}/${collection}/${id}`, id };
  if (name !== undefined) node.name = name;
  return node;
}

/** `<actions><link href="…/vms/1/start" rel="start"/>…</actions>` */
export function actions(href: string, names: readonly string[]): Node {
  return { link: names.map((rel) => ({ href: `${href}/${rel}`, rel })) };
}

/** Sub-collection links: `<link href="…/vms/1/nics" rel="nics"/>`. */
export function links(href: string, rels: readonly string[]): Node[] {
  return rels.map((rel) => ({ href: `${href}/${rel}`, rel }));
}

export function collection(root: string, element: string, items: Node[]): { root: string; body: Node } {
  // An empty collection has no list at all: `{ }` in JSON, `<vms/>` in XML (docs/ovirt-api.md §1.3).
  return { root, body: items.length > 0 ? { [element]: items } : {} };
}

/**
 * `make` once per entity and API base (`/ovirt-engine/api` or `/ovirt-engine/api/v4`), for the parts of an entity's
 * document that depend on nothing but its id (its action and sub-collection links): a read then reuses them, and
 * the printers their text (`fixed` in ../wire/document). Kept in a WeakMap on the entity, so a reset world's
 * entities take theirs with them.
 */
export function perEntity<E extends object, P>(make: (entity: E, base: string) => P): (entity: E, base: string) => P {
  const cache = new WeakMap<E, Map<string, P>>();
  return (entity, base) => {
    let byBase = cache.get(entity);
    if (byBase === undefined) {
      byBase = new Map();
      cache.set(entity, byBase);
    }
    let parts = byBase.get(base);
    if (parts === undefined) {
      parts = make(entity, base);
      byBase.set(base, parts);
    }
    return parts;
  };
}
