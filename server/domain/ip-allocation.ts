/** What an address allocation is asked for and what it hands back (use-cases/ip-allocation.ts). */
import type { HeldAddress } from './ip-assignment';

export interface AllocationRequest {
  /** services.id (our row id), not the billing panel's service id. */
  serviceRowId: number;
  /** The billing panel's service id, kept beside the address for the admin's eyes. */
  billingServiceId: string;
  /** The plan's cluster. */
  cluster: string;
  /** The plan's pools by name; absent or empty: every pool of the cluster. */
  poolNames?: string[];
}

export interface Allocation {
  /** Undefined only when the cluster has no IPv4 pool at all (and the plan names none): addresses are not managed. */
  ipv4?: HeldAddress;
  /** Undefined when the cluster (or the plan's pools) has no IPv6 pool. */
  ipv6?: HeldAddress;
}
