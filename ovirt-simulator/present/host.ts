import type { Engine } from '../world/engine';
import type { FenceAgent, Host } from '../world/model';
import { Decimal, fixed, type Node } from '../wire/document';
import { actions, links, perEntity, ref } from './links';

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
 * None of it changes, so each part is built (and printed) once: `fixed`.
 */
function hardwareInformation(host: Host): Node {
  return {
    family: 'PowerEdge',
    manufacturer: 'Dell Inc.',
    product_name: 'PowerEdge R640',
    serial_number: host.id.slice(0, 7).toUpperCase(),
    supported_rng_sources: { supported_rng_source: ['hwrng', 'urandom'] },
    uuid: host.id,
    version: '',
  };
}

function version(full: string, major: number, minor: number, build: number, revision: number): Node {
  return fixed({ build, full_version: full, major, minor, revision });
}

const LIBVIRT_VERSION = version('libvirt-9.5.0-7.el9', 9, 5, 0, 0);
const VDSM_VERSION = version('vdsm-4.50.5.1-1.el9', 4, 50, 5, 1);
const OS = fixed({
  custom_kernel_cmdline: '',
  description: 'CentOS Stream 9',
  reported_kernel_cmdline:
    'BOOT_IMAGE=(hd0,msdos1)/vmlinuz-5.14.0-391.el9.x86_64 root=/dev/mapper/cs-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M',
  type: 'RHEL',
  version: { full_version: '9 - 2.el9', major: 9 },
});
const KSM = fixed({ enabled: false });
const PM_PROXIES = fixed({ pm_proxy: [{ type: 'cluster' }, { type: 'dc' }] });
const SE_LINUX = fixed({ mode: 'enforcing' });
const TRANSPARENT_HUGEPAGES = fixed({ enabled: true });

/** The parts of a host's document that depend on its id alone. */
const hostParts = perEntity((host: Host, base: string) => {
  const href = `${base}/hosts/${host.id}`;
  return {
    href,
    actions: fixed(actions(href, HOST_ACTIONS)),
    link: fixed(links(href, HOST_LINKS)),
    hardwareInformation: fixed(hardwareInformation(host)),
  };
});

/** `<host>` (docs/ovirt-api.md §5.1). Fence agents are not inline in v4; they live under `/hosts/{id}/fenceagents`. */
export function presentHost(engine: Engine, host: Host, base: string): Node {
  const parts = hostParts(host, base);
  const vms = engine.world.vmsOn(host.id);
  const migrating = vms.filter((vm) => vm.status === 'migrating').length;
  return {
    href: parts.href,
    id: host.id,
    actions: parts.actions,
    name: host.name,
    description: host.description,
    comment: host.comment,
    link: parts.link,
    address: host.address,
    cpu: {
      name: host.cpuName,
      speed: new Decimal(host.cpuSpeedMhz),
      topology: { cores: host.topology.cores, sockets: host.topology.sockets, threads: host.topology.threads },
      type: engine.world.cluster(host.clusterId).cpuType,
    },
    external_status: 'ok',
    hardware_information: parts.hardwareInformation,
    kdump_status: 'disabled',
    ksm: KSM,
    libvirt_version: LIBVIRT_VERSION,
    max_scheduling_memory: engine.scheduler.maxSchedulingMemory(host),
    memory: host.memoryBytes,
    os: OS,
    port: 54321,
    power_management: {
      automatic_pm_enabled: true,
      enabled: host.pm.enabled,
      kdump_detection: host.pm.kdumpDetection,
      pm_proxies: PM_PROXIES,
    },
    protocol: 'stomp',
    se_linux: SE_LINUX,
    spm: { priority: host.spmPriority, status: host.spmStatus },
    status: host.status,
    ...(host.statusDetail ? { status_detail: host.statusDetail } : {}),
    summary: { active: vms.length, migrating, total: vms.length },
    transparent_hugepages: TRANSPARENT_HUGEPAGES,
    type: 'rhel',
    update_available: false,
    version: VDSM_VERSION,
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
