/**
 * The engine side of provisioning: finding the service's VM (by stored id, then by its derived name, refusing a
 * same-named VM we did not make), creating it without ever creating twice, waiting for its copy, sizing it and setting
 * HA as the plan says, its first boot (NIC, disk, address check), starting, shutting down and removing it. Every step
 * looks before it acts; engine errors come out classified (provisioning-errors.ts). provisioning.ts decides which
 * steps a service's desired state needs and records what they did.
 */
import type { Clock } from '../clock';
import { osChoiceFor, type Plan } from '../domain/plan';
import { isOurVm, type Service, vmNameFor } from '../domain/service';
import { PermanentJobError } from '../jobs/job-errors';
import type { JobContext } from '../jobs/worker';
import type { OvirtClient } from '../ovirt/client';
import { OvirtError, OvirtNotFoundError } from '../ovirt/errors';
import type { Vm } from '../ovirt/types';
import type { VmNic } from '../ovirt/vm-devices';
import { isRunning } from '../ovirt/vm-status';
import type { ServiceNetwork } from './ip-allocation';
import { classifyCreateError, classifyTransient, isEngineAway } from './provisioning-errors';
import type { VpsSetup } from './vps-setup';

export interface ProvisioningTimings {
  createTimeoutMs: number;
  bootTimeoutMs: number;
  shutdownTimeoutMs: number;
  removeTimeoutMs: number;
  pollMs: number;
}

const MIB = 1024 * 1024;
/** How long the "is the engine there at all?" probe after a failure may take (per try; reads are retried). */
const PROBE_TIMEOUT_MS = 2500;

export class ProvisioningVmSteps {
  private readonly hostNames = new Map<string, string>();

  constructor(
    private readonly d: {
      ovirt: OvirtClient;
      /** cloud-init, the NIC's profile and the disk size of a first boot. */
      setup: VpsSetup;
      clock: Clock;
      vmNamePrefix: string;
      timings: ProvisioningTimings;
    },
  ) {}

  /** Whether a probe right now finds the engine away too (not answering, or a proxy's 502/503/504). */
  async engineAway(ctx: JobContext): Promise<boolean> {
    try {
      await this.d.ovirt.getEngineInfo({ ...this.call(ctx), timeoutMs: PROBE_TIMEOUT_MS });
      return false;
    } catch (probeErr) {
      return isEngineAway(probeErr);
    }
  }

  /** Our VM for the service: by stored id, else by its derived name. A same-named VM we did not make is refused. */
  async locate(ctx: JobContext, service: Service): Promise<Vm | undefined> {
    if (service.vmId) {
      const byId = await this.d.ovirt.findVm(service.vmId, this.call(ctx));
      if (byId) return byId;
    }
    const name = vmNameFor(this.d.vmNamePrefix, service.billingServiceId);
    const byName = await this.d.ovirt.findVmByName(name, this.call(ctx));
    if (byName && !isOurVm(byName.comment, service.billingServiceId)) {
      throw new PermanentJobError(
        `A VM named ${name} exists in the engine but was not made by this bridge for service ${service.billingServiceId}; rename or remove it, then retry.`,
      );
    }
    return byName;
  }

  /** Creates the service's VM; after an uncertain create, the one the engine made meanwhile (never a second one). */
  async create(ctx: JobContext, service: Service, plan: Plan, network: ServiceNetwork | undefined): Promise<Vm> {
    const name = vmNameFor(this.d.vmNamePrefix, service.billingServiceId);
    const os = osChoiceFor(plan, service.osKey);
    if (!os)
      throw new PermanentJobError(
        `Operating system ${service.osKey ?? ''} is no longer offered by plan ${plan.productId}; add it back to the plan's os_options, then retry.`,
      );
    try {
      return await this.d.ovirt.createVm(this.d.setup.createRequest(service, plan, os.template, network, name, name), this.call(ctx));
    } catch (err) {
      const classified = classifyCreateError(err, os.template, plan.cluster);
      if (classified instanceof PermanentJobError && !(err instanceof OvirtError && err.isNameInUse)) throw classified;
      // Uncertain (timeout, reset, 5xx) or "name in use": the create may have happened. Look, never create again here.
      const vm = await this.locate(ctx, service);
      if (!vm) throw classified;
      return vm;
    }
  }

  /** The VM once its disks are copied (it is `image_locked` until then). */
  async created(ctx: JobContext, vm: Vm): Promise<Vm> {
    if (vm.status !== 'image_locked') return vm;
    return this.d.ovirt.waitForVmCreated(vm.id, this.wait(ctx, this.d.timings.createTimeoutMs));
  }

  /** Size and HA as the plan says. HA applies at once; size of a running VM waits for its next start (next_run). */
  async ensureConfig(ctx: JobContext, vm: Vm, plan: Plan): Promise<Vm> {
    const haDiffers = vm.ha.enabled !== plan.ha.enabled || vm.ha.priority !== plan.ha.priority;
    const sizeDiffers = vm.memoryBytes !== plan.memoryMib * MIB || vm.vcpus !== plan.vcpus;
    if (!haDiffers && !sizeDiffers) return vm;
    try {
      if (!isRunning(vm.status))
        return await this.d.ovirt.updateVm(vm.id, { memoryMib: plan.memoryMib, vcpus: plan.vcpus, ha: plan.ha }, this.call(ctx));
      let updated = vm;
      if (haDiffers) updated = await this.d.ovirt.updateVm(vm.id, { ha: plan.ha }, this.call(ctx));
      if (sizeDiffers && !vm.nextRunConfigurationExists) {
        updated = await this.d.ovirt.updateVm(
          vm.id,
          { memoryMib: plan.memoryMib, vcpus: plan.vcpus },
          { ...this.call(ctx), nextRun: true },
        );
      }
      return updated;
    } catch (err) {
      throw classifyTransient(err);
    }
  }

  /**
   * Before the first start only: the NIC on the pool's vNIC profile and the boot disk at the plan's size (cloud-init
   * went in with the create). Later starts (unsuspend, a retried boot after activation) leave the VM as it is.
   */
  async prepareFirstBoot(
    ctx: JobContext,
    service: Service,
    plan: Plan,
    vm: Vm,
    network: ServiceNetwork | undefined,
    fresh: boolean,
  ): Promise<VmNic | undefined> {
    if (service.activatedAt !== null && !fresh) return undefined;
    try {
      const nic = await this.d.setup.ensureNic(vm, network, this.call(ctx));
      // The engine locks the disk while it extends it; the start waits that out (see start), which costs no read
      // when the extend is done by then, as it usually is.
      if (!isRunning(vm.status)) await this.d.setup.growBootDisk(vm, plan, this.call(ctx));
      return nic;
    } catch (err) {
      throw classifyTransient(err);
    }
  }

  /**
   * Starts the VM. A disk the engine still extends refuses the start as locked: that is tried again every poll until
   * the create timeout, rather than handing the job back for a retry in ten seconds. A VM already running is fine.
   */
  async start(ctx: JobContext, vm: Vm): Promise<void> {
    const deadline = this.d.clock.now().getTime() + this.d.timings.createTimeoutMs;
    for (;;) {
      try {
        await this.d.ovirt.startVm(vm.id, this.call(ctx));
        return;
      } catch (err) {
        if (err instanceof OvirtError && /running/i.test(err.info.detail ?? '')) return;
        const diskLocked = err instanceof OvirtError && err.isLocked && /disk/i.test(err.info.detail ?? '');
        if (!diskLocked || this.d.clock.now().getTime() > deadline) throw classifyTransient(err);
      }
      ctx.checkLease();
      await new Promise((r) => setTimeout(r, this.d.timings.pollMs));
    }
  }

  /** The VM once it is up (boot timeout). */
  waitUp(ctx: JobContext, vm: Vm): Promise<Vm> {
    return this.d.ovirt.waitForVmStatus(vm.id, ['up'], this.wait(ctx, this.d.timings.bootTimeoutMs));
  }

  /** The VM once it is down (shutdown timeout). */
  waitDown(ctx: JobContext, vm: Vm): Promise<Vm> {
    return this.d.ovirt.waitForVmStatus(vm.id, ['down'], this.wait(ctx, this.d.timings.shutdownTimeoutMs));
  }

  /** After the first boot: what the guest agent reports against the addresses the service holds. */
  checkAddresses(ctx: JobContext, vm: Vm, nic: VmNic | undefined, network: ServiceNetwork | undefined): Promise<void> {
    return this.d.setup.checkReportedAddresses(vm, nic, network, this.call(ctx));
  }

  /** Shuts the guest down, powered off when it does not stop in time; says which it was. */
  async shutdown(ctx: JobContext, vm: Vm): Promise<'shutdown' | 'stopped'> {
    try {
      return await this.d.ovirt.shutdownVmWithin(vm.id, this.d.timings.shutdownTimeoutMs, this.wait(ctx, 0));
    } catch (err) {
      throw classifyTransient(err);
    }
  }

  /** Powers the VM off, removes it with its disks and waits until the engine no longer has it. */
  async remove(ctx: JobContext, vm: Vm): Promise<void> {
    try {
      if (vm.status !== 'down') {
        await this.d.ovirt.stopVm(vm.id, this.call(ctx));
        await this.d.ovirt.waitForVmStatus(vm.id, ['down'], this.wait(ctx, this.d.timings.shutdownTimeoutMs));
      }
      await this.d.ovirt.removeVm(vm.id, this.call(ctx));
    } catch (err) {
      // A VM that is already gone counts as removed.
      if (!(err instanceof OvirtNotFoundError)) throw classifyTransient(err);
    }
    await this.waitGone(ctx, vm.id);
  }

  /** The name of the host the VM runs on (host names are read once and kept), or null when it runs nowhere. */
  async hostName(vm: Vm): Promise<string | null> {
    if (!vm.hostId) return null;
    if (vm.hostName) return vm.hostName;
    if (!this.hostNames.has(vm.hostId)) {
      for (const h of await this.d.ovirt.listHosts()) this.hostNames.set(h.id, h.name);
    }
    return this.hostNames.get(vm.hostId) ?? vm.hostId;
  }

  private async waitGone(ctx: JobContext, vmId: string): Promise<void> {
    const deadline = this.d.clock.now().getTime() + this.d.timings.removeTimeoutMs;
    while (await this.d.ovirt.findVm(vmId, this.call(ctx))) {
      ctx.checkLease();
      if (this.d.clock.now().getTime() > deadline) throw new Error(`VM ${vmId} is still being removed by the engine`);
      await new Promise((r) => setTimeout(r, this.d.timings.pollMs));
    }
  }

  private call(ctx: JobContext) {
    return { correlationId: `svc-${ctx.job.serviceRowId ?? 0}-job-${ctx.job.id}` };
  }

  private wait(ctx: JobContext, timeoutMs: number) {
    return { timeoutMs, pollMs: this.d.timings.pollMs, signal: ctx.signal, ...this.call(ctx) };
  }
}
