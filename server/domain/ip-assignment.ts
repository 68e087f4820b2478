/**
 * One address (IPv4) or prefix (IPv6) of a pool that a service holds or held. A released one stays in quarantine
 * until `quarantineUntil`, so a customer's old address does not reach the next customer while DNS records and caches
 * elsewhere still point at it; after that it is free again and the next allocation takes the row over.
 */
import type { IpFamily } from './ip-address';

export interface IpAssignment {
  id: number;
  poolId: number;
  /** Canonical text: `192.0.2.10`, or the prefix `2001:db8:1:5::/64`. */
  address: string;
  family: IpFamily;
  /** services.id holding it; null once released. */
  serviceRowId: number | null;
  /** services.id that holds or last held it. */
  lastServiceRowId: number;
  /** The billing panel's id of that service, for the admin's eyes. */
  billingServiceId: string;
  heldSince: Date;
  releasedAt: Date | null;
  quarantineUntil: Date | null;
}

/** An address as an allocation hands it to its caller: the row's fields but its id (a row written with others in one statement does not report its own). */
export type HeldAddress = Omit<IpAssignment, 'id'>;

export type AssignmentState = 'held' | 'quarantined' | 'free';

/** Held while a service holds it; quarantined until the instant `quarantineUntil` (exclusive); free from then on. */
export function assignmentState(a: Pick<IpAssignment, 'serviceRowId' | 'quarantineUntil'>, now: Date): AssignmentState {
  if (a.serviceRowId !== null) return 'held';
  if (a.quarantineUntil !== null && a.quarantineUntil.getTime() > now.getTime()) return 'quarantined';
  return 'free';
}

/** When an address released at `releasedAt` leaves quarantine. */
export function quarantineEnd(releasedAt: Date, quarantineMinutes: number): Date {
  return new Date(releasedAt.getTime() + quarantineMinutes * 60_000);
}
