/**
 * The maintenance window JSON shape:
 * {"title","starts_at","ends_at","scope":{"clusters":[…]} | {"hosts":[…]},"message"}
 * zod checks the shape; the time rules (ends after starts, not in the past beyond a grace) are the domain's
 * (domain/maintenance-window.ts announcementProblems), reported the same way: 400 naming each field.
 */
import { z } from 'zod';
import type { MaintenanceWindowInput } from '../../domain/maintenance-window';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** One line: a title or a cluster or host name. */
const line = (max: number) => text(max).refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

/** Several lines are fine in a message (it goes into an e-mail), other control characters are not. */
const paragraphs = (max: number) =>
  text(max).refine((s) => !/[^\P{Cc}\n\r\t]/u.test(s), 'must not contain control characters other than line breaks');

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-12-10T02:00:00Z' });

const names = z
  .array(line(255))
  .min(1, 'must name at least one')
  .max(50, 'must name at most 50')
  .refine((list) => new Set(list).size === list.length, 'must not name one twice');

export const MAX_TITLE = 200;
export const MAX_MESSAGE = 2000;

export const maintenanceBody = z
  .object({
    title: line(MAX_TITLE),
    starts_at: instant,
    ends_at: instant,
    // One object with both keys optional (not a union), so a bad name is reported at scope.clusters.3, not as "no
    // union member matched"; exactly one of the two must be given.
    scope: z
      .object({ clusters: names.optional(), hosts: names.optional() })
      .strict()
      .refine((s) => (s.clusters === undefined) !== (s.hosts === undefined), 'must give either clusters or hosts, not both'),
    message: paragraphs(MAX_MESSAGE),
  })
  .strict()
  // Reported with the shape's problems, so one answer names them all; the rules that need the clock (not in the
  // past) are the service's.
  .refine((b) => Date.parse(b.ends_at) > Date.parse(b.starts_at), { path: ['ends_at'], message: 'must be after starts_at' })
  .transform((b): MaintenanceWindowInput => ({
    title: b.title,
    startsAt: new Date(b.starts_at),
    endsAt: new Date(b.ends_at),
    scope: b.scope.clusters ? { clusters: b.scope.clusters } : { hosts: b.scope.hosts ?? [] },
    message: b.message,
  }));

export const maintenanceIdParams = z.object({
  id: z.coerce.number().int('must be a whole number').positive('must be a positive id').max(2_147_483_647, 'is too large'),
});

export const maintenanceListQuery = z.object({ include: z.enum(['all', 'upcoming']).default('all') }).strict();
