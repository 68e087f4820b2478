/**
 * The billing panel's webhook body, after its signature is verified:
 * {"type": "service.create", "timestamp": "2026-11-26T10:00:00Z", "data": {"service_id", "client_id", "product_id", "hostname", …}}
 * `timestamp` (optional) is when the event happened in the panel; it orders events for one service, since the
 * Standard Webhooks timestamp header changes on every retry.
 */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/zoned-time';
import { osKey, rootPassword, sshKeys } from './guest-access';
import { BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE, BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE } from '../domain/billing-ids';

/** Billing ids become part of VM names, so they keep to characters every engine accepts in a name. */
const billingId = z.union([
  z.string().regex(BILLING_SERVICE_ID, BILLING_SERVICE_ID_RULE),
  z.number().int('must be a whole number').min(0, 'must not be negative').transform(String),
]);
const productId = z.union([
  z.string().regex(BILLING_PRODUCT_ID, BILLING_PRODUCT_ID_RULE),
  z.number().int('must be a whole number').min(0, 'must not be negative').transform(String),
]);
const hostname = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    'must be a host name such as vps1.example.net',
  );

const guestTimeZone = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(isValidTimeZone, 'must be an IANA time zone such as UTC or Europe/Amsterdam');

// Panels add fields of their own to `data`; unknown ones are dropped, never stored.
const serviceRef = { service_id: billingId, client_id: billingId.optional() };

export const billingEventSchema = z.discriminatedUnion(
  'type',
  [
    z
      .object({
        type: z.literal('service.create'),
        timestamp: z.iso.datetime({ offset: true }).optional(),
        data: z.object({
          ...serviceRef,
          client_id: billingId,
          product_id: productId,
          hostname: hostname.optional(),
          os: osKey.optional(),
          password: rootPassword.optional(),
          ssh_keys: sshKeys.optional(),
          time_zone: guestTimeZone.optional(),
        }),
      })
      .strict(),
    z
      .object({
        type: z.literal('service.suspend'),
        timestamp: z.iso.datetime({ offset: true }).optional(),
        data: z.object({ ...serviceRef, reason: z.string().max(500).optional() }),
      })
      .strict(),
    z
      .object({ type: z.literal('service.unsuspend'), timestamp: z.iso.datetime({ offset: true }).optional(), data: z.object(serviceRef) })
      .strict(),
    z
      .object({ type: z.literal('service.terminate'), timestamp: z.iso.datetime({ offset: true }).optional(), data: z.object(serviceRef) })
      .strict(),
    z
      .object({
        type: z.literal('service.change_plan'),
        timestamp: z.iso.datetime({ offset: true }).optional(),
        data: z.object({ ...serviceRef, product_id: productId }),
      })
      .strict(),
    z
      .object({
        type: z.literal('service.cancellation_requested'),
        timestamp: z.iso.datetime({ offset: true }).optional(),
        data: z.object({
          ...serviceRef,
          cancellation_type: z.enum(['immediate', 'end_of_period']),
          reason: z.string().max(500).optional(),
        }),
      })
      .strict(),
    z
      .object({
        type: z.literal('service.renew'),
        timestamp: z.iso.datetime({ offset: true }).optional(),
        data: z.object({ ...serviceRef, next_due_date: z.string().max(40).optional() }),
      })
      .strict(),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'must be one of service.create, service.suspend, service.unsuspend, service.terminate, service.change_plan, ' +
          'service.cancellation_requested, service.renew'
        : undefined,
  },
);

export type BillingEvent = z.output<typeof billingEventSchema>;
export const BILLING_EVENT_TYPES = billingEventSchema.options.map((o) => o.shape.type.value);
