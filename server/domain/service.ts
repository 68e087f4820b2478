/** A billing service (a customer's VPS): what the panel wants it to be, and what it is on oVirt. */

export const DESIRED_STATES = ['active', 'suspended', 'terminated'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

/**
 * `vm_missing`: the service's VM is gone from the engine though nothing here removed it (deleted by hand, an engine
 * restored from an old backup, the demo's simulator restarted); found by the VM reconcile. Only
 * service.create builds a new VM for it (billing-decision.ts); terminate ends it with nothing to remove.
 */
export const ACTUAL_STATES = [
  'pending',
  'provisioning',
  'active',
  'suspending',
  'suspended',
  'terminating',
  'terminated',
  'failed',
  'vm_missing',
] as const;
export type ActualState = (typeof ACTUAL_STATES)[number];

export type CancellationType = 'immediate' | 'end_of_period';

export interface Service {
  id: number;
  billingServiceId: string;
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
  /** The OS the order chose (a key of the plan's `os_options`); null: the plan's template. */
  osKey: string | null;
  /** OpenSSH public keys for root, normalised one a line. */
  sshKeys: string[];
  /** The guest's time zone (IANA); null: the plan's SLA zone. */
  guestTimeZone: string | null;
  /**
   * The root password sealed with SECRETS_KEY (crypto/secret-box.ts, context `passwordContext`) while provisioning
   * still needs it; null once the VPS runs configured, or when the order brought SSH keys only.
   */
  sealedPassword: string | null;
  /** The bridge made the password up (the order had neither password nor key): the panel gets it once, on service.active. */
  passwordGenerated: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The customer's login on their VPS: cloud-init sets root's password and keys. */
export const VPS_USERNAME = 'root';

/** What a sealed password is bound to, so it cannot be moved into another service's row and opened there. */
export function passwordContext(billingServiceId: string): string {
  return `service-password:${billingServiceId}`;
}

/** The engine VM name for a billing service: derived, so a lost create response can be resolved by looking it up. */
export function vmNameFor(prefix: string, billingServiceId: string): string {
  return `${prefix}${billingServiceId}`;
}

/**
 * The billing service id in one of our VM names: `<prefix><id>`, or `<prefix><id>.r<n>` for a reinstall's VM
 * (domain/service-action.ts reinstallVmName); undefined for a name without the prefix.
 */
export function billingIdOfVmName(prefix: string, vmName: string): string | undefined {
  if (!vmName.startsWith(prefix)) return undefined;
  return vmName.slice(prefix.length).replace(/\.r\d+$/, '');
}

/** Marker written into the VM comment, so we can tell our VMs from ones an admin made by hand. */
export function vmCommentFor(billingServiceId: string, clientId: string): string {
  return `ovirt-ha-bridge service=${billingServiceId} client=${clientId}`;
}

export function isOurVm(comment: string | undefined, billingServiceId: string): boolean {
  return (comment ?? '').startsWith(`ovirt-ha-bridge service=${billingServiceId} `);
}
