/**
 * `npm run --silent send-webhook -- <type> '<data JSON>' [--url http://127.0.0.1:3000]` signs a billing webhook
 * with WEBHOOK_SECRET, as a panel module would, and prints the service's answer. For trying the service and for
 * checking a panel's setup end to end.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ConfigError, loadConfig, readProcessEnvironment } from '../config';

async function run(): Promise<number> {
  const args = process.argv.slice(2);
  const urlAt = args.indexOf('--url');
  const url = urlAt >= 0 ? args.splice(urlAt, 2)[1] : undefined;
  const [type, data] = args;
  if (!type || !data) {
    console.error(
      `Usage: npm run --silent send-webhook -- service.create '{"service_id":"1001","client_id":"55","product_id":"7"}' [--url URL]`,
    );
    return 2;
  }
  const config = loadConfig(readProcessEnvironment());
  if (config.generatedSecrets.includes('WEBHOOK_SECRET')) {
    console.error(
      'WEBHOOK_SECRET is not set, so the running service would not accept this signature. Run `npm run init-env` (or set it in .env) and restart the service.',
    );
    return 1;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    console.error('The data argument must be JSON, e.g. \'{"service_id":"1001"}\'');
    return 2;
  }
  const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data: parsed });
  const id = `msg_${randomUUID().replace(/-/g, '')}`;
  const at = new Date();
  const target = `${url ?? `http://127.0.0.1:${config.port}`}/webhooks/billing`;
  const res = await fetch(target, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(config.secrets.webhook).sign(id, at, body),
    },
    body,
  });
  console.log(`${res.status} ${await res.text()}`);
  return res.status < 300 ? 0 : 1;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Could not send: ${(err as Error).message}`);
    process.exit(1);
  },
);
