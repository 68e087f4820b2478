import { nameUuid } from '../random';
import { guestFqdn } from '../world/guest-agent';
import { VM_IO_THREADS } from '../world/memory';
import type { Vm } from '../world/model';
import { DateTime, fixed, type Node } from '../wire/document';
import { presentInitialization } from './initialization';
import { actions, links, perEntity, ref } from './links';

export const VM_ACTIONS = [
  'autopincpuandnumanodes',
  'cancelmigration',
  'clone',
  'commitsnapshot',
  'detach',
  'export',
  'freezefilesystems',
  'logon',
  'maintenance',
  'migrate',
  'previewsnapshot',
  'reboot',
  'reordermacaddresses',
  'reset',
  'screenshot',
  'shutdown',
  'start',
  'stop',
  'suspend',
  'thawfilesystems',
  'ticket',
  'undosnapshot',
] as const;

const VM_LINKS = [
  'affinitylabels',
  'applications',
  'backups',
  'cdroms',
  'checkpoints',
  'diskattachments',
  'graphicsconsoles',
  'hostdevices',
  'katelloerrata',
  'mediateddevices',
  'nics',
  'numanodes',
  'permissions',
  'reporteddevices',
  'sessions',
  'snapshots',
  'statistics',
  'tags',
  'watchdogs',
] as const;

/** Statuses with no host link: the VM is not running anywhere (docs/ovirt-api.md §8.1). */
const NOT_RUNNING = new Set(['down', 'image_locked', 'suspended', 'unassigned']);

/** The parts of a VM's document that depend on its id alone, built (and printed) once. */
const vmParts = perEntity((vm: Vm, base: string) => {
  const href = `${base}/vms/${vm.id}`;
  return { href, actions: fixed(actions(href, VM_ACTIONS)), link: fixed(links(href, VM_LINKS)) };
});

/** What every VM made from the 4.5 Blank template shows (see `presentVm`); none of it changes. */
const BIOS = fixed({ boot_menu: { enabled: false }, type: 'cluster_default' });
const CONSOLE = fixed({ enabled: false });
const DISPLAY = fixed({
  allow_override: false,
  copy_paste_enabled: true,
  disconnect_action: 'LOCK_SCREEN',
  file_transfer_enabled: true,
  monitors: 1,
  single_qxl_pci: false,
  smartcard_enabled: false,
  type: 'vnc',
});
const IO = fixed({ threads: VM_IO_THREADS });
const SSO = fixed({ methods: { method: [{ id: 'guest_agent' }] } });
const TIME_ZONE = fixed({ name: 'Etc/GMT', utc_offset: '+00:00' });
const USB = fixed({ enabled: false });

/** What the VM's read depends on beyond the VM: its data center (for the default quota) and `All-Content`. */
export interface VmView {
  dataCenterId?: string;
  /** `All-Content: true` / `all_content=true`: adds `console` (docs/ovirt-api.md §1.4). */
  allContent?: boolean;
}

/** The default CPU profile engine-setup and cluster creation make for each cluster (`<cluster>` named), by id. */
export function defaultCpuProfileId(clusterId: string): string {
  return nameUuid(`cpuprofile:${clusterId}`);
}

/** Each data center's default, unlimited quota ("Default"), which VMs get while quota enforcement is off. */
export function defaultQuotaId(dataCenterId: string): string {
  return nameUuid(`quota:${dataCenterId}`);
}

/**
 * `<vm>` in the engine's element order (docs/ovirt-api.md §8.1); `follow=` inlines links afterwards (`../http/follow.ts`).
 * Besides the HA fields, what a VM made from the 4.5 Blank template shows (`VmMapper`, `VmBaseMapper`): BIOS from
 * the cluster, VNC display, one I/O thread, USB off, SSO through the guest agent, `Etc/GMT`, no CPU shares, the
 * cluster's default CPU profile and the data center's default quota.
 */
export function presentVm(vm: Vm, base: string, view: VmView = {}): Node {
  const parts = vmParts(vm, base);
  const node: Node = {
    href: parts.href,
    id: vm.id,
    actions: parts.actions,
    name: vm.name,
    description: vm.description,
    comment: vm.comment,
  };
  if (vm.creationStatus === 'pending' || vm.creationStatus === 'in_progress') node.creation_status = vm.creationStatus;
  node.link = parts.link;
  node.bios = BIOS;
  if (view.allContent) node.console = CONSOLE;
  node.cpu = {
    architecture: 'x86_64',
    topology: { cores: vm.topology.cores, sockets: vm.topology.sockets, threads: vm.topology.threads },
  };
  node.cpu_shares = 0;
  node.creation_time = new DateTime(vm.creationTime);
  node.delete_protected = vm.deleteProtected;
  node.display = DISPLAY;
  const fqdn = NOT_RUNNING.has(vm.status) ? undefined : guestFqdn(vm);
  if (fqdn !== undefined) node.fqdn = fqdn;
  node.high_availability = { enabled: vm.ha.enabled, priority: vm.ha.priority };
  // Shown on every read, as the engine loads `VmInit` for single reads and (detail `main`) for lists.
  if (vm.initialization) node.initialization = presentInitialization(vm.initialization);
  node.io = IO;
  if (vm.leaseStorageDomainId) node.lease = { storage_domain: ref(base, 'storagedomains', vm.leaseStorageDomainId) };
  node.memory = vm.memoryBytes;
  node.memory_policy = { ballooning: true, guaranteed: vm.guaranteedBytes, max: vm.maxBytes };
  node.migration_downtime = -1;
  node.origin = 'ovirt';
  node.os = { boot: { devices: { device: ['hd'] } }, type: vm.osType };
  const placement: Node = { affinity: vm.placement.affinity };
  if (vm.placement.hostIds.length > 0) {
    placement.hosts = { host: vm.placement.hostIds.map((id) => ref(base, 'hosts', id)) };
  }
  node.placement_policy = placement;
  node.sso = SSO;
  node.stateless = false;
  node.storage_error_resume_behaviour = vm.storageErrorResumeBehaviour;
  node.time_zone = TIME_ZONE;
  node.type = vm.type;
  node.usb = USB;
  node.next_run_configuration_exists = vm.nextRun !== undefined;
  node.run_once = false;
  if (vm.startTime !== undefined && !NOT_RUNNING.has(vm.status)) node.start_time = new DateTime(vm.startTime);
  node.status = vm.status;
  if (vm.stopReason) node.stop_reason = vm.stopReason;
  if (vm.stopTime !== undefined) node.stop_time = new DateTime(vm.stopTime);
  node.cluster = ref(base, 'clusters', vm.clusterId);
  node.cpu_profile = ref(base, 'cpuprofiles', defaultCpuProfileId(vm.clusterId));
  if (vm.hostId && !NOT_RUNNING.has(vm.status)) node.host = ref(base, 'hosts', vm.hostId);
  node.original_template = ref(base, 'templates', vm.templateId);
  if (view.dataCenterId) node.quota = { id: defaultQuotaId(view.dataCenterId) };
  node.template = ref(base, 'templates', vm.templateId);
  return node;
}
