import { guestFqdn } from '../world/guest-agent';
import type { Vm } from '../world/model';
import { DateTime, type Node } from '../wire/document';
import { presentInitialization } from './initialization';
import { actions, links, ref } from './links';

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

/** Statuses with no host link: the VM is not running anywhere (reference §8.1). */
const NOT_RUNNING = new Set(['down', 'image_locked', 'suspended', 'unassigned']);

/** `<vm>` in the engine's element order (reference §8.1); `follow=` inlines links afterwards (`../http/follow.ts`). */
export function presentVm(vm: Vm, base: string): Node {
  const href = `${base}/vms/${vm.id}`;
  const node: Node = {
    href,
    id: vm.id,
    actions: actions(href, VM_ACTIONS),
    name: vm.name,
    description: vm.description,
    comment: vm.comment,
  };
  if (vm.creationStatus === 'pending' || vm.creationStatus === 'in_progress') node.creation_status = vm.creationStatus;
  node.link = links(href, VM_LINKS);
  node.cpu = {
    architecture: 'x86_64',
    topology: { cores: vm.topology.cores, sockets: vm.topology.sockets, threads: vm.topology.threads },
  };
  node.creation_time = new DateTime(vm.creationTime);
  node.delete_protected = vm.deleteProtected;
  const fqdn = NOT_RUNNING.has(vm.status) ? undefined : guestFqdn(vm);
  if (fqdn !== undefined) node.fqdn = fqdn;
  node.high_availability = { enabled: vm.ha.enabled, priority: vm.ha.priority };
  // Shown on every read, as the engine loads `VmInit` for single reads and (detail `main`) for lists.
  if (vm.initialization) node.initialization = presentInitialization(vm.initialization);
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
  node.stateless = false;
  node.storage_error_resume_behaviour = vm.storageErrorResumeBehaviour;
  node.type = vm.type;
  node.next_run_configuration_exists = vm.nextRun !== undefined;
  node.run_once = false;
  if (vm.startTime !== undefined && !NOT_RUNNING.has(vm.status)) node.start_time = new DateTime(vm.startTime);
  node.status = vm.status;
  if (vm.stopReason) node.stop_reason = vm.stopReason;
  if (vm.stopTime !== undefined) node.stop_time = new DateTime(vm.stopTime);
  node.cluster = ref(base, 'clusters', vm.clusterId);
  if (vm.hostId && !NOT_RUNNING.has(vm.status)) node.host = ref(base, 'hosts', vm.hostId);
  node.original_template = ref(base, 'templates', vm.templateId);
  node.template = ref(base, 'templates', vm.templateId);
  return node;
}
