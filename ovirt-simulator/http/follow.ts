import type { Request, Response } from 'express';
import { diskAttachmentsOf } from '../present/disk';
import { collection } from '../present/links';
import { presentNic, presentReportedDevice } from '../present/nic';
import { presentHostStatistics, presentVmStatistics } from '../present/statistics';
import { templateDiskAttachments } from '../present/template-disk';
import type { Simulator } from '../simulator';
import { reportedDevice } from '../world/guest-agent';
import type { Node } from '../wire/document';
import { param } from './context';
import { ENTITY_READS } from './entity-reads';

/**
 * `follow=` as the engine's `LinkFollower` does it. The comma-separated paths become a tree
 * (`nics.reporteddevices,nics.statistics` → nics → {reporteddevices, statistics}); for each segment the entity's
 * `<link rel>` of that name without underscores (`disk_attachments` → `diskattachments`) is fetched and set as the
 * collection's element (`reported_devices` for `reporteddevices`), or else the reference element of that name (`host`, `cluster`, `template`) is replaced by
 * the whole entity its `href` reads; then the children are followed on what was fetched (each member of a fetched
 * collection). What is inlined is exactly what a `GET` of the link answers.
 *
 * The engine fails the whole request when a named reference is absent (`LinkFollower.getHref` reads the missing
 * member's href, e.g. `host` of a VM that is down); the simulator leaves it absent instead (unconfirmed which
 * status the engine answers). Links the simulator has no resource for are left as they are.
 */
export type FollowTree = Map<string, FollowTree>;

/** The `follow` parameter as a tree; empty when absent. */
export function followTree(req: Request, res: Response): FollowTree {
  const root: FollowTree = new Map();
  for (const raw of (param(req, res, 'follow') ?? '').split(',')) {
    let node = root;
    for (const segment of raw
      .trim()
      .split('.')
      .filter((s) => s !== '')) {
      let child = node.get(segment);
      if (!child) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
  }
  return root;
}

/** What a `GET` of `href` would answer (root element and body), or undefined when the simulator has no such read. */
export function resolveHref(sim: Simulator, base: string, href: string): { root: string; body: Node } | undefined {
  if (!href.startsWith(`${base}/`)) return undefined;
  const [col, id, sub, subId, leaf] = href.slice(base.length + 1).split('/');
  if (col === undefined || id === undefined) return undefined;
  try {
    if (sub === undefined) return ENTITY_READS[col]?.(sim, id, base);
    const w = sim.world;
    if (col === 'vms') {
      const vm = w.vms.get(id);
      if (!vm) return undefined;
      const nics = w.net.nicsOf(vm.id);
      const reported = (list: typeof nics) =>
        collection(
          'reported_devices',
          'reported_device',
          list.flatMap((nic) => {
            const device = reportedDevice(w, vm, nic);
            return device ? [presentReportedDevice(device, nic, base)] : [];
          }),
        );
      if (sub === 'nics' && subId === undefined)
        return collection(
          'nics',
          'nic',
          nics.map((n) => presentNic(n, base)),
        );
      if (sub === 'nics' && leaf === 'reporteddevices') return reported(nics.filter((n) => n.id === subId));
      if (sub === 'reporteddevices') return reported(nics);
      if (sub === 'diskattachments' && subId === undefined)
        return { root: 'disk_attachments', body: diskAttachmentsOf(w, vm.id, base, false) };
      if (sub === 'statistics') return collection('statistics', 'statistic', presentVmStatistics(sim.engine, vm, base));
    }
    if (col === 'hosts' && sub === 'statistics') {
      const host = w.hosts.get(id);
      return host ? collection('statistics', 'statistic', presentHostStatistics(sim.engine, host, base)) : undefined;
    }
    if (col === 'templates') {
      const template = w.templates.get(id);
      if (!template) return undefined;
      if (sub === 'nics')
        return collection(
          'nics',
          'nic',
          w.net.nicsOf(template.id).map((n) => presentNic(n, base)),
        );
      if (sub === 'diskattachments') return { root: 'disk_attachments', body: templateDiskAttachments(template, base, false) };
    }
  } catch {
    // An entity that is gone (the read's 404) inlines nothing.
  }
  return undefined;
}

function isRef(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'href' in value;
}

/** Sets `key` on `node`: in place when present, else among the references in the engine's alphabetical order. */
function setElement(node: Node, key: string, value: Node): void {
  if (key in node) {
    node[key] = value;
    return;
  }
  const entries = Object.entries(node);
  const firstRef = entries.findIndex(([k, v]) => k !== 'actions' && isRef(v));
  let at = firstRef < 0 ? entries.length : entries.findIndex(([k], i) => i >= firstRef && k > key);
  if (at < 0) at = entries.length;
  entries.splice(at, 0, [key, value]);
  for (const k of Object.keys(node)) delete node[k];
  Object.assign(node, Object.fromEntries(entries));
}

/** Inlines the followed links into `node` (a presented entity), depth first. */
export function applyFollow(sim: Simulator, base: string, node: Node, tree: FollowTree): Node {
  for (const [segment, children] of tree) {
    const rel = segment.replace(/_/g, '').toLowerCase();
    const link = Array.isArray(node.link) ? (node.link as Node[]).find((l) => l.rel === rel) : undefined;
    let fetched: Node | undefined;
    let members: Node[];
    if (link && typeof link.href === 'string') {
      const doc = resolveHref(sim, base, link.href);
      if (!doc) continue;
      fetched = doc.body;
      // The element is the collection's own (`reporteddevices` → `reported_devices`), as the model names it.
      setElement(node, doc.root, fetched);
      // A collection body holds one list, under its element name (`{ nic: [...] }`).
      const list = Object.values(fetched).find(Array.isArray) as Node[] | undefined;
      members = list ?? [];
    } else {
      const current = node[segment];
      if (!isRef(current) || typeof current.href !== 'string') continue;
      fetched = resolveHref(sim, base, current.href)?.body;
      if (!fetched) continue;
      node[segment] = fetched;
      members = [fetched];
    }
    if (children.size > 0) for (const member of members) applyFollow(sim, base, member, children);
  }
  return node;
}

/** The request's `follow=` as a function over presented entities (identity when nothing is followed). */
export function follower(sim: Simulator, req: Request, res: Response, base: string): (node: Node) => Node {
  const tree = followTree(req, res);
  return tree.size === 0 ? (node) => node : (node) => applyFollow(sim, base, node, tree);
}

/** A read's document with the request's `follow=` applied to its body. */
export function followDoc<D extends { body: Node }>(sim: Simulator, req: Request, res: Response, base: string, doc: D): D {
  return { ...doc, body: follower(sim, req, res, base)(doc.body) };
}
