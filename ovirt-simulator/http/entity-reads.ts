import { presentDisk } from '../present/disk';
import { presentEvent, presentJob } from '../present/event';
import { presentHost } from '../present/host';
import { presentCluster, presentDataCenter, presentStorageDomain, presentTemplate } from '../present/infrastructure';
import { presentMacPool, presentNetwork, presentVnicProfile } from '../present/network';
import { presentSchedulingPolicy, schedulingPolicyName } from '../present/scheduling-policy';
import { presentVm } from '../present/vm';
import type { Simulator } from '../simulator';
import type { Vm } from '../world/model';
import type { Doc, Node } from '../wire/document';
import { found } from './routes/shared';

/**
 * `GET /{collection}/{id}` without parameters: the document depends on the path alone (throws the engine's 404 for
 * an unknown id). The express routes, the fast read path (`fast-reads.ts`) and `follow=` (`follow.ts`) all answer
 * through these reads, which is why they live here and not in the route files.
 */
export type EntityRead = (sim: Simulator, id: string, base: string) => Doc;

/** A VM as every read shows it (its data center's default quota; `console` only with All-Content). */
export function vmBody(sim: Simulator, vm: Vm, base: string, allContent = false): Node {
  return presentVm(vm, base, { dataCenterId: sim.world.cluster(vm.clusterId).dataCenterId, allContent });
}

/** `GET /vms/{id}`, with or without All-Content. */
export function vmDoc(sim: Simulator, id: string, base: string, allContent = false): Doc {
  return { root: 'vm', body: vmBody(sim, found(sim.world.vms.get(id)), base, allContent) };
}

export const readHost: EntityRead = (sim, id, base) => ({
  root: 'host',
  body: presentHost(sim.engine, found(sim.world.hosts.get(id)), base),
});

export const readDataCenter: EntityRead = (sim, id, base) => ({
  root: 'data_center',
  body: presentDataCenter(found(sim.world.dataCenters.get(id)), base),
});
export const readCluster: EntityRead = (sim, id, base) => ({
  root: 'cluster',
  body: presentCluster(found(sim.world.clusters.get(id)), base),
});
export const readStorageDomain: EntityRead = (sim, id, base) => ({
  root: 'storage_domain',
  body: presentStorageDomain(found(sim.world.storageDomains.get(id)), base, false),
});
export const readTemplate: EntityRead = (sim, id, base) => ({
  root: 'template',
  body: presentTemplate(found(sim.world.templates.get(id)), base),
});

export const readDisk: EntityRead = (sim, id, base) => ({
  root: 'disk',
  body: presentDisk(sim.world, found(sim.world.disks.get(id)), base),
});

export const readEvent: EntityRead = (sim, id, base) => {
  return { root: 'event', body: presentEvent(found(sim.world.audit.eventByIndex(Number(id))), base) };
};
export const readJob: EntityRead = (sim, id, base) => ({ root: 'job', body: presentJob(found(sim.world.jobs.get(id)), base) });

export const readNetwork: EntityRead = (sim, id, base) => ({
  root: 'network',
  body: presentNetwork(found(sim.world.net.networks.get(id)), base),
});
export const readVnicProfile: EntityRead = (sim, id, base) => ({
  root: 'vnic_profile',
  body: presentVnicProfile(found(sim.world.net.vnicProfiles.get(id)), base),
});
export const readMacPool: EntityRead = (sim, id, base) => ({
  root: 'mac_pool',
  body: presentMacPool(found(sim.world.net.macPools.get(id)), base),
});

export const readSchedulingPolicy: EntityRead = (_sim, id, base) => ({
  root: 'scheduling_policy',
  body: presentSchedulingPolicy(found(schedulingPolicyName(id)), base),
});

/** The reads the fast path answers, by collection (scheduling policies go through the express app). */
export const FAST_ENTITY_READS: Readonly<Record<string, EntityRead>> = {
  vms: (sim, id, base) => vmDoc(sim, id, base),
  hosts: readHost,
  datacenters: readDataCenter,
  clusters: readCluster,
  storagedomains: readStorageDomain,
  templates: readTemplate,
  disks: readDisk,
  events: readEvent,
  jobs: readJob,
  networks: readNetwork,
  vnicprofiles: readVnicProfile,
  macpools: readMacPool,
};

/** Every plain entity read, by collection: what `follow=` can inline. */
export const ENTITY_READS: Readonly<Record<string, EntityRead>> = { ...FAST_ENTITY_READS, schedulingpolicies: readSchedulingPolicy };
