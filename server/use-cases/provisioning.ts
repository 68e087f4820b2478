/**
 * Provisioning: one reconcile per service converges the VM to the service's desired state. Every step is an
 * idempotent "ensure" that looks before it acts, so a retried or taken-over job never makes a second VM:
 * the VM name derives from the billing service id, and an uncertain create is resolved by looking the name up.
 * This file decides which steps a desired state needs and records what they did (with the panel's callbacks, under
 * the job's lease); the steps on the engine are provisioning-vm-steps.ts.
 */
import type { Clock } from '../clock';
import { loggableError } from '../db/errors';
import type { Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import { EngineUnavailableError, LeaseLostError, PermanentJobError } from '../jobs/job-errors';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import type { Vm } from '../ovirt/types';
import { isRunning } from '../ovirt/vm-status';
import type { PlansRepository } from '../repositories/plans';
import type { ServiceChanges, ServicesRepository } from '../repositories/services';
import type { CallbackService, CallbackType } from './callbacks';
import type { IpAllocation } from './ip-allocation';
import { interruptedSuspendOutcome } from './interrupted-suspend';
import { isEngineAway, panelMessage } from './provisioning-errors';
import type { ProvisioningVmSteps } from './provisioning-vm-steps';

export type { ProvisioningTimings } from './provisioning-vm-steps';

export class ProvisioningService {
  constructor(
    private readonly d: {
      services: ServicesRepository;
      plans: PlansRepository;
      callbacks: CallbackService;
      clock: Clock;
      logger: Logger;
      /** The engine steps: find, create, size, boot, shut down, remove the service's VM. */
      vms: ProvisioningVmSteps;
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
    return (await this.d.vms.engineAway(ctx)) ? new EngineUnavailableError(err.message, err.publicDetail) : undefined;
  }

  private async ensureActive(ctx: JobContext, service: Service, plan: Plan): Promise<void> {
    if (service.actualState === 'pending' || service.actualState === 'failed')
      await this.save(ctx, service, { actualState: 'provisioning', lastError: null });
    let vm = await this.d.vms.locate(ctx, service);
    // A VM removed outside the bridge is not silently rebuilt by an unsuspend or a plan change: the customer's data went
    // with it. Only service.create does that (billing-decision.ts); until then the service stays vm_missing.
    if (service.actualState === 'vm_missing' && !vm) return;
    if (service.actualState === 'suspending') vm = await this.settleInterruptedSuspend(ctx, service, vm);
    // Only a suspension the panel was told of is undone by an unsuspend; one that never took effect is no transition.
    const wasSuspended = service.actualState === 'suspended';
    const network = await this.d.addresses.heldBy(service.id);
    // A VM made by this job gets its first boot (NIC, disk size, address check), also when it replaces a missing one.
    const fresh = !vm;
    if (!vm) {
      vm = await this.d.vms.create(ctx, service, plan, network);
      await this.save(ctx, service, { vmId: vm.id, vmName: vm.name });
    }
    vm = await this.d.vms.created(ctx, vm);
    // A terminate or suspend that arrived meanwhile is handled by the follow-up job; do not boot a VM about to go.
    if (await this.desiredChanged(service)) return;
    vm = await this.d.vms.ensureConfig(ctx, vm, plan);
    const nic = await this.d.vms.prepareFirstBoot(ctx, service, plan, vm, network, fresh);
    if (!isRunning(vm.status) && !fresh && service.actualState === 'active' && (await this.d.poweredOffByRequest?.(service.id))) {
      await this.save(ctx, service, { vmId: vm.id, vmName: vm.name, appliedPlanId: plan.id, lastError: null });
      return;
    }
    if (!isRunning(vm.status)) await this.d.vms.start(ctx, vm);
    vm = await this.d.vms.waitUp(ctx, vm);
    if (service.activatedAt === null || fresh) await this.d.vms.checkAddresses(ctx, vm, nic, network);
    const vmHost = await this.d.vms.hostName(vm);
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

  private async ensureSuspended(ctx: JobContext, service: Service): Promise<void> {
    let vm = await this.d.vms.locate(ctx, service);
    // Nothing runs to suspend; the service stays vm_missing (the panel knows from service.failed).
    if (service.actualState === 'vm_missing' && !vm) return;
    if (vm) vm = await this.d.vms.created(ctx, vm);
    if (vm && vm.status !== 'down') {
      await this.save(ctx, service, { actualState: 'suspending' });
      const how = await this.d.vms.shutdown(ctx, vm);
      if (how === 'stopped')
        this.d.logger.info({ billingServiceId: service.billingServiceId }, 'guest did not shut down in time; powered off');
    }
    const changed = service.actualState === 'suspended' ? undefined : 'service.suspended';
    await this.save(ctx, service, { actualState: 'suspended', vmHost: null, lastError: null }, changed);
  }

  private async ensureTerminated(ctx: JobContext, service: Service): Promise<void> {
    if (service.actualState === 'terminated') return;
    if (service.actualState === 'suspending') await this.settleInterruptedSuspend(ctx, service, await this.d.vms.locate(ctx, service));
    await this.save(ctx, service, { actualState: 'terminating' });
    const vm = await this.d.vms.locate(ctx, service);
    if (vm) await this.d.vms.remove(ctx, await this.d.vms.created(ctx, vm));
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
      vm = await this.d.vms.waitDown(ctx, vm);
    }
    if (interruptedSuspendOutcome(vm) === 'suspended')
      await this.save(ctx, service, { actualState: 'suspended', vmHost: null }, 'service.suspended');
    else await this.save(ctx, service, { actualState: 'active' });
    return vm;
  }

  private async desiredChanged(service: Service): Promise<boolean> {
    const now = await this.d.services.findById(service.id);
    return now?.desiredState !== service.desiredState;
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
}
