/**
 * Actions on a VPS as the panel, the admin API and the client area read them. The sealed password and the
 * engine's VM ids stay out by construction.
 */
import type { ServiceActionRecord } from '../../domain/service-action';
import type { Service } from '../../domain/service';
import type { VpsUsage } from '../../use-cases/vps-access';

/** One action: what was asked, by whom, and how it ended (`error` is in words fit for the customer). */
export function presentAction(billingServiceId: string, a: ServiceActionRecord, publicUrl?: string) {
  return {
    id: a.id,
    service_id: billingServiceId,
    action: a.action,
    requested_by: { kind: a.actor.kind, name: a.actor.name },
    state: a.outcome,
    requested_at: a.requestedAt.toISOString(),
    started_at: a.startedAt?.toISOString() ?? null,
    finished_at: a.finishedAt?.toISOString() ?? null,
    error: a.error,
    ...(a.action === 'reinstall' && a.details ? { os: a.details.os } : {}),
    ...(publicUrl ? { href: `${publicUrl}/api/v1/services/${encodeURIComponent(billingServiceId)}/actions/${a.id}` } : {}),
  };
}

/** The action log of a service, newest first (the admin API). */
export function presentActionLog(service: Service, actions: ServiceActionRecord[]) {
  return { service_id: service.billingServiceId, items: actions.map((a) => presentAction(service.billingServiceId, a)) };
}

/** The usage picture; history lists are newest first, one value per 30 s as the engine keeps them. */
export function presentUsage(u: VpsUsage) {
  return {
    service_id: u.billingServiceId,
    at: u.at.toISOString(),
    running: u.running,
    uptime_seconds: u.uptimeSeconds,
    cpu: { percent: u.cpu.percent, history_percent: u.cpu.history },
    memory: {
      installed_bytes: u.memory.installedBytes,
      used_bytes: u.memory.usedBytes,
      used_percent: u.memory.percent,
      history_percent: u.memory.history,
    },
    network: {
      percent: u.network.percent,
      history_percent: u.network.history,
      rx_bytes_per_second: u.network.io.rxBytesPerSecond,
      tx_bytes_per_second: u.network.io.txBytesPerSecond,
      rx_bytes_total: u.network.io.rxBytesTotal,
      tx_bytes_total: u.network.io.txBytesTotal,
    },
    disk: { read_bytes_per_second: u.disk.readBytesPerSecond, write_bytes_per_second: u.disk.writeBytesPerSecond },
    history_interval_seconds: 30,
  };
}
