/**
 * Provisioning: one reconcile per service converges the VM to the service's desired state. Every step is an
 * idempotent "ensure" that looks before it acts, so a retried or taken-over job never makes a second VM:
 * the VM name derives from the billing service id, and an uncertain create is resolved by looking the name up.
 */
import type { Clock } from '../clock';
import { loggableError } from '../db/errors';
import { osChoiceFor, type Plan } from '../domain/plan';
import { isOurVm, type Service, vmCommentFor, vmNameFor } from '../domain/service';
import { EngineUnavailableError, LeaseLostError, PermanentJobError } from '../jobs/job-errors';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt/client';
import { OvirtError, OvirtNotFoundError } from '../ovirt/errors';
import type { Vm } from '../ovirt/types';
import type { PlansRepository } from '../repositories/plans';
import type { ServiceChanges, ServicesRepository } from '../repositories/services';
import type { CallbackService, CallbackType } from './callbacks';
import type { IpAllocation, ServiceNetwork } from './ip-allocation';
import type { VpsSetup } from './vps-setup';
import { interruptedSuspendOutcome } from './interrupted-suspend';
import { classifyCreateError, classifyTransient, isEngineAway, panelMessage } from './provisioning-errors';

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
const RUNNING = new Set(['up', 'powering_up', 'wait_for_launch', 'reboot_in_progress', 'migrating', 'paused', 'powering_down']);

export class ProvisioningService {
  private readonly hostNames = new Map<string, string>();

  constructor(
    private readonly d: {
      ovirt: OvirtClient;
      services: ServicesRepository;
      plans: PlansRepository;
      callbacks: CallbackService;
      clock: Clock;
      logger: Logger;
      vmNamePrefix: string;
      timings: ProvisioningTimings;
      /** cloud-init, the NIC's profile and the disk size of a first boot. */
      setup: VpsSetup;
      /** The addresses services hold; released when a service is terminated. */
      addresses: IpAllocation;
      /**
       * Whether the VPS is off because its customer (or an admin for them) asked for it: a reconcile of an
       * active service (a plan change, an HA drift fix) leaves such a VPS off rather than starting it.
       */
      poweredOffByRequest?: (serviceRowId: number) => Promise<boolean>;
    },
  ) {}

  /** The `reconcile` job handler. */
  async reconcile(ctx: JobContext): Promise<void> {
    const service = ctx.job.serviceRowId === null ? undefined : await this.d.services.findById(ctx.job.serviceRowId);
    if (!service) return;
    const plan = await this.d.plans.findById(service.planId);
    if (!plan) throw new PermanentJobError(`plan ${service.planId} of service ${service.billingServiceId} no longer exists`);
    try {
      if (service.desiredState === 'active') await this.ensureActive(ctx, service, plan);
      else if (service.desiredState === 'suspended') await this.ensureSuspended(ctx, service);
      else await this.ensureTerminated(ctx, service);
    } catch (err) {
      const failure = (await this.asOutage(ctx, err)) ?? err;
      await this.recordFailure(ctx, service, plan, failure);
      throw failure;
    }
  }

  /**
   * An EngineUnavailableError when the failure says the engine is away and a probe right after confirms it. A timeout
   * or a proxy's 503 on one request may be that request's own trouble (a create that always hangs, a proxy that gives
   * up on a slow call): when the engine answers the probe, the failure stays an ordinary one and uses up an attempt,
   * so such a job still ends dead rather than retrying for ever.
   */
  private async asOutage(ctx: JobContext, err: unknown): Promise<EngineUnavailableError | undefined> {
    if (ctx.signal.aborted || err instanceof LeaseLostError || !isEngineAway(err)) return undefined;
    try {
      await this.d.ovirt.getEngineInfo({ ...this.call(ctx), timeoutMs: PROBE_TIMEOUT_MS });
      return undefined;
    } catch (probeErr) {
      return isEngineAway(probeErr) ? new EngineUnavailableError(err.message, err.publicDetail) : undefined;
    }
  }

  private async ensureActive(ctx: JobContext, service: Service, plan: Plan): Promise<void> {
    if (service.actualState === 'pending' || service.actualState === 'failed')
      await this.save(ctx, service, { actualState: 'provisioning', lastError: null });
    let vm = await this.locate(ctx, service);
    // A VM removed outside the bridge is not silently rebuilt by an unsuspend or a plan change: the customer's data went
    // with it. Only service.create does that (billing-decision.ts); until then the service stays vm_missing.
    if (service.actualState === 'vm_missing' && !vm) return;
    if (service.actualState === 'suspending') vm = await this.settleInterruptedSuspend(ctx, service, vm);
    // Only a suspension the panel was told of is undone by an unsuspend; one that never took effect is no transition.
    const wasSuspended = service.actualState === 'suspended';
    const network = await this.d.addresses.heldBy(service.id);
    // A VM made by this job gets its first boot (NIC, disk size, address check), also when it replaces a missing one.
    const fresh = !vm;
    if (!vm) vm = await this.create(ctx, service, plan, network);
    if (vm.status === 'image_locked') vm = await this.d.ovirt.waitForVmCreated(vm.id, this.wait(ctx, this.d.timings.createTimeoutMs));
    // A terminate or suspend that arrived meanwhile is handled by the follow-up job; do not boot a VM about to go.
    if (await this.desiredChanged(service)) return;
    vm = await this.ensureConfig(ctx, vm, plan);
    const nic = await this.prepareFirstBoot(ctx, service, plan, vm, network, fresh);
    if (!RUNNING.has(vm.status) && !fresh && service.actualState === 'active' && (await this.d.poweredOffByRequest?.(service.id))) {
      await this.save(ctx, service, { vmId: vm.id, vmName: vm.name, appliedPlanId: plan.id, lastError: null });
      return;
    }
    if (!RUNNING.has(vm.status)) await this.start(ctx, vm);
    vm = await this.d.ovirt.waitForVmStatus(vm.id, ['up'], this.wait(ctx, this.d.timings.bootTimeoutMs));
    if (service.activatedAt === null || fresh) await this.d.setup.checkReportedAddresses(vm, nic, network, this.call(ctx));
    const vmHost = await this.hostName(vm);
    const type: CallbackType | undefined =
      service.actualState === 'active' ? undefined : wasSuspended ? 'service.unsuspended' : 'service.active';
    const activatedAt = service.activatedAt ?? this.d.clock.now();
    // The password has done its work once the VPS runs configured: it is erased here, or, when the bridge made it up,
    // handed to the panel's service.active callback (sealed until it is sent) and erased with the same write.
    const handOver = type === 'service.active' && service.passwordGenerated ? service.sealedPassword : null;
    const changes: ServiceChanges = {
      actualState: 'active',
      vmId: vm.id,
      vmName: vm.name,
      vmHost,
      appliedPlanId: plan.id,
      lastError: null,
      activatedAt,
      sealedPassword: null,
      passwordGenerated: false,
    };
    await this.save(ctx, service, changes, type, plan, handOver);
  }

  /**
   * Starts the VM. A disk the engine still extends refuses the start as locked: that is tried again every poll until
   * the create timeout, rather than handing the job back for a retry in ten seconds. A VM already running is fine.
   */
  private async start(ctx: JobContext, vm: Vm): Promise<void> {
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

  /**
   * Before the first start only: the NIC on the pool's vNIC profile and the boot disk at the plan's size (cloud-init
   * went in with the create). Later starts (unsuspend, a retried boot after activation) leave the VM as it is.
   */
  private async prepareFirstBoot(
    ctx: JobContext,
    service: Service,
    plan: Plan,
    vm: Vm,
    network: ServiceNetwork | undefined,
    fresh: boolean,
  ) {
    if (service.activatedAt !== null && !fresh) return undefined;
    try {
      const nic = await this.d.setup.ensureNic(vm, network, this.call(ctx));
      // The engine locks the disk while it extends it; the start waits that out (see start), which costs no read
      // when the extend is done by then, as it usually is.
      if (!RUNNING.has(vm.status)) await this.d.setup.growBootDisk(vm, plan, this.call(ctx));
      return nic;
    } catch (err) {
      throw classifyTransient(err);
    }
  }

  private async ensureSuspended(ctx: JobContext, service: Service): Promise<void> {
    let vm = await this.locate(ctx, service);
    // Nothing runs to suspend; the service stays vm_missing (the panel knows from service.failed).
    if (service.actualState === 'vm_missing' && !vm) return;
    if (vm?.status === 'image_locked') vm = await this.d.ovirt.waitForVmCreated(vm.id, this.wait(ctx, this.d.timings.createTimeoutMs));
    if (vm && vm.status !== 'down') {
      await this.save(ctx, service, { actualState: 'suspending' });
      try {
        const how = await this.d.ovirt.shutdownVmWithin(vm.id, this.d.timings.shutdownTimeoutMs, this.wait(ctx, 0));
        if (how === 'stopped')
          this.d.logger.info({ billingServiceId: service.billingServiceId }, 'guest did not shut down in time; powered off');
      } catch (err) {
        throw classifyTransient(err);
      }
    }
    const changed = service.actualState === 'suspended' ? undefined : 'service.suspended';
    await this.save(ctx, service, { actualState: 'suspended', vmHost: null, lastError: null }, changed);
  }

  private async ensureTerminated(ctx: JobContext, service: Service): Promise<void> {
    if (service.actualState === 'terminated') return;
    if (service.actualState === 'suspending') await this.settleInterruptedSuspend(ctx, service, await this.locate(ctx, service));
    await this.save(ctx, service, { actualState: 'terminating' });
    let vm = await this.locate(ctx, service);
    if (vm) {
      if (vm.status === 'image_locked') vm = await this.d.ovirt.waitForVmCreated(vm.id, this.wait(ctx, this.d.timings.createTimeoutMs));
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
    // The addresses go to quarantine in the same write, so they are held exactly while the service exists.
    await ctx.fenced((trx) => this.d.addresses.release(trx, service.id, this.d.clock.now()));
    await this.save(
      ctx,
      service,
      { actualState: 'terminated', vmHost: null, lastError: null, sealedPassword: null, passwordGenerated: false },
      'service.terminated',
    );
  }

  /**
   * A service left `suspending` by a suspend that stopped midway: records (and calls back) what the VM really went
   * through before anything else is done to it (interrupted-suspend.ts). Returns the VM as it is now.
   */
  private async settleInterruptedSuspend(ctx: JobContext, service: Service, found: Vm | undefined): Promise<Vm | undefined> {
    let vm = found;
    if (vm && interruptedSuspendOutcome(vm) === 'wait_until_down') {
      vm = await this.d.ovirt.waitForVmStatus(vm.id, ['down'], this.wait(ctx, this.d.timings.shutdownTimeoutMs));
    }
    if (interruptedSuspendOutcome(vm) === 'suspended')
      await this.save(ctx, service, { actualState: 'suspended', vmHost: null }, 'service.suspended');
    else await this.save(ctx, service, { actualState: 'active' });
    return vm;
  }

  /** Our VM for the service: by stored id, else by its derived name. A same-named VM we did not make is refused. */
  private async locate(ctx: JobContext, service: Service): Promise<Vm | undefined> {
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

  private async create(ctx: JobContext, service: Service, plan: Plan, network: ServiceNetwork | undefined): Promise<Vm> {
    const name = vmNameFor(this.d.vmNamePrefix, service.billingServiceId);
    const os = osChoiceFor(plan, service.osKey);
    if (!os)
      throw new PermanentJobError(
        `Operating system ${service.osKey ?? ''} is no longer offered by plan ${plan.productId}; add it back to the plan's os_options, then retry.`,
      );
    let vm: Vm | undefined;
    try {
      vm = await this.d.ovirt.createVm(
        {
          name,
          cluster: plan.cluster,
          template: os.template,
          memoryMib: plan.memoryMib,
          vcpus: plan.vcpus,
          ha: plan.ha,
          description: service.hostname ?? `VPS ${service.billingServiceId}`,
          comment: vmCommentFor(service.billingServiceId, service.clientId),
          initialization: this.d.setup.initialization(service, plan, network, name),
        },
        this.call(ctx),
      );
    } catch (err) {
      const classified = classifyCreateError(err, os.template, plan.cluster);
      if (classified instanceof PermanentJobError && !(err instanceof OvirtError && err.isNameInUse)) throw classified;
      // Uncertain (timeout, reset, 5xx) or "name in use": the create may have happened. Look, never create again here.
      vm = await this.locate(ctx, service);
      if (!vm) throw classified;
    }
    await this.save(ctx, service, { vmId: vm.id, vmName: vm.name });
    return vm;
  }

  /** Size and HA as the plan says. HA applies at once; size of a running VM waits for its next start (next_run). */
  private async ensureConfig(ctx: JobContext, vm: Vm, plan: Plan): Promise<Vm> {
    const haDiffers = vm.ha.enabled !== plan.ha.enabled || vm.ha.priority !== plan.ha.priority;
    const sizeDiffers = vm.memoryBytes !== plan.memoryMib * MIB || vm.vcpus !== plan.vcpus;
    if (!haDiffers && !sizeDiffers) return vm;
    try {
      if (!RUNNING.has(vm.status))
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

  private async waitGone(ctx: JobContext, vmId: string): Promise<void> {
    const deadline = this.d.clock.now().getTime() + this.d.timings.removeTimeoutMs;
    while (await this.d.ovirt.findVm(vmId, this.call(ctx))) {
      ctx.checkLease();
      if (this.d.clock.now().getTime() > deadline) throw new Error(`VM ${vmId} is still being removed by the engine`);
      await new Promise((r) => setTimeout(r, this.d.timings.pollMs));
    }
  }

  private async desiredChanged(service: Service): Promise<boolean> {
    const now = await this.d.services.findById(service.id);
    return now?.desiredState !== service.desiredState;
  }

  private async hostName(vm: Vm): Promise<string | null> {
    if (!vm.hostId) return null;
    if (vm.hostName) return vm.hostName;
    if (!this.hostNames.has(vm.hostId)) {
      for (const h of await this.d.ovirt.listHosts()) this.hostNames.set(h.id, h.name);
    }
    return this.hostNames.get(vm.hostId) ?? vm.hostId;
  }

  /**
   * A permanent failure, or the last attempt of a transient one, marks the service failed and tells the panel. An
   * engine outage never does: the job waits it out (the queue does not count it against the attempts either).
   */
  private async recordFailure(ctx: JobContext, service: Service, plan: Plan, err: unknown): Promise<void> {
    if (ctx.signal.aborted) return;
    const message = panelMessage(err);
    const final = err instanceof PermanentJobError || (!(err instanceof EngineUnavailableError) && ctx.job.attempts >= ctx.job.maxAttempts);
    try {
      if (final) await this.save(ctx, service, { actualState: 'failed', lastError: message }, 'service.failed', plan);
      else await this.save(ctx, service, { lastError: `retrying: ${message}` });
    } catch (writeErr) {
      // A write under the lease fails on the database: its statement carries the lease token, so log only the reason.
      this.d.logger.warn({ err: loggableError(writeErr), billingServiceId: service.billingServiceId }, 'could not record the failure');
    }
  }

  /** Writes service changes under the job's lease, with the callback (if any) in the same transaction. */
  private async save(
    ctx: JobContext,
    service: Service,
    changes: ServiceChanges,
    callback?: CallbackType,
    plan?: Plan,
    sealedPassword?: string | null,
  ): Promise<void> {
    await ctx.fenced(async (trx) => {
      await this.d.services.update(service.id, changes, this.d.clock.now(), trx);
      if (callback) {
        const updated = await this.d.services.findById(service.id, trx);
        const planNow = plan ?? (await this.d.plans.findById(service.planId, trx));
        const network = await this.d.addresses.heldBy(service.id, trx);
        if (updated)
          await this.d.callbacks.enqueue(trx, callback, updated, planNow, { network, sealedPassword: sealedPassword ?? undefined });
      }
    });
    Object.assign(service, changes);
  }

  private call(ctx: JobContext) {
    return { correlationId: `svc-${ctx.job.serviceRowId ?? 0}-job-${ctx.job.id}` };
  }

  private wait(ctx: JobContext, timeoutMs: number) {
    return { timeoutMs, pollMs: this.d.timings.pollMs, signal: ctx.signal, ...this.call(ctx) };
  }
}
