/**
 * The billing panel's side of the chaos run. Webhooks go out signed (Standard Webhooks) to the instances in turn, as a
 * round-robin balancer without health checks sends them, up or not; each is delivered 1–3 times (the copies close
 * together, so they race on different instances), and every copy is retried the way a panel retries: after a refused
 * connection, a dropped one, a 5xx or a 429, with the same webhook id, on the next instance, until one answers 2xx.
 * Callbacks come back to a sink that verifies every signature and, now and then, answers 503 so the bridge has to
 * retry them too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { SeededRandom } from '../../ovirt-simulator/random';
import type { Fleet } from './fleet';

export interface Outgoing {
  id: string;
  body: string;
}

export interface SendStats {
  webhooks: number;
  copies: number;
  requests: number;
  answers: Record<string, number>;
  /** Refused or dropped connections and timeouts (an instance killed under the request). */
  networkErrors: number;
  /** 4xx other than 429: the bridge refused a valid webhook. Must stay 0. */
  refused: Array<{ id: string; status: number; body: string }>;
  /** Copies that found no instance to take them within the deadline. Must stay 0. */
  gaveUp: number;
}

export class Panel {
  readonly stats: SendStats = { webhooks: 0, copies: 0, requests: 0, answers: {}, networkErrors: 0, refused: [], gaveUp: 0 };
  private readonly signer: Webhook;
  private turn = 0;

  constructor(
    private readonly fleet: Fleet,
    secret: string,
    private readonly rng: SeededRandom,
    private readonly deadlineMs = 180_000,
  ) {
    this.signer = new Webhook(secret);
  }

  /**
   * Sends `items` at `perSecond` (orders trickle in as they do in a shop, so kills land while webhooks arrive), with at
   * most `parallel` webhooks in flight; each is delivered 1–3 times.
   */
  async sendAll(items: Outgoing[], perSecond: number, parallel: number): Promise<void> {
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (const [i, item] of items.entries()) {
      await sleep(started + (i * 1000) / perSecond - Date.now());
      while (inFlight.size >= parallel) await Promise.race(inFlight);
      const sending = this.deliver(item, 1 + this.rng.int(0, 2));
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    await Promise.all(inFlight);
  }

  private async deliver(item: Outgoing, copies: number): Promise<void> {
    this.stats.webhooks += 1;
    this.stats.copies += copies;
    // The copies race each other on different instances, a few milliseconds apart, as a panel's retry after a lost
    // answer or a double cron run would.
    await Promise.all(Array.from({ length: copies }, (_, i) => sleep(i * this.rng.int(0, 40)).then(() => this.sendUntilTaken(item))));
  }

  private async sendUntilTaken(item: Outgoing): Promise<void> {
    const deadline = Date.now() + this.deadlineMs;
    let wait = 50;
    while (Date.now() < deadline) {
      const slots = this.fleet.instances;
      const status = await this.post(slots[this.turn++ % slots.length]!.address, item);
      if (status !== undefined && status >= 200 && status < 300) return;
      if (status !== undefined && status !== 429 && status < 500) return;
      await sleep(wait);
      wait = Math.min(wait * 2, 1000);
    }
    this.stats.gaveUp += 1;
  }

  private async post(base: string, item: Outgoing): Promise<number | undefined> {
    this.stats.requests += 1;
    const at = new Date();
    try {
      const res = await fetch(`${base}/webhooks/billing`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': item.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.signer.sign(item.id, at, item.body),
        },
        body: item.body,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      this.stats.answers[res.status] = (this.stats.answers[res.status] ?? 0) + 1;
      if (res.status >= 400 && res.status < 500 && res.status !== 429)
        this.stats.refused.push({ id: item.id, status: res.status, body: text.slice(0, 300) });
      return res.status;
    } catch {
      this.stats.networkErrors += 1;
      return undefined;
    }
  }
}

export interface ReceivedCallback {
  webhookId: string;
  type: string;
  billingServiceId: string;
  verified: boolean;
}

export interface CallbackSink {
  url: string;
  received: ReceivedCallback[];
  /** Deliveries answered 503 on purpose (the panel being briefly away). */
  refusedOnPurpose: number;
  close(): Promise<void>;
}

/** The panel's callback URL: verifies signatures and refuses `failRate` of deliveries with 503. */
export async function startCallbackSink(secret: string, rng: SeededRandom, failRate: number): Promise<CallbackSink> {
  const verifier = new Webhook(secret);
  const sink: CallbackSink = { url: '', received: [], refusedOnPurpose: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      if (rng.next() < failRate) {
        sink.refusedOnPurpose += 1;
        res.writeHead(503, { 'Retry-After': '0' }).end();
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = true;
      try {
        verifier.verify(raw, headers);
      } catch {
        verified = false;
      }
      const body = JSON.parse(raw) as { type?: string; data?: { service_id?: string } };
      sink.received.push({
        webhookId: headers['webhook-id'] ?? '',
        type: body.type ?? '',
        billingServiceId: body.data?.service_id ?? '',
        verified,
      });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  sink.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return sink;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
