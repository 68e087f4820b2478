import { backendFailure, EngineError, incompleteParameters, invalidValue } from './engine-error';
import { attachNewDisk } from './disks';
import { mergeInit, type InitInput } from './initialization';
import type { EngineCore } from './engine-core';
import type { Cluster, CpuTopology, Job, Template, Vm, VmAffinity, VmStatus } from './model';
import { newVmRecord } from './vm-record';
import { resolveCluster, resolveHostId, resolveLeaseDomain, resolveTemplate, templateDiskTarget, type Ref } from './vm-references';
import type { Actor } from './world';

/** The fields of a `<vm>` the simulator understands, already parsed from XML or JSON. */
export interface VmInput {
  name?: string;
  description?: string;
  comment?: string;
  cluster?: Ref;
  template?: Ref;
  memoryBytes?: number;
  guaranteedBytes?: number;
  maxBytes?: number;
  topology?: Partial<CpuTopology>;
  ha?: { enabled?: boolean; priority?: number };
  placement?: { affinity?: string; hosts?: Ref[] };
  /** `null` removes the lease (an empty `<lease/>`). */
  lease?: { storageDomain?: Ref } | null;
  storageErrorResumeBehaviour?: string;
  type?: string;
  deleteProtected?: boolean;
  /**
   * Create only: `<disk_attachments>` naming a target storage domain (and format) per template disk. The
   * simulator's templates have one disk, so the first entry applies to it (disk ids are not matched).
   */
  disks?: Array<{ storageDomain?: Ref; format?: string }>;
  /** `<initialization>`: merged over the stored one (see `mergeInit`). */
  initialization?: InitInput;
}

export const AFFINITIES: readonly VmAffinity[] = ['migratable', 'pinned', 'user_migratable'];
const RESUME_BEHAVIOURS = ['auto_resume', 'kill', 'leave_paused'] as const;
const VM_TYPES = ['desktop', 'high_performance', 'server'] as const;
const NAME_PATTERN = /^[\p{L}0-9._-]+$/u;
const MAX_NAME_LENGTH = 255;
const MAX_PRIORITY = 100;
/** Allocated size of a fresh thin overlay (qcow2 metadata only); a made-up but plausible number. */
const NEW_OVERLAY_BYTES = 200_704;

export interface CreateResult {
  vm: Vm;
  /** True when the template has disks: the engine answers 202 with the VM `image_locked`. */
  async: boolean;
  job: Job;
  /** Resolves when the image copy ends (for `Expect: 201-created`). */
  done: Promise<void>;
}

/** What VM commands need besides the world, clock and timings: the lock check, template NICs, the VM state machine, HA. */
export interface VmCommandsDeps extends EngineCore {
  readonly vmActions: { checkLocks(vm: Vm, action: string): void };
  readonly nicCommands: { copyTemplateNics(vm: Vm, template: Pick<Template, 'id'>): void };
  readonly runtime: {
    setStatus(vm: Vm, status: VmStatus): number;
    after(vm: Vm, ms: number, label: string, fn: () => void): void;
  };
  readonly ha: { forget(vmId: string): void };
}

/** VM create, update and remove (docs/ovirt-api.md §8.2–8.3). */
export class VmCommands {
  constructor(private readonly engine: VmCommandsDeps) {}

  private get world() {
    return this.engine.world;
  }

  create(input: VmInput, actor: Actor): CreateResult {
    if (!input.cluster || (input.cluster.id === undefined && input.cluster.name === undefined)) {
      throw incompleteParameters('Vm', ['cluster.id|name'], 'add');
    }
    if (!input.name) throw incompleteParameters('Vm', ['name'], 'add');
    if (!input.template || (input.template.id === undefined && input.template.name === undefined)) {
      throw incompleteParameters('Vm', ['template.id|name'], 'add');
    }
    const cluster = resolveCluster(this.world, input.cluster);
    const template = resolveTemplate(this.world, input.template, cluster);
    this.validateName(input.name, 'add', undefined);
    const memoryBytes = input.memoryBytes ?? template.memoryBytes;
    const now = this.engine.clock.now();
    const vm = newVmRecord(
      {
        id: this.world.newId(),
        name: input.name,
        description: input.description ?? template.description,
        comment: input.comment ?? '',
        clusterId: cluster.id,
        templateId: template.id,
        memoryBytes,
        guaranteedBytes: input.guaranteedBytes,
        maxBytes: input.maxBytes,
        topology: { ...template.topology, ...definedTopology(input.topology) },
        ha: { enabled: template.haEnabled, priority: template.haPriority },
        placement: { affinity: 'migratable', hostIds: [] },
        leaseStorageDomainId: undefined,
        storageErrorResumeBehaviour: 'auto_resume',
        osType: template.osType,
        creationTime: now,
        creationCorrelationId: actor.correlationId,
      },
      cluster,
    );
    this.applyConfig(vm, input, cluster, 'add');
    const async = template.diskBytes > 0;
    const disk = async ? templateDiskTarget(this.world, input.disks?.[0], template, cluster) : undefined;
    // Last of the checks: a MAC pool without room fails the create.
    this.engine.nicCommands.copyTemplateNics(vm, template);
    const job = this.world.startJob(`Creating VM ${vm.name} in Cluster ${cluster.name}`, actor, { vmId: vm.id });
    this.world.addVm(vm);
    if (disk) {
      // clone=false: a thin COW overlay on the template's image, nearly empty until the guest writes.
      attachNewDisk(this.world, vm, {
        storageDomain: disk.storageDomain,
        provisionedBytes: template.diskBytes,
        actualBytes: NEW_OVERLAY_BYTES,
        format: disk.format,
      });
    }
    if (!async) {
      this.world.log('USER_ADD_VM', {}, { vm, actor });
      this.world.endJob(job);
      return { vm, async, job, done: Promise.resolve() };
    }
    vm.status = 'image_locked';
    vm.creationStatus = 'in_progress';
    this.world.log('USER_ADD_VM_STARTED', {}, { vm, actor });
    const done = new Promise<void>((resolve) => {
      this.engine.runtime.after(vm, this.engine.timings.vmCreateMs, 'created', () => {
        this.engine.runtime.setStatus(vm, 'down');
        vm.creationStatus = 'complete';
        this.world.log('USER_ADD_VM_FINISHED_SUCCESS', {}, { vm, correlationId: actor.correlationId });
        this.world.endJob(job);
        resolve();
      });
    });
    return { vm, async, job, done };
  }

  update(vm: Vm, input: VmInput, actor: Actor): Vm {
    this.engine.vmActions.checkLocks(vm, 'edit');
    const cluster = this.world.cluster(vm.clusterId);
    if (input.cluster && (input.cluster.id ?? input.cluster.name) !== undefined) {
      const target = resolveCluster(this.world, input.cluster);
      if (target.id !== cluster.id) {
        throw new EngineError(400, 'Operation Failed', 'Changing the cluster of a VM is not supported by the simulator');
      }
    }
    if (input.name !== undefined && input.name !== vm.name) this.validateName(input.name, 'edit', vm);
    const initialization = input.initialization ? mergeInit(vm.initialization, input.initialization, 'edit') : undefined;
    const running = vm.status !== 'down';
    if (input.memoryBytes !== undefined && running) {
      vm.nextRun = { ...vm.nextRun, memoryBytes: input.memoryBytes };
    } else if (input.memoryBytes !== undefined) {
      vm.memoryBytes = input.memoryBytes;
    }
    if (input.topology && running) {
      vm.nextRun = { ...vm.nextRun, topology: { ...vm.topology, ...definedTopology(input.topology) } };
    } else if (input.topology) {
      vm.topology = { ...vm.topology, ...definedTopology(input.topology) };
    }
    if (input.name !== undefined && input.name !== vm.name) this.world.renameVm(vm, input.name);
    if (input.description !== undefined) vm.description = input.description;
    if (input.comment !== undefined) vm.comment = input.comment;
    if (input.guaranteedBytes !== undefined) vm.guaranteedBytes = input.guaranteedBytes;
    if (input.maxBytes !== undefined) vm.maxBytes = input.maxBytes;
    this.applyConfig(vm, input, cluster, 'edit');
    if (initialization) vm.initialization = initialization;
    this.world.log('USER_UPDATE_VM', {}, { vm, actor });
    return vm;
  }

  /** Removes the VM and its disks; `detachOnly` keeps the disks as floating disks (docs/ovirt-api.md §8.3). */
  remove(vm: Vm, actor: Actor, force: boolean, detachOnly = false): Job {
    if (vm.locked) {
      throw backendFailure(409, 'Cannot remove VM. Related operation is currently in progress. Please try again later.');
    }
    if (vm.status === 'image_locked' && !force) {
      throw backendFailure(409, 'Cannot remove VM: VM is locked. Please try again in a few minutes.');
    }
    if (vm.status !== 'down' && vm.status !== 'image_locked' && vm.status !== 'suspended') {
      throw backendFailure(409, 'Cannot remove VM. VM is running.');
    }
    if (vm.deleteProtected) {
      throw backendFailure(409, 'Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.');
    }
    const job = this.world.startJob(`Removing VM ${vm.name} from system`, actor, { vmId: vm.id });
    this.engine.ha.forget(vm.id);
    vm.epoch += 1;
    this.world.removeVm(vm, detachOnly);
    this.world.log('USER_REMOVE_VM_FINISHED', {}, { vm, actor });
    this.world.endJob(job);
    return job;
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private applyConfig(vm: Vm, input: VmInput, cluster: Cluster, action: 'add' | 'edit'): void {
    if (input.ha) {
      const priority = input.ha.priority ?? vm.ha.priority;
      if (priority < 0 || priority > MAX_PRIORITY) {
        throw backendFailure(400, `VM priority value passed the permitted max value, value should be between 0 and ${MAX_PRIORITY}.`);
      }
      vm.ha = { enabled: input.ha.enabled ?? vm.ha.enabled, priority };
    }
    if (input.placement) {
      if (input.placement.affinity !== undefined) {
        if (!(AFFINITIES as readonly string[]).includes(input.placement.affinity)) {
          throw invalidValue(input.placement.affinity, 'VmAffinity', AFFINITIES);
        }
        vm.placement.affinity = input.placement.affinity as VmAffinity;
      }
      if (input.placement.hosts) {
        vm.placement.hostIds = input.placement.hosts.map((ref) => resolveHostId(this.world, ref));
      }
    }
    if (input.storageErrorResumeBehaviour !== undefined) {
      const value = input.storageErrorResumeBehaviour;
      if (!(RESUME_BEHAVIOURS as readonly string[]).includes(value)) {
        throw invalidValue(value, 'VmStorageErrorResumeBehaviour', RESUME_BEHAVIOURS);
      }
      vm.storageErrorResumeBehaviour = value as Vm['storageErrorResumeBehaviour'];
    }
    if (input.type !== undefined) {
      if (!(VM_TYPES as readonly string[]).includes(input.type)) throw invalidValue(input.type, 'VmType', VM_TYPES);
      vm.type = input.type as Vm['type'];
    }
    if (input.deleteProtected !== undefined) vm.deleteProtected = input.deleteProtected;
    if (action === 'add' && input.initialization) vm.initialization = mergeInit(undefined, input.initialization, 'add');
    if (input.lease === null) {
      vm.leaseStorageDomainId = undefined;
    } else if (input.lease?.storageDomain) {
      const sd = resolveLeaseDomain(this.world, input.lease.storageDomain, cluster, action);
      vm.leaseStorageDomainId = sd.id;
      // Only `kill` is supported for HA VMs with a lease (docs/ovirt-api.md §8.1).
      if (input.storageErrorResumeBehaviour === undefined) vm.storageErrorResumeBehaviour = 'kill';
    }
  }

  private validateName(name: string, action: 'add' | 'edit', self: Vm | undefined): void {
    const type = action === 'add' ? 'add' : 'edit';
    if (name.length > MAX_NAME_LENGTH) {
      throw backendFailure(400, `Cannot ${type} VM. The given name is too long.`);
    }
    if (!NAME_PATTERN.test(name)) {
      throw backendFailure(
        400,
        `Cannot ${type} VM. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.`,
      );
    }
    const existing = this.world.vmByName(name);
    if (existing && existing !== self) {
      throw backendFailure(409, `Cannot ${type} VM. The VM name is already in use, please choose a unique name and try again.`);
    }
  }
}

function definedTopology(t: Partial<CpuTopology> | undefined): Partial<CpuTopology> {
  const out: Partial<CpuTopology> = {};
  if (t?.sockets !== undefined) out.sockets = t.sockets;
  if (t?.cores !== undefined) out.cores = t.cores;
  if (t?.threads !== undefined) out.threads = t.threads;
  return out;
}
