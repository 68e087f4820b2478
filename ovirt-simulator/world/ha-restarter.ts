import type { TimerHandle } from '../clock';
import type { EngineCore } from './engine-core';
import type { Host, Job, Vm } from './model';
import type { Scheduler } from './scheduler';

interface QueuedVm {
  vmId: string;
  queuedAt: number;
  nextTryAt: number;
  failures: number;
  /**
   * `lease`: an HA VM with a VM lease whose host stopped responding; it is restarted while still `unknown`,
   * without fencing, and the attempt fails while the old instance still holds the lease (docs/ovirt-api.md §13.1).
   */
  kind: 'down' | 'lease';
}

/** What the runner needs besides the world, clock and timings: a placement, and the runtime to launch a VM there. */
export interface HaRestarterDeps extends EngineCore {
  readonly scheduler: Pick<Scheduler, 'pick'>;
  readonly runtime: { launch(vm: Vm, host: Host, kind: 'ha', actor: undefined): Job };
}

/**
 * The engine's `HaAutoStartVmsRunner` (docs/ovirt-api.md §13.4): runs every second while VMs wait; the queue is sorted
 * by HA priority, highest first; a VM is held back while a higher-priority VM it queued is still starting
 * (at most `MaxTimeAutoStartBlockedOnPriority`); a failed attempt logs 9603 and is retried every 30 s ten times,
 * then every 30 min, forever (9605 is never logged for HA VMs in this engine version).
 */
export class HaRestarter {
  private readonly queue = new Map<string, QueuedVm>();
  /** VMs this runner launched, so lower priorities can wait for them to come up. */
  private readonly launched = new Set<string>();
  private timer: TimerHandle | undefined;

  constructor(private readonly engine: HaRestarterDeps) {}

  enqueue(vm: Vm, kind: 'down' | 'lease' = 'down', delayMs = 0): void {
    const now = this.engine.clock.now();
    const existing = this.queue.get(vm.id);
    if (existing && existing.kind === kind) return;
    this.queue.set(vm.id, { vmId: vm.id, queuedAt: now, nextTryAt: now + delayMs, failures: 0, kind });
    this.arm();
  }

  /** The VM left the runner's hands (a user started, stopped or removed it). */
  forget(vmId: string): void {
    this.queue.delete(vmId);
  }

  /** VM ids waiting for a restart, in the order the runner would try them. */
  pending(): string[] {
    return this.sorted().map((q) => q.vmId);
  }

  private arm(): void {
    if (this.timer || this.queue.size === 0) return;
    this.timer = this.engine.clock.schedule(
      this.engine.timings.haRunnerIntervalMs,
      () => {
        this.timer = undefined;
        this.tick();
        this.arm();
      },
      'ha-runner',
    );
  }

  private sorted(): QueuedVm[] {
    const world = this.engine.world;
    return [...this.queue.values()].sort((a, b) => {
      const va = world.vms.get(a.vmId);
      const vb = world.vms.get(b.vmId);
      const pa = va?.ha.priority ?? 0;
      const pb = vb?.ha.priority ?? 0;
      if (pa !== pb) return pb - pa;
      if (a.queuedAt !== b.queuedAt) return a.queuedAt - b.queuedAt;
      return (va?.name ?? '').localeCompare(vb?.name ?? '');
    });
  }

  private tick(): void {
    const { world, timings, clock } = this.engine;
    const now = clock.now();
    for (const entry of this.sorted()) {
      const vm = world.vms.get(entry.vmId);
      if (!vm || !this.stillWanted(vm, entry)) {
        this.queue.delete(entry.vmId);
        continue;
      }
      if (entry.nextTryAt > now) continue;
      if (this.blockedByHigherPriority(vm, entry, now)) continue;
      this.attempt(vm, entry, now, timings.haRetryShortMs, timings.haRetryLongMs, timings.haRetryShortTries);
    }
    for (const id of this.launched) {
      const vm = world.vms.get(id);
      if (!vm || (vm.status !== 'wait_for_launch' && vm.status !== 'powering_up')) this.launched.delete(id);
    }
  }

  private stillWanted(vm: Vm, entry: QueuedVm): boolean {
    if (!vm.ha.enabled || vm.locked) return false;
    if (entry.kind === 'lease') return vm.status === 'unknown';
    return vm.status === 'down' && vm.exitStatus === 'error';
  }

  private blockedByHigherPriority(vm: Vm, entry: QueuedVm, now: number): boolean {
    if (now - entry.queuedAt >= this.engine.timings.haMaxBlockedOnPriorityMs) return false;
    for (const id of this.launched) {
      const other = this.engine.world.vms.get(id);
      if (!other || other.id === vm.id) continue;
      const starting = other.status === 'wait_for_launch' || other.status === 'powering_up';
      if (starting && other.ha.priority > vm.ha.priority) return true;
    }
    return false;
  }

  private attempt(vm: Vm, entry: QueuedVm, now: number, shortMs: number, longMs: number, shortTries: number): void {
    const { world, scheduler, runtime } = this.engine;
    const oldHostId = vm.hostId;
    const exclude = new Set<string>(oldHostId ? [oldHostId] : []);
    const placement = scheduler.pick(vm, { exclude });
    let failed = !placement.host;
    if (placement.host && entry.kind === 'lease') {
      const oldHost = oldHostId ? world.hosts.get(oldHostId) : undefined;
      // sanlock on the destination cannot acquire the lease while the old instance still renews it: the old host
      // lost only its management network, its VMs still run and still reach storage.
      if (oldHost && oldHost.poweredOn && oldHost.fault === 'network_cut') {
        world.log('VDS_INITIATED_RUN_VM', {}, { vm, host: placement.host });
        world.log('VDS_INITIATED_RUN_VM_FAILED', {}, { vm, host: placement.host });
        failed = true;
      }
    }
    if (failed || !placement.host) {
      world.log('HA_VM_RESTART_FAILED', {}, { vm, host: undefined });
      entry.failures += 1;
      entry.nextTryAt = now + (entry.kind === 'lease' ? this.engine.timings.leaseRetryMs : entry.failures <= shortTries ? shortMs : longMs);
      return;
    }
    this.queue.delete(vm.id);
    if (entry.kind === 'lease') vm.exitStatus = 'error';
    world.log('VDS_INITIATED_RUN_VM', {}, { vm, host: placement.host });
    runtime.launch(vm, placement.host, 'ha', undefined);
    this.launched.add(vm.id);
  }
}
