/**
 * The host tracker the incident builder reads: which hosts stopped answering the engine, and since when. The first
 * sign of a host's trouble is when the VMs on it stopped being served.
 */
import { ENGINE_EVENT } from './engine-event-codes';
import type { TimelineEvent } from './timeline-state';

/** Hosts that stopped answering, and since when (epoch ms). */
export type HostHealth = Record<string, number>;

/** Host-level codes the tracker reads: trouble begins, trouble ends. */
export const HOST_TROUBLE_CODES: ReadonlySet<number> = new Set([
  ENGINE_EVENT.VDS_HOST_NOT_RESPONDING_CONNECTING,
  ENGINE_EVENT.VDS_HOST_NOT_RESPONDING,
  ENGINE_EVENT.VDS_FAILURE,
]);
export const HOST_OK_CODES: ReadonlySet<number> = new Set([
  ENGINE_EVENT.VDS_DETECTED,
  ENGINE_EVENT.VDS_ACTIVATE_ASYNC,
  ENGINE_EVENT.VDS_SOFT_RECOVER,
]);

/**
 * When a host's trouble began, if it is in trouble. Own keys only: a host may be called `constructor` or `toString`,
 * and a plain object would answer for those with what it inherits.
 */
export function troubleSince(health: HostHealth, host: string): number | undefined {
  return Object.hasOwn(health, host) ? health[host] : undefined;
}

/** Follows host health: the first sign of trouble is when the VMs on that host stopped being served. */
export function applyHostEvent(health: HostHealth, event: TimelineEvent): HostHealth {
  const host = event.hostName;
  if (!host) return health;
  if (HOST_TROUBLE_CODES.has(event.code) && troubleSince(health, host) === undefined) return { ...health, [host]: event.at };
  if (HOST_OK_CODES.has(event.code) && troubleSince(health, host) !== undefined) {
    const next = { ...health };
    delete next[host];
    return next;
  }
  return health;
}
