import type { Engine } from '../world/engine';
import { BLANK_TEMPLATE_ID, type Actor } from '../world/world';
import { DateTime, fixed, type Node } from '../wire/document';
import { ref } from './links';

/** Collections the root advertises; the `/search` ones get a `?search={query}` twin (docs/ovirt-api.md §3). */
const SEARCHABLE = [
  'clusters',
  'datacenters',
  'events',
  'hosts',
  'storagedomains',
  'templates',
  'vms',
  'disks',
  'users',
  'groups',
  'vmpools',
  'networks',
  'instancetypes',
];
const PLAIN = [
  'roles',
  'tags',
  'bookmarks',
  'icons',
  'domains',
  'jobs',
  'storageconnections',
  'vnicprofiles',
  'diskprofiles',
  'cpuprofiles',
  'schedulingpolicyunits',
  'schedulingpolicies',
  'permissions',
  'macpools',
  'networkfilters',
  'operatingsystems',
  'externalhostproviders',
  'affinitylabels',
  'clusterlevels',
  'imagetransfers',
];

export const PRODUCT_VERSION = { major: 4, minor: 5, build: 7, revision: 0, full: '4.5.7-1.el9' };

const PRODUCT_VERSION_NODE = fixed({
  build: PRODUCT_VERSION.build,
  full_version: PRODUCT_VERSION.full,
  major: PRODUCT_VERSION.major,
  minor: PRODUCT_VERSION.minor,
  revision: PRODUCT_VERSION.revision,
});

const rootLinksByBase = new Map<string, Node[]>();

/** The root's links for an API base (sorted once per base: `localeCompare` is slow, and the list never changes). */
export function rootLinks(base: string): Node[] {
  let out = rootLinksByBase.get(base);
  if (out === undefined) {
    out = fixed(buildRootLinks(base));
    // Two bases are all a server sees (`/ovirt-engine/api`, `/v4`); the bound keeps anything odd from piling up.
    if (rootLinksByBase.size < 16) rootLinksByBase.set(base, out);
  }
  return out;
}

function buildRootLinks(base: string): Node[] {
  const out: Node[] = [];
  for (const rel of SEARCHABLE) {
    out.push({ href: `${base}/${rel}`, rel });
    const search = rel === 'events' ? `${base}/events;from={event_id}?search={query}` : `${base}/${rel}?search={query}`;
    out.push({ href: search, rel: `${rel}/search` });
  }
  for (const rel of PLAIN) out.push({ href: `${base}/${rel}`, rel });
  return out.sort((a, b) => String(a.rel).localeCompare(String(b.rel)));
}

/** `GET /ovirt-engine/api` (docs/ovirt-api.md §3). */
export function presentApiRoot(engine: Engine, base: string, actor: Actor): Node {
  const world = engine.world;
  let activeHosts = 0;
  for (const h of world.hosts.values()) if (h.status === 'up') activeHosts++;
  let activeVms = 0;
  for (const vm of world.vms.values()) if (vm.status === 'up') activeVms++;
  let activeSds = 0;
  for (const sd of world.storageDomains.values()) if (sd.status === 'active') activeSds++;
  return {
    link: rootLinks(base),
    product_info: {
      instance_id: world.instanceId,
      name: 'oVirt Engine',
      vendor: 'ovirt.org',
      version: PRODUCT_VERSION_NODE,
    },
    special_objects: {
      blank_template: ref(base, 'templates', BLANK_TEMPLATE_ID),
      root_tag: ref(base, 'tags', BLANK_TEMPLATE_ID),
    },
    summary: {
      hosts: { active: activeHosts, total: world.hosts.size },
      storage_domains: { active: activeSds, total: world.storageDomains.size },
      users: { active: 1, total: world.users.length },
      vms: { active: activeVms, total: world.vms.size },
    },
    time: new DateTime(engine.clock.now()),
    authenticated_user: ref(base, 'users', actor.userId),
    effective_user: ref(base, 'users', actor.userId),
  };
}
