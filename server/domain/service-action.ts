/**
 * What a customer, an admin or the panel may ask of a VPS: power actions, a reinstall, a console file.
 * Pure rules: which services accept an action, the per-service limit, and whether the VPS is off by the customer's
 * own choice (so nothing "ensures it up" behind their back).
 */
import type { Service } from './service';

export const POWER_ACTIONS = ['start', 'shutdown', 'stop', 'reboot'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];
export type ServiceActionKind = PowerAction | 'reinstall' | 'console';

export const ACTOR_KINDS = ['customer', 'admin', 'panel'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who asked: the kind, and who exactly (an admin's e-mail, the billing client id, or `panel`). */
export interface Actor {
  kind: ActorKind;
  name: string;
  /**
   * Set by the client area: the signed-in customer's billing client id. The service must be theirs, else it is
   * answered as not found (another client's service does not exist for them).
   */
  clientId?: string;
}

export type ActionOutcome = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ServiceActionRecord {
  id: number;
  serviceRowId: number;
  action: ServiceActionKind;
  actor: Actor;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  outcome: ActionOutcome;
  /** Public words: what went wrong, fit for the customer. */
  error: string | null;
  details: ReinstallDetails | null;
  sealedPassword: string | null;
}

/** What a reinstall builds: the OS (a key of the plan's os_options), root's SSH keys, and the new VM's name. */
export interface ReinstallDetails {
  /** Null: the plan's own template (a plan without OS options, or a service ordered without one). */
  os: string | null;
  sshKeys: string[];
  /** The bridge made the password up: the panel gets it once, in service.reinstalled. */
  passwordGenerated: boolean;
  vmName: string;
  /** The VM it replaces (the service's VM when it was asked for). */
  oldVmId: string | null;
}

export interface ActionRefusal {
  code: 'service_terminated' | 'service_suspended' | 'service_provisioning' | 'service_failed' | 'vm_missing';
  message: string;
}

/**
 * Whether the service accepts an action now. The rule: only an `active` service (provisioned, not suspended, not
 * being changed by a reconcile) takes actions; a VPS the customer powered off is still `active` (desired and actual),
 * so `start` is allowed on it. A console needs a running VM, which the engine itself checks.
 */
export function actionRefusal(service: Pick<Service, 'desiredState' | 'actualState'>): ActionRefusal | undefined {
  const { desiredState: desired, actualState: actual } = service;
  if (desired === 'terminated' || actual === 'terminated' || actual === 'terminating') {
    return { code: 'service_terminated', message: 'This VPS has been terminated.' };
  }
  if (desired === 'suspended' || actual === 'suspended' || actual === 'suspending') {
    return { code: 'service_suspended', message: 'This VPS is suspended; it takes no actions until it is unsuspended.' };
  }
  if (actual === 'pending' || actual === 'provisioning') {
    return { code: 'service_provisioning', message: 'This VPS is still being set up; try again once it is active.' };
  }
  if (actual === 'failed') return { code: 'service_failed', message: 'This VPS could not be set up; it takes no actions until it is.' };
  if (actual === 'vm_missing')
    return { code: 'vm_missing', message: 'The virtual machine of this VPS is missing; it takes no actions until it is rebuilt.' };
  return undefined;
}

/**
 * The per-service limit over the requests in the window (their times, any order): undefined when one more is
 * allowed, else the seconds until the oldest in the window leaves it. A limit of 0 means none.
 */
export function limitRetryAfter(requestedAt: readonly Date[], now: Date, limit: number, windowSeconds: number): number | undefined {
  if (limit === 0) return undefined;
  const since = now.getTime() - windowSeconds * 1000;
  const inWindow = requestedAt
    .map((d) => d.getTime())
    .filter((t) => t > since)
    .sort((a, b) => a - b);
  if (inWindow.length < limit) return undefined;
  // The (n - limit)th oldest must leave before one more fits.
  const leaving = inWindow[inWindow.length - limit] as number;
  return Math.max(1, Math.ceil((leaving + windowSeconds * 1000 - now.getTime()) / 1000));
}

/**
 * Whether the VPS is off because its customer (or an admin on their behalf) powered it off: the latest power action
 * that succeeded was a stop or a shutdown. A later start or reinstall (which boots the new VM) ends it.
 */
export function poweredOffByRequest(latestSucceeded: ServiceActionKind | undefined): boolean {
  return latestSucceeded === 'stop' || latestSucceeded === 'shutdown';
}

/** The engine status each power action ends in. */
export function targetStatus(action: PowerAction): 'up' | 'down' {
  return action === 'stop' || action === 'shutdown' ? 'down' : 'up';
}

/**
 * The correlation id of the engine calls made for an action: `act-<id>-<action>`. The timeline reads it as "asked for
 * by the customer" and names the action from it (domain/timeline.ts). The engine keeps [0-9A-Za-z_-], at most 36.
 */
export function actionCorrelationId(actionId: number, action: ServiceActionKind): string {
  return `act-${actionId}-${action}`;
}

/**
 * The action behind an engine event's correlation id when it is one of ours (`act-<id>-<action>`), else undefined. The
 * engine tags every event a command causes with the command's correlation id, so this tells exactly which stops and
 * reboots the customer asked for, where a time window around a recorded action would only guess.
 */
export function customerActionOf(correlationId: string | null | undefined): ServiceActionKind | undefined {
  const m = /^act-\d{1,15}-(start|shutdown|stop|reboot|reinstall|console)$/.exec(correlationId ?? '');
  return m ? (m[1] as ServiceActionKind) : undefined;
}

/**
 * The name of a reinstall's new VM: it must differ from the old one while both exist. A dot (which the engine allows
 * in VM names and billing ids never contain) keeps `vps-12.r5` from reading as the VM of a billing service `12-r5`.
 */
export function reinstallVmName(baseName: string, actionId: number): string {
  return `${baseName}.r${actionId}`;
}
