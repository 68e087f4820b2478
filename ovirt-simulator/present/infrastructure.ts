import type { Engine } from '../world/engine';
import type { Cluster, DataCenter, StorageDomain, Template } from '../world/model';
import { DateTime, type Node } from '../wire/document';
import { actions, links, ref } from './links';

/** Ids of the engine's built-in scheduling policies (docs/ovirt-api.md §4.2). */
export const SCHEDULING_POLICY_IDS: Record<string, string> = {
  none: 'b4ed2332-a7ac-4d5f-9596-99a439cb2812',
  evenly_distributed: '20d25257-b4bd-4589-92a6-c4c5c5d3fd1a',
  power_saving: '5a2b0939-7d46-4b73-a469-e9c2c7fc6a53',
  vm_evenly_distributed: '8d5d7bec-68de-4a67-b53e-0ac54686d579',
  cluster_maintenance: '7677771e-5eab-422e-83fa-dc04080d21b7',
};

export function presentDataCenter(dc: DataCenter, base: string): Node {
  const href = `${base}/datacenters/${dc.id}`;
  return {
    href,
    id: dc.id,
    actions: actions(href, ['cleanfinishedtasks', 'forceselectspm']),
    name: dc.name,
    description: dc.description,
    link: links(href, ['clusters', 'iscsibonds', 'networks', 'permissions', 'qoss', 'quotas', 'storagedomains']),
    local: dc.local,
    quota_mode: 'disabled',
    status: dc.status,
    storage_format: 'v5',
    supported_versions: { version: [{ major: dc.version.major, minor: dc.version.minor }] },
    version: { major: dc.version.major, minor: dc.version.minor },
  };
}

/** The cluster's migration policy: "Minimal downtime", every cluster's default (`04_02_0350_change_cluster_default_policy.sql`). */
const MINIMAL_DOWNTIME_MIGRATION_POLICY = '80554327-0569-496b-bdeb-fcbbf52b827b';

/** `ClusterOperationCommandBase.setDefaultBiosType` for x86: UEFI on Q35 above 4.6, SeaBIOS on Q35 from 4.4. */
function clusterBiosType(cluster: Cluster): string {
  const { major, minor } = cluster.version;
  if (major > 4 || (major === 4 && minor > 6)) return 'q35_ovmf';
  return major === 4 && minor >= 4 ? 'q35_sea_bios' : 'i440fx_sea_bios';
}

/**
 * `<cluster>` (`ClusterMapper`): besides the HA settings, what a cluster made by engine-setup or the UI has — KSM on
 * and merging across NUMA nodes, the "Minimal downtime" migration policy with the other migration options inherited
 * from the engine, Linux-bridge (`legacy`) switching, `firewalld`, FIPS off as the hosts report, `urandom` required.
 */
export function presentCluster(cluster: Cluster, base: string): Node {
  const href = `${base}/clusters/${cluster.id}`;
  const fp = cluster.fencingPolicy;
  return {
    href,
    id: cluster.id,
    actions: actions(href, ['resetemulatedmachine', 'syncallnetworks', 'upgrade']),
    name: cluster.name,
    description: cluster.description,
    comment: '',
    link: links(href, ['affinitygroups', 'cpuprofiles', 'enabledfeatures', 'glustervolumes', 'networks', 'permissions']),
    ballooning_enabled: true,
    bios_type: clusterBiosType(cluster),
    cpu: { architecture: 'x86_64', type: cluster.cpuType },
    error_handling: { on_error: cluster.onError },
    fencing_policy: {
      enabled: fp.enabled,
      skip_if_connectivity_broken: { enabled: fp.skipIfConnectivityBroken.enabled, threshold: fp.skipIfConnectivityBroken.threshold },
      skip_if_gluster_bricks_up: false,
      skip_if_gluster_quorum_not_met: false,
      skip_if_sd_active: { enabled: fp.skipIfSdActive },
    },
    fips_mode: 'disabled',
    firewall_type: 'firewalld',
    gluster_service: false,
    ha_reservation: cluster.haReservation,
    ksm: { enabled: true, merge_across_nodes: true },
    memory_policy: {
      over_commit: { percent: cluster.overCommitPercent },
      transparent_hugepages: { enabled: true },
    },
    migration: {
      auto_converge: 'inherit',
      bandwidth: { assignment_method: 'auto' },
      compressed: 'inherit',
      encrypted: 'inherit',
      policy: { id: MINIMAL_DOWNTIME_MIGRATION_POLICY },
    },
    required_rng_sources: { required_rng_source: ['urandom'] },
    switch_type: 'legacy',
    threads_as_cores: false,
    tunnel_migration: false,
    version: { major: cluster.version.major, minor: cluster.version.minor },
    virt_service: true,
    data_center: ref(base, 'datacenters', cluster.dataCenterId),
    scheduling_policy: ref(base, 'schedulingpolicies', SCHEDULING_POLICY_IDS[cluster.schedulingPolicy] ?? ''),
  };
}

/**
 * `<storage_domain>`. At top level the engine shows no `status` for attached domains ("only relevant in the
 * context of a data center", docs/ovirt-api.md §6); under `/datacenters/{id}/storagedomains` it does.
 */
export function presentStorageDomain(sd: StorageDomain, base: string, inDataCenter: boolean): Node {
  const href =
    inDataCenter && sd.dataCenterId ? `${base}/datacenters/${sd.dataCenterId}/storagedomains/${sd.id}` : `${base}/storagedomains/${sd.id}`;
  const storage: Node = { type: sd.storageType };
  if (sd.address) storage.address = sd.address;
  if (sd.storageType === 'nfs') storage.nfs_version = 'auto';
  storage.path = sd.path;
  const node: Node = {
    href,
    id: sd.id,
    actions: actions(href, ['isattached', 'reduceluns', 'refreshluns', 'updateovfstore']),
    name: sd.name,
    description: sd.description,
    comment: '',
    link: links(href, ['diskprofiles', 'disks', 'files', 'permissions', 'storageconnections', 'templates', 'vms']),
    available: sd.availableBytes,
    backup: false,
    block_size: 512,
    committed: sd.committedBytes,
    critical_space_action_blocker: 5,
    discard_after_delete: false,
    external_status: 'ok',
    master: sd.master,
    storage,
    storage_format: 'v5',
    supports_discard: false,
    type: sd.type,
    used: sd.usedBytes,
    warning_low_space_indicator: 10,
    wipe_after_delete: false,
  };
  if (!sd.dataCenterId) node.status = 'unattached';
  else if (inDataCenter) node.status = sd.status;
  if (sd.dataCenterId) {
    node.data_centers = { data_center: [ref(base, 'datacenters', sd.dataCenterId)] };
    if (inDataCenter) node.data_center = ref(base, 'datacenters', sd.dataCenterId);
  }
  return node;
}

export function presentTemplate(template: Template, base: string): Node {
  const href = `${base}/templates/${template.id}`;
  const node: Node = {
    href,
    id: template.id,
    actions: actions(href, ['export']),
    name: template.name,
    description: template.description,
    comment: template.comment,
    link: links(href, ['cdroms', 'diskattachments', 'graphicsconsoles', 'nics', 'permissions', 'tags', 'watchdogs']),
    cpu: {
      architecture: 'x86_64',
      topology: { cores: template.topology.cores, sockets: template.topology.sockets, threads: template.topology.threads },
    },
    creation_time: new DateTime(template.creationTime),
    delete_protected: false,
    high_availability: { enabled: template.haEnabled, priority: template.haPriority },
    memory: template.memoryBytes,
    memory_policy: { ballooning: true, guaranteed: template.memoryBytes, max: template.memoryBytes * 4 },
    os: { boot: { devices: { device: ['hd'] } }, type: template.osType },
    stateless: false,
    status: 'ok',
    type: 'server',
    version: { version_name: 'base version', version_number: 1, base_template: ref(base, 'templates', template.id) },
  };
  if (template.clusterId) node.cluster = ref(base, 'clusters', template.clusterId);
  return node;
}

/** Clusters of a data center, for `/datacenters/{id}/clusters`. */
export function clustersOf(engine: Engine, dcId: string): Cluster[] {
  return [...engine.world.clusters.values()].filter((c) => c.dataCenterId === dcId);
}
