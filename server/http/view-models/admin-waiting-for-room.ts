/**
 * The console's alert for HA VMs down for lack of room: "N+1 failed in practice: 2 HA VMs are down
 * for lack of room", with each service, its cluster, the host it was on and how long it has been down. Shown on the
 * overview and on the cluster's page; null when there is nothing to say.
 */
import { formatDuration } from '../presenters/time-words';
import type { WaitingForRoom } from '../../use-cases/waiting-for-room';

export interface WaitingForRoomBanner {
  text: string;
  fix: string;
  items: Array<{ billingServiceId: string; href: string; cluster: string; failedHost: string; since: string; down: string }>;
}

export function presentWaitingForRoom(list: readonly WaitingForRoom[], now: Date): WaitingForRoomBanner | null {
  if (list.length === 0) return null;
  const n = list.length;
  return {
    text: `N+1 failed in practice: ${n} HA ${n === 1 ? 'VM is' : 'VMs are'} down for lack of room.`,
    fix:
      'The engine keeps trying every 30 s, then every 30 min. Free or add capacity in the cluster (start a host, migrate or ' +
      'stop other VMs); the customers see that their VPS waits for room and that this counts as downtime.',
    items: list.map((w) => ({
      billingServiceId: w.service.billingServiceId,
      href: `/admin/services/${encodeURIComponent(w.service.billingServiceId)}`,
      cluster: w.cluster ?? '?',
      failedHost: w.failedHost ?? '—',
      since: w.since.toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      down: formatDuration(Math.round((now.getTime() - w.since.getTime()) / 1000)),
    })),
  };
}
