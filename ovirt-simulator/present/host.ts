import type { Engine } from '../world/engine';
import type { FenceAgent, Host } from '../world/model';
import { Decimal, type Node } from '../wire/document';
import { actions, links, ref } from './links';

const HOST_ACTIONS = [
  'activate',
  'approve',
  'commitnetconfig',
  'copyhostnetworks',
  'deactivate',
  'discoveriscsi',
  'enrollcertificate',
  'fence',
  'forceselectspm',
  'install',
  'iscsidiscover',
  'iscsilogin',
  'refresh',
  'setupnetworks',
  'syncallnetworks',
  'unregisteredstoragedomainsdiscover',
  'upgrade',
  'upgradecheck',
] as const;

const HOST_LINKS = [
  'affinitylabels',
  'cpuunits',
  'devices',
  'externalnetworkproviderconfigurations',
  'fenceagents',
  'hooks',
  'katelloerrata',
  'networkattachments',
  'nics',
  'numanodes',
  'permissions',
  'statistics',
  'storage',
  'storageconnectionextensions',
  'tags',
  'unmanagednetworks',
] as const;

/** `<host>` (reference §5.1). Fence agents are not inline in v4; they live under `/hosts/{id}/fenceagents`. */
export function presentHost(engine: Engine, host: Host, base: string): Node {
  const href = `${base}/hosts/${host.id}`;
  const vms = engine.world.vmsOn(host.id);
  const migrating = vms.filter((vm) => vm.status === 'migrating').length;
  return {
    href,
    id: host.id,
    actions: actions(href, HOST_ACTIONS),
    name: host.name,
    description: host.description,
    comment: host.comment,
    link: links(href, HOST_LINKS),
    address: host.address,
    cpu: {
      name: host.cpuName,
      speed: new Decimal(host.cpuSpeedMhz),
      topology: { cores: host.topology.cores, sockets: host.topology.sockets, threads: host.topology.threads },
      type: engine.world.cluster(host.clusterId).cpuType,
    },
    external_status: 'ok',
    kdump_status: 'disabled',
    max_scheduling_memory: engine.scheduler.maxSchedulingMemory(host),
    memory: host.memoryBytes,
    port: 54321,
    power_management: {
      automatic_pm_enabled: true,
      enabled: host.pm.enabled,
      kdump_detection: host.pm.kdumpDetection,
      pm_proxies: { pm_proxy: [{ type: 'cluster' }, { type: 'dc' }] },
    },
    protocol: 'stomp',
    spm: { priority: host.spmPriority, status: host.spmStatus },
    status: host.status,
    ...(host.statusDetail ? { status_detail: host.statusDetail } : {}),
    summary: { active: vms.length, migrating, total: vms.length },
    type: 'rhel',
    cluster: ref(base, 'clusters', host.clusterId),
  };
}

/** `<agent>` under `/hosts/{id}/fenceagents` (reference §5.2); the password is never returned. */
export function presentAgent(host: Host, agent: FenceAgent, base: string): Node {
  const href = `${base}/hosts/${host.id}/fenceagents/${agent.id}`;
  return {
    href,
    id: agent.id,
    address: agent.address,
    concurrent: false,
    encrypt_options: false,
    order: agent.order,
    ...(agent.port !== undefined ? { port: agent.port } : {}),
    type: agent.type,
    username: agent.username,
    host: ref(base, 'hosts', host.id),
  };
}
