/**
 * A reinstall: the VPS rebuilt from the chosen OS with the same addresses, host name and plan, as a new VM
 * under the same service. The customer keeps their old VPS until the new one runs:
 *
 * 1. create the new VM (`<name>.r<action id>`, so both can exist) with cloud-init for the service's addresses and the
 *    new password and keys; its NIC on the pool's profile, its disk at the plan's size;
 * 2. shut the old VM down (powered off if the guest ignores it): the addresses cannot be up twice;
 * 3. start the new VM and wait until it runs with its addresses;
 * 4. switch the service to the new VM in one write, then remove the old VM, then record the action and queue
 *    `service.reinstalled` in one transaction.
 *
 * A failure before the switch removes the new VM and starts the old one again (unless it was off by request), so the
 * customer has their old VPS; the action ends failed. Every step looks before it acts (the new VM by its name), so a
 * retried job repeats none. All engine calls carry the action's correlation id: the old VM's stop is the customer's.
 */
import type { Clock } from '../clock';
import { osChoiceFor, type Plan } from '../domain/plan';
import { type Service, vmNameFor } from '../domain/service';
import { actionCorrelationId, type ReinstallDetails, type ServiceActionRecord } from '../domain/service-action';
import { EngineUnavailableError, LeaseLostError, PermanentJobError } from '../jobs/job-errors';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt/client';
import { OvirtError, OvirtNotFoundError } from '../ovirt/errors';
import type { Vm } from '../ovirt/types';
import { isRunning } from '../ovirt/vm-status';
import type { PlansRepository } from '../repositories/plans';
import type { ServiceActionsRepository } from '../repositories/service-actions';
import type { ServicesRepository } from '../repositories/services';
import type { CallbackService } from './callbacks';
import type { IpAllocation } from './ip-allocation';
import { isEngineAway, panelMessage } from './provisioning-errors';
import type { VpsSetup } from './vps-setup';

export interface ReinstallTimings {
  createTimeoutMs: number;
  bootTimeoutMs: number;
  shutdownTimeoutMs: number;
  pollMs: number;
}

export interface ReinstallerDeps {
  ovirt: OvirtClient;
  services: ServicesRepository;
  plans: PlansRepository;
  actions: ServiceActionsRepository;
  callbacks: CallbackService;
  addresses: IpAllocation;
  setup: VpsSetup;
  clock: Clock;
  logger: Logger;
  timings: ReinstallTimings;
  vmNamePrefix: string;
  /** Whether the customer had their VPS off (then a failed reinstall leaves the old VM off too). */
  poweredOffByRequest: (serviceRowId: number) => Promise<boolean>;
}

export class Reinstaller {
  constructor(private readonly d: ReinstallerDeps) {}

  /** Runs (or resumes) one reinstall; the `service_action` job's handler for reinstalls. */
  async run(ctx: JobContext, record: ServiceActionRecord, service: Service): Promise<void> {
    const details = record.details;
    const plan = await this.d.plans.findById(service.planId);
    if (!details || !plan) {
      await ctx.fenced((trx) =>
        this.d.actions.finish(record.id, 'failed', 'The reinstall could not start: its plan no longer exists.', this.d.clock.now(), trx),
      );
      return;
    }
    if (record.outcome === 'queued') await ctx.fenced((trx) => this.d.actions.markRunning(record.id, this.d.clock.now(), trx));
    const call = { correlationId: actionCorrelationId(record.id, 'reinstall') };
    let fresh = await this.d.ovirt.findVmByName(details.vmName, call);
    // Switched already (a retry after step 4 began): only the old VM's removal and the record are left.
    if (!(fresh && service.vmId === fresh.id)) {
      try {
        fresh = await this.buildAndBoot(ctx, record, service, plan, details, fresh);
      } catch (err) {
        if (this.retryable(ctx, err)) throw err;
        await this.undo(ctx, record, service, details, fresh?.id);
        const message = `The reinstall failed and your VPS was left as it was: ${panelMessage(err)}`;
        this.d.logger.warn(
          { err, billingServiceId: service.billingServiceId, actionId: record.id },
          'reinstall failed; the old VM was kept',
        );
        await ctx.fenced((trx) => this.d.actions.finish(record.id, 'failed', message, this.d.clock.now(), trx));
        return;
      }
    }
    if (details.oldVmId && details.oldVmId !== fresh.id) await this.remove(ctx, record, details.oldVmId);
    await ctx.fenced(async (trx) => {
      if (!(await this.d.actions.finish(record.id, 'succeeded', null, this.d.clock.now(), trx))) return;
      const updated = await this.d.services.findById(service.id, trx);
      const network = await this.d.addresses.heldBy(service.id, trx);
      const handOver = details.passwordGenerated ? (record.sealedPassword ?? undefined) : undefined;
      if (updated) await this.d.callbacks.enqueue(trx, 'service.reinstalled', updated, plan, { network, sealedPassword: handOver });
    });
  }

  /** Steps 1-3 and the switch; returns the new VM, running and now the service's. */
  private async buildAndBoot(
    ctx: JobContext,
    record: ServiceActionRecord,
    service: Service,
    plan: Plan,
    details: ReinstallDetails,
    found: Vm | undefined,
  ): Promise<Vm> {
    const call = { correlationId: actionCorrelationId(record.id, 'reinstall') };
    const network = await this.d.addresses.heldBy(service.id);
    const os = osChoiceFor(plan, details.os);
    if (!os) throw new PermanentJobError(`the plan no longer offers ${details.os ?? 'its template'}`);
    // What cloud-init gets: the service's host name and addresses, the reinstall's password and keys.
    const target: Service = { ...service, osKey: details.os, sshKeys: details.sshKeys, sealedPassword: record.sealedPassword };
    const baseName = vmNameFor(this.d.vmNamePrefix, service.billingServiceId);
    let vm =
      found ??
      (await this.d.ovirt.createVm(this.d.setup.createRequest(target, plan, os.template, network, details.vmName, baseName), call));
    if (vm.status === 'image_locked')
      vm = await this.d.ovirt.waitForVmCreated(vm.id, this.wait(ctx, record, this.d.timings.createTimeoutMs));
    ctx.checkLease();
    const nic = await this.d.setup.ensureNic(vm, network, call);
    if (!isRunning(vm.status)) {
      const disk = await this.d.setup.growBootDisk(vm, plan, call);
      if (disk) await this.d.setup.waitForDisk(vm, disk, this.wait(ctx, record, this.d.timings.createTimeoutMs));
    }
    const old = details.oldVmId ? await this.d.ovirt.findVm(details.oldVmId, call) : undefined;
    if (old && old.status !== 'down')
      await this.d.ovirt.shutdownVmWithin(old.id, this.d.timings.shutdownTimeoutMs, this.wait(ctx, record, 0));
    if (!isRunning(vm.status)) {
      try {
        await this.d.ovirt.startVm(vm.id, call);
      } catch (err) {
        if (!(err instanceof OvirtError && /running/i.test(err.info.detail ?? ''))) throw err;
      }
    }
    vm = await this.d.ovirt.waitForVmStatus(vm.id, ['up'], this.wait(ctx, record, this.d.timings.bootTimeoutMs));
    await this.d.setup.checkReportedAddresses(vm, nic, network, call);
    const running = vm;
    // The switch: one write under the lease. From here on the new VM is the customer's.
    await ctx.fenced((trx) =>
      this.d.services.update(
        service.id,
        {
          vmId: running.id,
          vmName: running.name,
          vmHost: running.hostName ?? null,
          osKey: details.os,
          sshKeys: details.sshKeys,
          lastError: null,
        },
        this.d.clock.now(),
        trx,
      ),
    );
    return running;
  }

  /** Back to the old VPS: the new VM removed, the old one started again unless its customer had it off. */
  private async undo(
    ctx: JobContext,
    record: ServiceActionRecord,
    service: Service,
    details: ReinstallDetails,
    createdId: string | undefined,
  ): Promise<void> {
    // Still the customer's reinstall to the uptime record: a new VM stopped on its way out is not an admin's stop.
    const call = { correlationId: actionCorrelationId(record.id, 'reinstall') };
    try {
      const fresh = createdId ? { id: createdId } : await this.d.ovirt.findVmByName(details.vmName, call);
      if (fresh) await this.remove(ctx, record, fresh.id);
      const old = details.oldVmId ? await this.d.ovirt.findVm(details.oldVmId, call) : undefined;
      if (old && old.status === 'down' && !(await this.d.poweredOffByRequest(service.id))) await this.d.ovirt.startVm(old.id, call);
    } catch (err) {
      // The failure is recorded either way; what could not be undone is for an admin (the new VM keeps its `.r` name).
      this.d.logger.error({ err, billingServiceId: service.billingServiceId }, 'reinstall: could not fully restore the old VM');
    }
  }

  /** Powers the VM off if it runs, removes it with its disks and waits until the engine no longer has it. */
  private async remove(ctx: JobContext, record: ServiceActionRecord, vmId: string): Promise<void> {
    const call = { correlationId: actionCorrelationId(record.id, 'reinstall') };
    try {
      const vm = await this.d.ovirt.findVm(vmId, call);
      if (!vm) return;
      if (vm.status !== 'down') {
        await this.d.ovirt.stopVm(vmId, call);
        await this.d.ovirt.waitForVmStatus(vmId, ['down'], {
          timeoutMs: this.d.timings.shutdownTimeoutMs,
          pollMs: this.d.timings.pollMs,
          signal: ctx.signal,
          ...call,
        });
      }
      await this.d.ovirt.removeVm(vmId, call);
    } catch (err) {
      if (!(err instanceof OvirtNotFoundError)) throw err;
    }
    const deadline = this.d.clock.now().getTime() + this.d.timings.bootTimeoutMs;
    while (await this.d.ovirt.findVm(vmId, call)) {
      ctx.checkLease();
      if (this.d.clock.now().getTime() > deadline) throw new Error(`VM ${vmId} is still being removed by the engine`);
      await new Promise((r) => setTimeout(r, this.d.timings.pollMs));
    }
  }

  /** An outage or a lost lease is waited out (the job retries and resumes); anything else ends the reinstall. */
  private retryable(ctx: JobContext, err: unknown): boolean {
    if (ctx.signal.aborted || err instanceof LeaseLostError || err instanceof EngineUnavailableError) return true;
    return isEngineAway(err) && ctx.job.attempts < ctx.job.maxAttempts;
  }

  private wait(ctx: JobContext, record: ServiceActionRecord, timeoutMs: number) {
    return { timeoutMs, pollMs: this.d.timings.pollMs, signal: ctx.signal, correlationId: actionCorrelationId(record.id, 'reinstall') };
  }
}
