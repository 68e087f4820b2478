/**
 * What a customer hands the bridge for getting into their VPS, read the same way wherever it arrives: an order
 * (webhooks/billing-event.ts) and a reinstall (http/routes/service-actions.schema.ts). The password is sealed at
 * once and never stored, logged or answered in clear.
 */
import { z } from 'zod';
import { normalizeSshKey, sshKeyProblem } from '../domain/ssh-key';

/** A plan's OS key; admin-plans.schema.ts gives `os_options` keys the same shape. */
export const OS_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const osKey = z.string().regex(OS_KEY, 'must be an OS key of the plan, such as debian-12');

/** The root password: printable, one line, long enough to survive the internet. */
export const rootPassword = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .refine((s) => !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(s), 'must not contain control characters or line breaks');

/** OpenSSH public keys, each read from its blob (domain/ssh-key.ts) and named when refused. */
export const sshKeys = z
  .array(
    z
      .string()
      .max(16_384, 'must be at most 16384 characters')
      .superRefine((key, ctx) => {
        const problem = sshKeyProblem(key);
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem.reason} (${key.trim().slice(0, 30)}…)` });
      })
      .transform(normalizeSshKey),
  )
  .max(20, 'at most 20 keys');
