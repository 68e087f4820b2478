/**
 * Runs what use-cases/service-actions.ts admitted: sends a power action to the engine (tagged with the action's
 * correlation id, so the uptime record knows the customer asked for it) and, as the `service_action` job, follows the
 * VM to the state asked for and records how it ended. Reinstalls are handed to use-cases/reinstall.ts.
 */
import type { Clock } from '../clock';
import { actionCorrelationId, type PowerAction, type ServiceActionRecord, targetStatus } from '../domain/service-action';
import type { Service } from '../domain/service';
import { ConflictError } from '../errors';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt/client';
import { OvirtError, OvirtTimeoutError } from '../ovirt/errors';
import type { ServiceActionsRepository } from '../repositories/service-actions';
import type { ServicesRepository } from '../repositories/services';
import type { Reinstaller } from './reinstall';

export interface ActionTimings {
  bootTimeoutMs: number;
  shutdownTimeoutMs: number;
  pollMs: number;
}

/** Words for each action, as the customer reads them ("the engine refused to reboot the VPS"). */
const VERB: Record<PowerAction, string> = { start: 'start', shutdown: 'shut down', stop: 'power off', reboot: 'reboot' };

/** The engine said no to the request itself (409 locked, not running; 400): retrying the same call cannot help. */
export function isEngineRefusal(err: unknown): err is OvirtError {
  return err instanceof OvirtError && (err.kind === 'conflict' || err.kind === 'bad_request' || err.kind === 'not_found');
}

/** The engine's own words, without the brackets it puts around validation messages. */
export function engineReason(err: OvirtError): string {
  const text = err.info.detail ?? err.info.reason ?? err.message;
  return text.replace(/^\[(.*)\]$/s, '$1').trim();
}

export class ActionRunner {
  constructor(
    private readonly d: {
      ovirt: OvirtClient;
      actions: ServiceActionsRepository;
      services: ServicesRepository;
      clock: Clock;
      logger: Logger;
      timings: ActionTimings;
      reinstaller: Reinstaller;
    },
  ) {}

  /**
   * Sends a queued power action (once: the row moves to `running` first). An engine refusal ends the action failed and
   * is thrown as 409 `engine_refused` with the engine's reason; an uncertain failure (engine away, timeout) gives the
   * action back to its job, which sends it again. Returns the action as it is now.
   */
  async send(record: ServiceActionRecord, service: Service): Promise<ServiceActionRecord> {
    const action = record.action as PowerAction;
    if (!(await this.d.actions.markRunning(record.id, this.d.clock.now()))) return (await this.d.actions.findById(record.id)) ?? record;
    try {
      await this.call(action, service, record.id);
    } catch (err) {
      if (isEngineRefusal(err)) {
        const reason = engineReason(err);
        await this.d.actions.finish(record.id, 'failed', `The engine refused to ${VERB[action]} the VPS: ${reason}`, this.d.clock.now());
        throw new ConflictError(
          `The engine refused to ${VERB[action]} the VPS: ${reason}`,
          { action_id: record.id, engine_reason: reason },
          'engine_refused',
        );
      }
      this.d.logger.warn(
        { err, billingServiceId: service.billingServiceId, actionId: record.id },
        'power action not sent; its job will send it',
      );
      await this.d.actions.requeue(record.id);
    }
    return (await this.d.actions.findById(record.id)) ?? record;
  }

  /** The `service_action` job handler. */
  async run(ctx: JobContext): Promise<void> {
    const actionId = Number((ctx.job.payload as { actionId?: unknown }).actionId);
    const record = Number.isFinite(actionId) ? await this.d.actions.findById(actionId) : undefined;
    if (!record || record.outcome === 'succeeded' || record.outcome === 'failed') return;
    const service = await this.d.services.findById(record.serviceRowId);
    if (!service) return;
    if (record.action === 'reinstall') return this.d.reinstaller.run(ctx, record, service);
    if (record.action === 'console') return;
    const action = record.action as PowerAction;
    try {
      if (record.outcome === 'queued') {
        if (!(await ctx.fenced((trx) => this.d.actions.markRunning(record.id, this.d.clock.now(), trx)))) return;
        await this.call(action, service, record.id);
      }
      const timeoutMs = action === 'shutdown' ? this.d.timings.shutdownTimeoutMs : this.d.timings.bootTimeoutMs;
      await this.d.ovirt.waitForVmStatus(service.vmId ?? '', [targetStatus(action)], {
        timeoutMs,
        pollMs: this.d.timings.pollMs,
        signal: ctx.signal,
        correlationId: actionCorrelationId(record.id, action),
      });
      await ctx.fenced((trx) => this.d.actions.finish(record.id, 'succeeded', null, this.d.clock.now(), trx));
    } catch (err) {
      const failure = this.publicFailure(action, err, ctx);
      if (failure === undefined) {
        // Uncertain: an unsent action is sent again by the retry, a sent one is followed again.
        if (record.outcome === 'queued') await this.d.actions.requeue(record.id);
        throw err;
      }
      await ctx.fenced((trx) => this.d.actions.finish(record.id, 'failed', failure, this.d.clock.now(), trx));
    }
  }

  /** Public words for a failure that ends the action; undefined when a retry may still make it. */
  private publicFailure(action: PowerAction, err: unknown, ctx: JobContext): string | undefined {
    if (isEngineRefusal(err)) return `The engine refused to ${VERB[action]} the VPS: ${engineReason(err)}`;
    if (err instanceof OvirtTimeoutError) {
      return action === 'shutdown'
        ? `The VPS did not shut down within ${Math.round(this.d.timings.shutdownTimeoutMs / 1000)} s: its system may have ignored ` +
            `the request. Power it off instead.`
        : `The VPS did not ${VERB[action]} within ${Math.round(this.d.timings.bootTimeoutMs / 1000)} s.`;
    }
    if (ctx.signal.aborted) return undefined;
    return ctx.job.attempts >= ctx.job.maxAttempts ? `The VPS could not be reached to ${VERB[action]} it; try again later.` : undefined;
  }

  private async call(action: PowerAction, service: Service, actionId: number): Promise<void> {
    const vmId = service.vmId;
    if (!vmId) throw new ConflictError('This VPS has no virtual machine yet.', undefined, 'service_provisioning');
    const call = { correlationId: actionCorrelationId(actionId, action) };
    if (action === 'start') await this.d.ovirt.startVm(vmId, call);
    else if (action === 'stop') await this.d.ovirt.stopVm(vmId, call);
    else if (action === 'shutdown') await this.d.ovirt.shutdownVm(vmId, call);
    else await this.d.ovirt.rebootVm(vmId, call);
  }
}
