/**
 * The references a VM create or edit names (cluster, template, hosts, storage domains), resolved against the world
 * with the engine's 404 (or 409) when they name nothing usable. Split from `vm-commands.ts`, which applies them.
 */

import { backendFailure, entityNotFound, invalidValue } from './engine-error';
import { defaultDiskDomain } from './disks';
import type { Cluster, StorageDomain, Template } from './model';
import { BLANK_TEMPLATE_ID, type World } from './world';

/** A reference in a request: `<cluster id="…"/>` or `<cluster><name>…</name></cluster>`. */
export interface Ref {
  id?: string;
  name?: string;
}

const DISK_FORMATS = ['cow', 'raw'] as const;

export function resolveCluster(world: World, ref: Ref): Cluster {
  if (ref.id !== undefined) {
    const c = world.clusters.get(ref.id);
    if (!c) throw entityNotFound(`Cluster: id=${ref.id}`);
    return c;
  }
  const c = world.findByName(world.clusters, ref.name ?? '');
  if (!c) throw entityNotFound(`Cluster: name=${ref.name ?? ''}`);
  return c;
}

/** Template names are looked up within the cluster's data center (docs/ovirt-api.md §8.2, Notes). */
export function resolveTemplate(world: World, ref: Ref, cluster: Cluster): Template {
  const inScope = (t: Template) =>
    t.id === BLANK_TEMPLATE_ID || t.clusterId === undefined || world.cluster(t.clusterId).dataCenterId === cluster.dataCenterId;
  let template: Template | undefined;
  if (ref.id !== undefined) template = world.templates.get(ref.id);
  else for (const t of world.templates.values()) if (t.name === ref.name && inScope(t)) template = t;
  if (!template || !inScope(template)) throw entityNotFound('GetVmTemplate');
  return template;
}

export function resolveHostId(world: World, ref: Ref): string {
  const host = ref.id !== undefined ? world.hosts.get(ref.id) : world.findByName(world.hosts, ref.name ?? '');
  if (!host) throw entityNotFound(`Host: ${ref.id !== undefined ? `id=${ref.id}` : `name=${ref.name ?? ''}`}`);
  return host.id;
}

/**
 * Where the copy of the template disk goes, and in which format: the domain named in the request's
 * `<disk_attachments>`, else the template's domain (docs/ovirt-api.md §8.2, Notes). Either must be an active data
 * domain of the VM's data center.
 */
export function templateDiskTarget(
  world: World,
  asked: { storageDomain?: Ref; format?: string } | undefined,
  template: Template,
  cluster: Cluster,
): { storageDomain: StorageDomain; format: 'cow' | 'raw' } {
  const format = asked?.format ?? 'cow';
  if (!(DISK_FORMATS as readonly string[]).includes(format)) throw invalidValue(format, 'DiskFormat', DISK_FORMATS);
  const sd = asked?.storageDomain ? findStorageDomain(world, asked.storageDomain) : defaultDiskDomain(world, template, cluster);
  // ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST / …_STATUS_ILLEGAL2 style messages; exact wording unconfirmed.
  if (!sd || sd.type !== 'data' || sd.dataCenterId !== cluster.dataCenterId) {
    throw backendFailure(409, "Cannot add VM. Storage Domain doesn't exist.");
  }
  if (sd.status !== 'active') {
    throw backendFailure(409, `Cannot add VM. The relevant Storage Domain's status is ${sd.status}.`);
  }
  return { storageDomain: sd, format: format as 'cow' | 'raw' };
}

export function findStorageDomain(world: World, ref: Ref): StorageDomain {
  const sd = ref.id !== undefined ? world.storageDomains.get(ref.id) : world.findByName(world.storageDomains, ref.name ?? '');
  if (!sd) throw entityNotFound(`StorageDomain: ${ref.id !== undefined ? `id=${ref.id}` : `name=${ref.name ?? ''}`}`);
  return sd;
}

/** A VM lease lives on an active data domain of the VM's data center. */
export function resolveLeaseDomain(world: World, ref: Ref, cluster: Cluster, action: 'add' | 'edit'): StorageDomain {
  const sd = findStorageDomain(world, ref);
  if (sd.type !== 'data' || sd.dataCenterId !== cluster.dataCenterId || sd.status !== 'active') {
    // ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL-style message; exact wording unconfirmed.
    throw backendFailure(
      409,
      `Cannot ${action} VM. The VM lease storage domain ${sd.name} must be an active data domain of the VM's Data Center.`,
    );
  }
  return sd;
}
