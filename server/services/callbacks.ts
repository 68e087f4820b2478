/**
 * Signed callbacks to the billing panel (service.active, service.failed, service.suspended, service.unsuspended,
 * service.terminated), each a durable job with retries, signed like the panel's webhooks (Standard Webhooks) with
 * CALLBACK_SECRET. The webhook-id stays the same across retries so the panel can dedupe.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Service } from '../domain/service';
import { PermanentJobError, RetryLaterError } from '../jobs/job-errors';
import type { JobQueue } from '../jobs/job-queue';
import type { JobContext } from '../jobs/worker';
import type { Logger } from '../logger';
import { retryAfterMs } from '../ovirt/backoff';
import type { WebhookSigner } from '../webhooks/signature';

export type CallbackType = 'service.active' | 'service.failed' | 'service.suspended' | 'service.unsuspended' | 'service.terminated';

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
    error?: string;
  };
}

export class CallbackService {
  constructor(
    private readonly d: {
      url: string | undefined;
      signer: WebhookSigner;
      jobs: JobQueue;
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
  async enqueue(trx: Knex.Transaction, type: CallbackType, service: Service, productId: string | null): Promise<void> {
    if (!this.d.url) return;
    const payload: CallbackPayload = {
      type,
      timestamp: this.d.clock.now().toISOString(),
      data: {
        service_id: service.serviceId,
        client_id: service.clientId,
        product_id: productId,
        hostname: service.hostname,
        desired_state: service.desiredState,
        actual_state: service.actualState,
        vm: { id: service.vmId, name: service.vmName },
        ...(type === 'service.failed' && service.lastError ? { error: service.lastError } : {}),
      },
    };
    await this.d.jobs.enqueue({ kind: 'callback', serviceId: service.id, payload }, trx);
  }

  /** The `callback` job handler: POST the signed payload; 2xx is done, anything else is retried. */
  async send(ctx: JobContext): Promise<void> {
    if (!this.d.url) throw new PermanentJobError('BILLING_CALLBACK_URL is not configured');
    const body = JSON.stringify(ctx.job.payload);
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
      throw new Error(`callback to the billing panel failed: ${(err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message}`, { cause: err });
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    // 410 Gone: the panel says this endpoint will never take it.
    if (res.status === 410) throw new PermanentJobError('the billing panel answered 410 Gone to the callback');
    const hint = retryAfterMs(res.headers.get('retry-after') ?? undefined, Date.now());
    const message = `the billing panel answered ${res.status} to the callback`;
    throw hint !== undefined ? new RetryLaterError(message, hint) : new Error(message);
  }
}
