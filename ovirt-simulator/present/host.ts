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

/**
 * What `HostMapper` shows of the host's software and hardware, as an oVirt 4.5 node on EL9 reports it through VDSM
 * (`version` is VDSM's RPM version, `libvirt_version` libvirt's, `os` the `OS.fromPackageVersionString` reading of
 * VDSM's `operatingSystem`). `ksm.enabled` follows the host's KSM state (off until memory pressure), and
 * `transparent_hugepages.enabled` is true unless THP is `never` — the model's element is `transparent_hugepages`.
 */
function hostSoftware(host: Host): Node {
  return {
    hardware_information: {
      family: 'PowerEdge',
      manufacturer: 'Dell Inc.',
      product_name: 'PowerEdge R640',
      serial_number: host.id.slice(0, 7).toUpperCase(),
      supported_rng_sources: { supported_rng_source: ['hwrng', 'urandom'] },
      uuid: host.id,
      version: '',
    },
  };
}

function version(full: string, major: number, minor: number, build: number, revision: number): Node {
  return { build, full_version: full, major, minor, revision };
}

/** `<host>` (docs/ovirt-api.md §5.1). Fence agents are not inline in v4; they live under `/hosts/{id}/fenceagents`. */
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
    ...hostSoftware(host),
    kdump_status: 'disabled',
    ksm: { enabled: false },
    libvirt_version: version('libvirt-9.5.0-7.el9', 9, 5, 0, 0),
    max_scheduling_memory: engine.scheduler.maxSchedulingMemory(host),
    memory: host.memoryBytes,
    os: {
      custom_kernel_cmdline: '',
      description: 'CentOS Stream 9',
      reported_kernel_cmdline:
        'BOOT_IMAGE=(hd0,msdos1)/vmlinuz-5.14.0-391.el9.x86_64 root=/dev/mapper/cs-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M',
      type: 'RHEL',
      version: { full_version: '9 - 2.el9', major: 9 },
    },
    port: 54321,
    power_management: {
      automatic_pm_enabled: true,
      enabled: host.pm.enabled,
      kdump_detection: host.pm.kdumpDetection,
      pm_proxies: { pm_proxy: [{ type: 'cluster' }, { type: 'dc' }] },
    },
    protocol: 'stomp',
    se_linux: { mode: 'enforcing' },
    spm: { priority: host.spmPriority, status: host.spmStatus },
    status: host.status,
    ...(host.statusDetail ? { status_detail: host.statusDetail } : {}),
    summary: { active: vms.length, migrating, total: vms.length },
    transparent_hugepages: { enabled: true },
    type: 'rhel',
    update_available: false,
    version: version('vdsm-4.50.5.1-1.el9', 4, 50, 5, 1),
    cluster: ref(base, 'clusters', host.clusterId),
  };
}

/** `<agent>` under `/hosts/{id}/fenceagents` (docs/ovirt-api.md §5.2); the password is never returned. */
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
