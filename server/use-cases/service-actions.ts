/**
 * Actions on a VPS: power (start, ACPI shutdown, power-off, reboot) and reinstall, asked for by the
 * customer (client area), an admin (admin console or API) or the panel. One use case for every face: each request is
 * admitted here (the service takes actions, no other action is open, no panel change is being applied, the
 * per-service limit), recorded in `service_actions` with who asked, and run as a durable `service_action` job
 * (use-cases/action-runner.ts).
 *
 * A power action is sent to the engine within the request, so an engine refusal (the VM is locked, not running) is
 * answered at once as 409 with the engine's reason; the job then follows the VM to the state asked for. Its job is
 * queued with a delay when it is admitted: should this instance die before the engine call, the job sends it instead.
 *
 * Rule with the reconcile (use-cases/provisioning.ts): the queue never runs two jobs of one service at once, and an
 * action is refused (409 `service_busy`) while a reconcile of the service waits or runs, so a panel change and a
 * customer action never act on the VM together. A VPS powered off by request stays desired `active`; the reconcile
 * does not start it (ProvisioningService `poweredOffByRequest`).
 *
 * Past 300 lines on purpose: every action here goes through the one admission (a transaction with every refusal)
 * and is a few lines around it; apart, neither half would read on its own.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { SecretBox } from '../crypto/secret-box';
import { osChoiceFor } from '../domain/plan';
import { type Service, vmNameFor } from '../domain/service';
import {
  actionRefusal,
  type Actor,
  limitRetryAfter,
  type PowerAction,
  poweredOffByRequest,
  reinstallVmName,
  type ServiceActionKind,
  type ServiceActionRecord,
} from '../domain/service-action';
import { ConflictError, NotFoundError, ServiceUnavailableError, TooManyRequestsError, UnprocessableError } from '../errors';
import type { JobQueue } from '../jobs/job-queue';
import type { PlansRepository } from '../repositories/plans';
import type { NewServiceAction, ServiceActionsRepository } from '../repositories/service-actions';
import type { ServicesRepository } from '../repositories/services';
import type { ActionRunner } from './action-runner';
import { sealRootPassword } from './root-password';

export const ACTION_JOB = 'service_action';

export interface ReinstallRequest {
  /** A key of the plan's os_options; absent: the OS the VPS has now. */
  os?: string;
  password?: string;
  sshKeys?: string[];
}

export interface ActionLimit {
  perService: number;
  windowSeconds: number;
}

/** What a service's action log answers: the service and its actions, newest first. */
export interface ActionLog {
  service: Service;
  actions: ServiceActionRecord[];
}

/** What a request may add: the panel's Idempotency-Key (a retry with the same key gets the first action back). */
export interface ActionRequestOptions {
  idempotencyKey?: string;
}

/** An admitted action; `replayed` when an earlier request with the same Idempotency-Key made it. */
export interface AdmittedAction {
  record: ServiceActionRecord;
  replayed: boolean;
}

/** How long a power action's job waits before it sends the action itself (when the request could not). */
const DISPATCH_GRACE_MS = 15_000;

export class ServiceActions {
  constructor(
    private readonly d: {
      knex: Knex;
      services: ServicesRepository;
      plans: PlansRepository;
      actions: ServiceActionsRepository;
      jobs: JobQueue;
      clock: Clock;
      secrets: SecretBox;
      limit: ActionLimit;
      vmNamePrefix: string;
      /** Sends power actions to the engine; undefined without an engine (actions are then refused, 503). */
      runner: ActionRunner | undefined;
      /** Wakes the local worker when a job is due now. */
      onQueued?: () => void;
    },
  ) {}

  /** `start`, `shutdown` (ACPI), `stop` (power off) or `reboot`: recorded, sent to the engine, followed by a job. */
  async power(billingServiceId: string, action: PowerAction, actor: Actor, options: ActionRequestOptions = {}): Promise<AdmittedAction> {
    const runner = this.requireEngine();
    const { record, service, replayed } = await this.admit(billingServiceId, actor, action, () => ({}), DISPATCH_GRACE_MS, options);
    if (replayed) return { record, replayed };
    try {
      return { record: await runner.send(record, service), replayed };
    } finally {
      // Due now: the job follows the VM to the state asked for, or sends the action when the request could not (it
      // ends at once when the engine refused it).
      await this.queueJob(service.id, record.id);
    }
  }

  /**
   * Rebuilds the VPS from the chosen OS with the same addresses, host name and plan: a new VM under the same service,
   * the old one removed only once the new one runs (use-cases/reinstall.ts). A password is sealed like an order's; with
   * neither password nor key one is made up, and the panel gets it once in `service.reinstalled`.
   */
  async reinstall(
    billingServiceId: string,
    request: ReinstallRequest,
    actor: Actor,
    options: ActionRequestOptions = {},
  ): Promise<AdmittedAction> {
    this.requireEngine();
    const { record, replayed } = await this.admit(
      billingServiceId,
      actor,
      'reinstall',
      (service, plan) => {
        const os = request.os ?? service.osKey;
        if (!plan || !osChoiceFor(plan, os)) {
          const offered = plan ? plan.osOptions.map((o) => o.key).join(', ') : '';
          throw new UnprocessableError(
            'unknown_os',
            `The plan of this VPS offers no OS "${os ?? ''}"${offered ? `; it offers ${offered}` : ''}.`,
            { os },
          );
        }
        const sshKeys = request.sshKeys ?? [];
        const { sealedPassword, generated } = sealRootPassword(this.d.secrets, service.billingServiceId, request.password, sshKeys);
        // The VM name needs the row's id: set once it is inserted.
        return { details: { os, sshKeys, passwordGenerated: generated, vmName: '', oldVmId: service.vmId }, sealedPassword };
      },
      0,
      options,
    );
    return { record, replayed };
  }

  /** The service's actions, newest first (the admin's action log). */
  async log(billingServiceId: string, limit = 100): Promise<ActionLog> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service) throw new NotFoundError('service', billingServiceId);
    return { service, actions: await this.d.actions.listFor(service.id, limit) };
  }

  /** One action of a service (what the 202 pointed at), or 404. */
  async get(billingServiceId: string, actionId: number): Promise<ServiceActionRecord> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    const action = service ? await this.d.actions.findById(actionId) : undefined;
    if (!service || !action || action.serviceRowId !== service.id) throw new NotFoundError('action', actionId);
    return action;
  }

  /** Whether the VPS is off because it was asked to be (a stop or shutdown here, nothing started it since). */
  async isPoweredOffByRequest(serviceRowId: number): Promise<boolean> {
    return poweredOffByRequest((await this.d.actions.latestSucceededPower([serviceRowId])).get(serviceRowId));
  }

  /**
   * Records a console file handed out (it counts against the limit like any action). The service must take actions;
   * the engine itself refuses a VM that is not running.
   */
  async recordConsole(billingServiceId: string, actor: Actor): Promise<{ service: Service; record: ServiceActionRecord }> {
    const { service, record } = await this.admit(billingServiceId, actor, 'console', () => ({ outcome: 'running' }), undefined, {
      allowOpen: true,
    });
    return { service, record };
  }

  /**
   * Admission, in one transaction that locks the service row (MySQL/MariaDB; SQLite runs one transaction at a time):
   * the service's state, a reconcile waiting, an open action, the limit; then the row (`build` adds what the action
   * needs, once it is admitted) and, when `jobDelayMs` is set, its job (the outbox: both commit together).
   */
  private async admit(
    billingServiceId: string,
    actor: Actor,
    action: ServiceActionKind,
    build: (
      service: Service,
      plan: Awaited<ReturnType<PlansRepository['findById']>>,
    ) => Omit<NewServiceAction, 'serviceRowId' | 'actor' | 'action'>,
    jobDelayMs: number | undefined,
    options: { allowOpen?: boolean } & ActionRequestOptions = {},
  ): Promise<{ service: Service; record: ServiceActionRecord; replayed: boolean }> {
    const now = this.d.clock.now();
    const plan = await this.planOf(billingServiceId);
    return this.d.knex
      .transaction(async (trx) => {
        const service = (await this.d.services.findManyByBillingServiceId([billingServiceId], trx, true)).get(billingServiceId);
        // A customer sees only their own VPS: another client's service does not exist for them.
        if (!service || (actor.clientId !== undefined && actor.clientId !== service.clientId))
          throw new NotFoundError('service', billingServiceId);
        // A retry of a request that was made: its action as it is now, whatever the service's state (IETF
        // idempotency-key draft); the same key for another action is refused rather than guessed at.
        const earlier =
          options.idempotencyKey === undefined ? undefined : await this.d.actions.findByKey(service.id, options.idempotencyKey, trx);
        if (earlier) {
          if (earlier.action !== action) {
            throw new UnprocessableError(
              'idempotency_key_reused',
              `This Idempotency-Key was used for a ${earlier.action} of this VPS; use a new key for another action.`,
              { action_id: earlier.id },
            );
          }
          return { service, record: earlier, replayed: true };
        }
        const refusal = actionRefusal(service);
        if (refusal) throw new ConflictError(refusal.message, undefined, refusal.code);
        if (await this.d.actions.reconcilePending(service.id, trx)) {
          throw new ConflictError(
            'A change from the billing panel is being applied to this VPS; try again in a minute.',
            undefined,
            'service_busy',
          );
        }
        let open = options.allowOpen ? undefined : await this.d.actions.openFor(service.id, trx);
        // An open action whose job is gone (dead after its attempts, or removed by hand) will never end on its own: it is
        // closed here, so one lost job cannot block a VPS's actions for ever. A console is never open past its request.
        if (open && (open.action === 'console' || !(await this.d.actions.actionJobLive(service.id, trx)))) {
          await this.d.actions.finish(open.id, 'failed', 'The action did not finish; ask for it again if it is still needed.', now, trx);
          open = undefined;
        }
        if (open) {
          throw new ConflictError(
            `A ${open.action} asked for at ${open.requestedAt.toISOString()} is still running; try again when it has finished.`,
            { action_id: open.id, action: open.action },
            'action_running',
          );
        }
        const { perService, windowSeconds } = this.d.limit;
        const recent = await this.d.actions.requestedSince(service.id, new Date(now.getTime() - windowSeconds * 1000), trx);
        const retryAfter = limitRetryAfter(recent, now, perService, windowSeconds);
        if (retryAfter !== undefined) {
          throw new TooManyRequestsError(
            `At most ${perService} actions per VPS in ${describeWindow(windowSeconds)}; try again in ${retryAfter} s.`,
            retryAfter,
          );
        }
        const built = build(service, plan);
        let record = await this.d.actions.insert(
          { ...built, action, serviceRowId: service.id, actor, idempotencyKey: options.idempotencyKey },
          now,
          trx,
        );
        if (built.details) {
          const details = {
            ...built.details,
            vmName: reinstallVmName(vmNameFor(this.d.vmNamePrefix, service.billingServiceId), record.id),
          };
          await this.d.actions.saveDetails(record.id, details, trx);
          record = { ...record, details };
        }
        if (jobDelayMs !== undefined) {
          await this.d.jobs.enqueue(
            {
              kind: ACTION_JOB,
              serviceRowId: service.id,
              payload: { actionId: record.id },
              dedupeKey: jobKey(record.id),
              runAfter: new Date(now.getTime() + jobDelayMs),
            },
            trx,
          );
        }
        return { service, record, replayed: false };
      })
      .then((admitted) => {
        if (jobDelayMs === 0 && !admitted.replayed) this.d.onQueued?.();
        return admitted;
      });
  }

  private async planOf(billingServiceId: string) {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    return service ? this.d.plans.findById(service.planId) : undefined;
  }

  /**
   * Moves the action's waiting job up to now (merged by its dedupe key). Should the job have been claimed already, a
   * second one is queued; the handler ends at once for an action that has ended, so that costs one read.
   */
  private async queueJob(serviceRowId: number, actionId: number): Promise<void> {
    await this.d.jobs.enqueue({
      kind: ACTION_JOB,
      serviceRowId: serviceRowId,
      payload: { actionId },
      dedupeKey: jobKey(actionId),
      runAfter: this.d.clock.now(),
    });
    this.d.onQueued?.();
  }

  private requireEngine(): ActionRunner {
    if (!this.d.runner) throw new ServiceUnavailableError('No oVirt engine is configured, so VPS actions cannot run.');
    return this.d.runner;
  }
}

function jobKey(actionId: number): string {
  return `action:${actionId}`;
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
