/**
 * A VPS's root password as it is stored: the one asked for, or a strong one made up when neither a password nor a key
 * is given (the customer must be able to log in; the panel gets it once, in service.active or service.reinstalled),
 * sealed for its service (SECRETS_KEY) before it is written. An order and a reinstall both take theirs from here.
 */
import { randomPassword } from '../crypto/random-password';
import type { SecretBox } from '../crypto/secret-box';
import { passwordContext } from '../domain/service';
import type { NewService } from '../repositories/services';
import type { BillingEvent } from '../webhooks/billing-event';

/** `given` sealed, or a made-up one when there is neither it nor a key; null when keys alone will do. */
export function sealRootPassword(
  secrets: SecretBox,
  billingServiceId: string,
  given: string | undefined,
  keys: readonly string[],
): { sealedPassword: string | null; generated: boolean } {
  const generated = given === undefined && keys.length === 0;
  const plain = given ?? (generated ? randomPassword() : undefined);
  return { sealedPassword: plain === undefined ? null : secrets.seal(plain, passwordContext(billingServiceId)), generated };
}

/** The new service with its order's password sealed (and whether the bridge made it up). */
export function withSealedPassword(secrets: SecretBox, insert: NewService, event: BillingEvent): NewService {
  return {
    ...insert,
    ...orderPassword(secrets, insert.billingServiceId, event, event.type === 'service.create' ? (event.data.ssh_keys ?? []) : []),
  };
}

/** The sealed password of a create (a new order, or the rebuild of a vm_missing service, which keeps its keys). */
export function orderPassword(
  secrets: SecretBox,
  billingServiceId: string,
  event: BillingEvent,
  keys: readonly string[],
): { sealedPassword?: string; passwordGenerated?: boolean } {
  if (event.type !== 'service.create') return {};
  const { sealedPassword, generated } = sealRootPassword(secrets, billingServiceId, event.data.password, keys);
  return sealedPassword === null ? {} : { sealedPassword, passwordGenerated: generated };
}
