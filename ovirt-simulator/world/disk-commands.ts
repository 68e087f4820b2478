import { backendFailure } from './engine-error';
import type { EngineCore } from './engine-core';
import { GIB, VM_RUNNING_STATUSES, type Disk } from './model';
import { backendVmStatus } from './vm-actions';
import type { Actor } from './world';

/**
 * Disk edits (`UpdateDisk`): only growing `provisioned_size`. Unlike the real engine, which extends disks of running
 * VMs live, the simulator allows it only while the VM is down (the bridge's rule): 409 while the VM is
 * `image_locked` or running. The extend keeps the disk `locked` for `diskResizeMs`, then the new size shows and
 * 371 is logged.
 */
export class DiskCommands {
  constructor(private readonly engine: EngineCore) {}

  /** Returns whether an extend started (false: same size, nothing to do). */
  resize(disk: Disk, newBytes: number, actor: Actor): boolean {
    const world = this.engine.world;
    const vm = disk.vmId ? world.vms.get(disk.vmId) : undefined;
    if (vm?.locked) {
      throw backendFailure(409, 'Cannot edit Virtual Disk. Related operation is currently in progress. Please try again later.');
    }
    if (vm?.status === 'image_locked') {
      throw backendFailure(409, 'Cannot edit Virtual Disk: VM is locked. Please try again in a few minutes.');
    }
    if (disk.resizing) {
      throw backendFailure(
        409,
        `Cannot edit Virtual Disk: The following disks are locked: ${disk.name}. Please try again in a few minutes.`,
      );
    }
    if (vm && VM_RUNNING_STATUSES.has(vm.status)) throw backendFailure(409, 'Cannot edit Virtual Disk. VM is running.');
    if (vm && vm.status !== 'down') {
      throw backendFailure(409, `Cannot edit Virtual Disk because the VM is in ${backendVmStatus(vm.status)} status.`);
    }
    // ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL (BAD_PARAMETERS).
    if (newBytes < disk.provisionedBytes) {
      throw backendFailure(400, 'Cannot edit Virtual Disk. New disk size must be larger than the current disk size.');
    }
    if (newBytes === disk.provisionedBytes) return false;
    disk.resizing = true;
    this.engine.clock.schedule(
      this.engine.timings.diskResizeMs,
      () => {
        if (world.disks.get(disk.id) !== disk) return;
        disk.resizing = false;
        disk.provisionedBytes = newBytes;
        const owner = disk.vmId ? world.vms.get(disk.vmId) : undefined;
        world.log(
          'USER_EXTEND_DISK_SIZE_SUCCESS',
          { DiskAlias: disk.name, NewSize: Math.round((newBytes / GIB) * 100) / 100 },
          { ...(owner ? { vm: owner } : {}), actor },
        );
      },
      `extend ${disk.name}`,
    );
    return true;
  }
}
