/**
 * Standard Webhooks signatures (the `standardwebhooks` package) over the raw body: `webhook-id`,
 * `webhook-timestamp` (five-minute tolerance, both directions) and `webhook-signature`. Also signs our callbacks.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { UnauthorizedError, ValidationError } from '../errors';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TIMESTAMP = /^\d{1,10}$/;

export interface SignedHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/** The three headers, or 400 naming the missing or malformed ones. */
export function readSignedHeaders(get: (name: string) => string | undefined): SignedHeaders {
  const id = get('webhook-id');
  const timestamp = get('webhook-timestamp');
  const signature = get('webhook-signature');
  const problems = [];
  if (!id || !ID.test(id)) problems.push({ field: 'header.webhook-id', message: 'required: 1-64 letters, digits, _ or -' });
  if (!timestamp || !TIMESTAMP.test(timestamp)) problems.push({ field: 'header.webhook-timestamp', message: 'required: Unix seconds' });
  if (!signature || signature.length > 2048)
    problems.push({ field: 'header.webhook-signature', message: 'required: v1,<base64> signatures' });
  if (problems.length > 0) throw new ValidationError(problems, 'The webhook headers are missing or malformed.');
  return { id: id as string, timestamp: timestamp as string, signature: signature as string };
}

export class WebhookSigner {
  private readonly webhook: Webhook;
  constructor(secret: string) {
    this.webhook = new Webhook(secret);
  }

  /** Throws 401 when the signature does not match the body or the timestamp is outside the tolerance. */
  verify(raw: Buffer, h: SignedHeaders): void {
    try {
      // jsonParse off: the library would JSON.parse after verifying; we parse (and answer 400) ourselves.
      this.webhook.verify(
        raw,
        { 'webhook-id': h.id, 'webhook-timestamp': h.timestamp, 'webhook-signature': h.signature },
        { jsonParse: false },
      );
    } catch (err) {
      if (err instanceof WebhookVerificationError) {
        const stale = /timestamp/i.test(err.message);
        throw new UnauthorizedError(
          stale ? 'The webhook timestamp is outside the five-minute tolerance.' : 'The webhook signature does not match.',
        );
      }
      throw err;
    }
  }

  /** Headers for a payload we send (callbacks to the panel). */
  sign(id: string, at: Date, payload: string): Record<string, string> {
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(id, at, payload),
    };
  }
}
