/**
 * Announced maintenance windows. A window covers a place (a cluster, or a host in it) over a
 * half-open time range [startsAt, endsAt); a stop of a VM inside a window that covers where the VM ran is planned
 * downtime, not an outage. A cancelled window covers nothing: it stays stored only as history of what was announced.
 */

export type MaintenanceScope = { clusters: string[] } | { hosts: string[] };

export interface MaintenanceWindow {
  id: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  scope: MaintenanceScope;
  message: string;
  cancelledAt: Date | null;
}

/** What a stored window carries beyond the announcement: who announced it and when. */
export interface StoredMaintenanceWindow extends MaintenanceWindow {
  createdBy: string;
  createdAt: Date;
}

/** The announcement as an admin makes it. */
export interface MaintenanceWindowInput {
  title: string;
  startsAt: Date;
  endsAt: Date;
  scope: MaintenanceScope;
  message: string;
}

/** Where a VM was: its cluster, and its host when it had one (a VM that is down has none). */
export interface MaintenancePlace {
  cluster: string | null;
  host: string | null;
}

/** 'clusters' or 'hosts': how the scope is stored. */
export function scopeKind(scope: MaintenanceScope): 'clusters' | 'hosts' {
  return 'clusters' in scope ? 'clusters' : 'hosts';
}

/** The names the scope lists, whatever its kind. */
export function scopeNames(scope: MaintenanceScope): string[] {
  return 'clusters' in scope ? scope.clusters : scope.hosts;
}

/** Whether the scope names the place: its cluster for a cluster scope, its host for a host scope. */
export function scopeIncludes(scope: MaintenanceScope, place: MaintenancePlace): boolean {
  if ('clusters' in scope) return place.cluster !== null && scope.clusters.includes(place.cluster);
  return place.host !== null && scope.hosts.includes(place.host);
}

/**
 * Whether `window` covers `place` at instant `at`: not cancelled, startsAt <= at < endsAt, and the scope names the
 * place's cluster (cluster scope) or host (host scope). Pure.
 */
export function windowCovers(window: MaintenanceWindow, place: MaintenancePlace, at: Date): boolean {
  if (window.cancelledAt !== null) return false;
  const t = at.getTime();
  if (t < window.startsAt.getTime() || t >= window.endsAt.getTime()) return false;
  return scopeIncludes(window.scope, place);
}

/** Whether any of `windows` covers `place` at `at`. */
export function anyWindowCovers(windows: readonly MaintenanceWindow[], place: MaintenancePlace, at: Date): boolean {
  return windows.some((w) => windowCovers(w, place, at));
}

/** How far in the past a window may start when announced: an admin announcing the window they just began. */
export const ANNOUNCE_GRACE_MS = 15 * 60_000;
/** The longest window: longer work is several announcements, so customers are not told of a month-long "window". */
export const MAX_WINDOW_MS = 14 * 86_400_000;

/**
 * The time rules of an announcement, beyond its shape (the API's schema checks that): it ends after it starts, it
 * does not start more than ANNOUNCE_GRACE_MS before `now` (an announcement tells people ahead; a past window is not
 * an announcement), and it lasts at most MAX_WINDOW_MS. Problems name the API's fields. Pure.
 */
export function announcementProblems(
  input: Pick<MaintenanceWindowInput, 'startsAt' | 'endsAt'>,
  now: Date,
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const start = input.startsAt.getTime();
  const end = input.endsAt.getTime();
  if (start < now.getTime() - ANNOUNCE_GRACE_MS)
    problems.push({ field: 'starts_at', message: `must not be more than ${ANNOUNCE_GRACE_MS / 60_000} minutes in the past` });
  if (end <= start) problems.push({ field: 'ends_at', message: 'must be after starts_at' });
  else if (end - start > MAX_WINDOW_MS)
    problems.push({ field: 'ends_at', message: `must be at most ${MAX_WINDOW_MS / 86_400_000} days after starts_at` });
  return problems;
}
