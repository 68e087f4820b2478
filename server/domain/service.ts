/** A billing service (a customer's VPS): what the panel wants it to be, and what it is on oVirt. */

export const DESIRED_STATES = ['active', 'suspended', 'terminated'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export const ACTUAL_STATES = ['pending', 'provisioning', 'active', 'suspending', 'suspended', 'terminating', 'terminated', 'failed'] as const;
export type ActualState = (typeof ACTUAL_STATES)[number];

export type CancellationType = 'immediate' | 'end_of_period';

export interface Service {
  id: number;
  serviceId: string;
  clientId: string;
  planId: number;
  appliedPlanId: number | null;
  hostname: string | null;
  desiredState: DesiredState;
  actualState: ActualState;
  vmId: string | null;
  vmName: string | null;
  vmHost: string | null;
  lastError: string | null;
  lastEventAt: Date | null;
  cancellationType: CancellationType | null;
  cancellationRequestedAt: Date | null;
  /** When the VPS first ran (uptime counts from here); null until then. */
  activatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The engine VM name for a billing service: derived, so a lost create response can be resolved by looking it up. */
export function vmNameFor(prefix: string, serviceId: string): string {
  return `${prefix}${serviceId}`;
}

/** Marker written into the VM comment, so we can tell our VMs from ones an admin made by hand. */
export function vmCommentFor(serviceId: string, clientId: string): string {
  return `ovirt-ha-bridge service=${serviceId} client=${clientId}`;
}

export function isOurVm(comment: string | undefined, serviceId: string): boolean {
  return (comment ?? '').startsWith(`ovirt-ha-bridge service=${serviceId} `);
}
