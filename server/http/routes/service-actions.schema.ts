/** Request bodies of the VPS actions: power, reinstall, console; the same for the panel and admins. */
import { z } from 'zod';
import { osKey, rootPassword, sshKeys } from '../../webhooks/guest-access';
import { POWER_ACTIONS } from '../../domain/service-action';
import { BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../../domain/billing-ids';

export const serviceParams = z.object({ service_id: z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE) });
export const actionParams = serviceParams.extend({
  action_id: z
    .string()
    .regex(/^\d{1,12}$/, 'must be an action id')
    .transform(Number),
});

/**
 * Who the panel acts for: the panel itself (default), or a customer or an admin of the panel, named as the panel
 * knows them (a client id, a staff user name). Recorded in the action log, never trusted for access.
 */
const onBehalf = {
  requested_by: z.enum(['panel', 'customer', 'admin'], { message: 'must be panel, customer or admin' }).optional(),
  requester: z.string().min(1).max(200, 'must be at most 200 characters').optional(),
};

export const powerBody = z
  .object({ action: z.enum(POWER_ACTIONS, { message: `must be one of ${POWER_ACTIONS.join(', ')}` }), ...onBehalf })
  .strict();

export const reinstallBody = z
  .object({
    os: osKey.optional(),
    password: rootPassword.optional(),
    ssh_keys: sshKeys.optional(),
    ...onBehalf,
  })
  .strict();

/** `Idempotency-Key`: optional; visible ASCII, at most 255 characters (the IETF draft's key, kept per service for good). */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
    .optional(),
});

export const consoleBody = z.object({ ...onBehalf }).strict();

export const actionLogQuery = z
  .object({ limit: z.coerce.number().int().min(1, 'must be 1-500').max(500, 'must be 1-500').default(100) })
  .strict();
