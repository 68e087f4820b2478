/**
 * Maintenance windows as the admin API shows them: the only place that chooses their output fields. The console's
 * maintenance page (view-models/admin-maintenance.ts) uses `windowStatus` too, so both say the same status.
 */
import type { StoredMaintenanceWindow } from '../../domain/maintenance-window';

export interface MaintenanceWindowJson {
  id: number;
  title: string;
  starts_at: string;
  ends_at: string;
  scope: { clusters: string[] } | { hosts: string[] };
  message: string;
  created_by: string;
  created_at: string;
  cancelled_at: string | null;
  /** `cancelled`, `upcoming`, `in_progress` or `over` at `now`. */
  status: 'cancelled' | 'upcoming' | 'in_progress' | 'over';
}

/** Where a window stands at `now`. */
export function windowStatus(w: StoredMaintenanceWindow, now: Date): MaintenanceWindowJson['status'] {
  if (w.cancelledAt) return 'cancelled';
  if (now < w.startsAt) return 'upcoming';
  return now < w.endsAt ? 'in_progress' : 'over';
}

export function presentMaintenanceWindow(w: StoredMaintenanceWindow, now: Date): MaintenanceWindowJson {
  return {
    id: w.id,
    title: w.title,
    starts_at: w.startsAt.toISOString(),
    ends_at: w.endsAt.toISOString(),
    scope: 'clusters' in w.scope ? { clusters: [...w.scope.clusters] } : { hosts: [...w.scope.hosts] },
    message: w.message,
    created_by: w.createdBy,
    created_at: w.createdAt.toISOString(),
    cancelled_at: w.cancelledAt?.toISOString() ?? null,
    status: windowStatus(w, now),
  };
}
