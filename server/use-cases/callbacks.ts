/**
 * Signed callbacks to the billing panel (service.active, service.failed, service.suspended, service.unsuspended,
 * service.terminated), each a durable job with retries, signed like the panel's webhooks (Standard Webhooks) with
 * CALLBACK_SECRET. The webhook-id stays the same across retries so the panel can dedupe.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { SecretBox } from '../crypto/secret-box';
import { osChoiceFor, type Plan } from '../domain/plan';
import { passwordContext, type Service, VPS_USERNAME } from '../domain/service';
import { PermanentJobError, RetryLaterError } from '../jobs/job-errors';
import type { JobQueue } from '../jobs/job-queue';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import { retryAfterMs } from '../ovirt/backoff';
import type { WebhookSigner } from '../webhooks/signature';
import type { ServiceNetwork } from './ip-allocation';

export type CallbackType =
  'service.active' | 'service.failed' | 'service.suspended' | 'service.unsuspended' | 'service.terminated' | 'service.reinstalled';

/**
 * Notices: told to the panel so it can e-mail people, not state changes of a service. The service.* ones
 * carry `data.service_id`; `cluster.host_failed` is about a host, once per failure, and has none.
 */
export type NoticeType = 'service.maintenance_announced' | 'service.incident_opened' | 'service.incident_resolved' | 'cluster.host_failed';

export interface NoticePayload {
  type: NoticeType;
  timestamp: string;
  data: Record<string, unknown>;
}

export interface CallbackPayload {
  type: CallbackType;
  timestamp: string;
  data: {
    service_id: string;
    client_id: string;
    product_id: string | null;
    hostname: string | null;
    desired_state: string;
    actual_state: string;
    vm: { id: string | null; name: string | null };
    /** The addresses the VPS holds; null when its cluster has no IP pool (addresses not managed here). */
    network: NetworkJson | null;
    os: { key: string | null; label: string | null } | null;
    username: string;
    error?: string;
    /** service.active only, when the bridge made the password up: the customer's one way to learn it. */
    password?: string;
  };
  /** The made-up password sealed while the callback waits in the queue; opened into `data.password` when sent. */
  sealed_password?: string;
}

/** The addresses of a VPS as the panel reads them (GET /api/v1/services/{id} and callbacks). */
export interface NetworkJson {
  ipv4: string[];
  ipv6: string[];
  gateway_v4: string | null;
  gateway_v6: string | null;
  netmask_v4: string | null;
  dns: string[];
}

export function networkJson(network: ServiceNetwork | undefined): NetworkJson | null {
  if (!network) return null;
  return {
    ipv4: [...network.ipv4],
    ipv6: [...network.ipv6],
    gateway_v4: network.gatewayV4,
    gateway_v6: network.gatewayV6,
    netmask_v4: network.netmaskV4,
    dns: [...network.dns],
  };
}

export interface CallbackExtras {
  network?: ServiceNetwork;
  /** The generated password, sealed for the service (service.active only). */
  sealedPassword?: string;
  /** service.failed only: the error to send instead of the service's last_error (`vm_missing`). */
  error?: string;
}

/** What a callback's sealed password is bound to: the queued callback of that service. */
function callbackPasswordContext(billingServiceId: string): string {
  return `callback-password:${billingServiceId}`;
}

export class CallbackService {
  constructor(
    private readonly d: {
      url: string | undefined;
      signer: WebhookSigner;
      jobs: JobQueue;
      secrets: SecretBox;
      clock: Clock;
      logger: Logger;
      timeoutMs?: number;
      fetch?: typeof fetch;
    },
  ) {}

  get enabled(): boolean {
    return this.d.url !== undefined;
  }

  /** Queues a callback in the caller's transaction; nothing when no BILLING_CALLBACK_URL is configured. */
  async enqueue(
    trx: Knex.Transaction,
    type: CallbackType,
    service: Service,
    plan: Plan | undefined,
    extras: CallbackExtras = {},
  ): Promise<void> {
    if (!this.d.url) return;
    const os = plan ? osChoiceFor(plan, service.osKey) : undefined;
    // Re-sealed for the queued callback, so the service row's value (bound to the service) can be erased now.
    const sealed =
      // A reinstall's made-up password goes to the panel once, like an order's.
      (type === 'service.active' || type === 'service.reinstalled') && extras.sealedPassword
        ? this.d.secrets.seal(
            this.d.secrets.open(extras.sealedPassword, passwordContext(service.billingServiceId)),
            callbackPasswordContext(service.billingServiceId),
          )
        : undefined;
    const productId = plan?.productId ?? null;
    const payload: CallbackPayload = {
      type,
      timestamp: this.d.clock.now().toISOString(),
      data: {
        service_id: service.billingServiceId,
        client_id: service.clientId,
        product_id: productId,
        hostname: service.hostname,
        desired_state: service.desiredState,
        actual_state: service.actualState,
        vm: { id: service.vmId, name: service.vmName },
        network: networkJson(extras.network),
        os: os ? { key: os.key, label: os.label } : null,
        username: VPS_USERNAME,
        ...(type === 'service.failed' && (extras.error ?? service.lastError)
          ? { error: extras.error ?? service.lastError ?? undefined }
          : {}),
      },
      ...(sealed ? { sealed_password: sealed } : {}),
    };
    await this.d.jobs.enqueue({ kind: 'callback', serviceRowId: service.id, payload }, trx);
  }

  /**
   * Queues notices in the caller's transaction (nothing without BILLING_CALLBACK_URL), a few hundred rows per
   * statement. `serviceRowId` (our row id) keeps a service's notices in order behind its other callbacks; null for a
   * notice about no one service.
   */
  async enqueueNotices(
    trx: Knex.Transaction,
    notices: ReadonlyArray<{ type: NoticeType; serviceRowId: number | null; data: Record<string, unknown> }>,
  ): Promise<void> {
    if (!this.d.url) return;
    const timestamp = this.d.clock.now().toISOString();
    const jobs = notices.map((n) => ({
      kind: 'callback',
      serviceRowId: n.serviceRowId,
      payload: { type: n.type, timestamp, data: n.data } satisfies NoticePayload,
    }));
    for (let i = 0; i < jobs.length; i += 500) await this.d.jobs.enqueueMany(jobs.slice(i, i + 500), trx);
  }

  /** The `callback` job handler: POST the signed payload; 2xx is done, anything else is retried. */
  async send(ctx: JobContext): Promise<void> {
    if (!this.d.url) throw new PermanentJobError('BILLING_CALLBACK_URL is not configured');
    const body = JSON.stringify(this.outgoing(ctx.job.payload as CallbackPayload | NoticePayload));
    const headers = this.d.signer.sign(`cb_${ctx.job.id}`, this.d.clock.now(), body);
    let res: Response;
    try {
      res = await (this.d.fetch ?? fetch)(this.d.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'ovirt-ha-bridge', ...headers },
        body,
        redirect: 'error',
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(this.d.timeoutMs ?? 15_000)]),
      });
    } catch (err) {
      throw new Error(
        `callback to the billing panel failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`,
        { cause: err },
      );
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    // 410 Gone: the panel says this endpoint will never take it.
    if (res.status === 410) throw new PermanentJobError('the billing panel answered 410 Gone to the callback');
    const hint = retryAfterMs(res.headers.get('retry-after') ?? undefined, Date.now());
    const message = `the billing panel answered ${res.status} to the callback`;
    throw hint !== undefined ? new RetryLaterError(message, hint) : new Error(message);
  }

  /** The payload as the panel receives it: a sealed password opened into `data.password`, the sealed copy left out. */
  private outgoing(payload: CallbackPayload | NoticePayload): CallbackPayload | NoticePayload {
    if (!('sealed_password' in payload)) return payload;
    const { sealed_password: sealed, ...rest } = payload;
    if (!sealed) return rest;
    let password: string;
    try {
      password = this.d.secrets.open(sealed, callbackPasswordContext(payload.data.service_id));
    } catch {
      // A different SECRETS_KEY: the panel still learns the VPS is active; the customer resets the password.
      this.d.logger.warn(
        { billingServiceId: payload.data.service_id },
        'the generated password in a queued callback could not be opened (SECRETS_KEY changed); sent without it',
      );
      return rest;
    }
    return { ...rest, data: { ...rest.data, password } };
  }
}
