/** The billing panel's side in tests: signed webhooks out, signed callbacks in. */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { TEST_SECRETS } from './test-app';

export interface Delivery {
  id?: string;
  type: string;
  data: Record<string, unknown>;
  timestamp?: string;
  /** When the panel signs it (default now). */
  signedAt?: Date;
}

export function signedHeaders(
  body: string,
  id: string,
  at: Date = new Date(),
  secret = TEST_SECRETS.WEBHOOK_SECRET,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
    'content-type': 'application/json',
  };
}

export function sendWebhook(app: Express, d: Delivery) {
  const body = JSON.stringify({ type: d.type, ...(d.timestamp ? { timestamp: d.timestamp } : {}), data: d.data });
  return request(app)
    .post('/webhooks/billing')
    .set(signedHeaders(body, d.id ?? `msg_${randomUUID().replace(/-/g, '')}`, d.signedAt))
    .send(body);
}

export interface CallbackSink {
  url: string;
  received: Array<{ headers: Record<string, string>; body: { type: string; data: Record<string, unknown> }; verified: boolean }>;
  /** Answer this status to the next N callbacks (default 204). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/** A real HTTP endpoint standing in for the panel's callback URL; verifies every signature it gets. */
export async function startCallbackSink(secret = TEST_SECRETS.WEBHOOK_SECRET): Promise<CallbackSink> {
  const received: CallbackSink['received'] = [];
  let failing = 0;
  let failStatus = 503;
  const verifier = new Webhook(secret);
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (failing > 0) {
        failing -= 1;
        res.writeHead(failStatus).end();
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified = true;
      try {
        verifier.verify(raw, headers);
      } catch {
        verified = false;
      }
      received.push({ headers, body: JSON.parse(raw) as CallbackSink['received'][number]['body'], verified });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    received,
    failNext: (n, status = 503) => {
      failing = n;
      failStatus = status;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
