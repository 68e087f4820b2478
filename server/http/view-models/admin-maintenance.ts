/**
 * The console's maintenance page: the announced windows, newest first, with where each stands,
 * and the form that announces one. Times are shown and typed in UTC, as everywhere in the console.
 */
import type { StoredMaintenanceWindow } from '../../domain/maintenance-window';
import type { FieldProblem } from '../../errors';
import { windowStatus } from '../presenters/maintenance-window';

export interface MaintenanceFormValues {
  title: string;
  starts_at: string;
  ends_at: string;
  scope_kind: string;
  scope_names: string;
  message: string;
}

export const EMPTY_MAINTENANCE_FORM: MaintenanceFormValues = {
  title: '',
  starts_at: '',
  ends_at: '',
  scope_kind: 'clusters',
  scope_names: '',
  message: '',
};

const STATUS_VIEW = {
  upcoming: { label: 'Upcoming', tone: 'neutral' },
  in_progress: { label: 'In progress', tone: 'warn' },
  over: { label: 'Over', tone: 'ok' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
} as const;

/** `2026-12-10 02:00` in UTC. */
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** Which form field an API field's problem belongs to (scope.clusters.3 → scope_names). */
function formField(apiField: string): keyof MaintenanceFormValues | 'form' {
  if (apiField.startsWith('scope')) return 'scope_names';
  if (apiField === 'title' || apiField === 'starts_at' || apiField === 'ends_at' || apiField === 'message') return apiField;
  return 'form';
}

export function presentAdminMaintenance(
  windows: readonly StoredMaintenanceWindow[],
  now: Date,
  form: { values: MaintenanceFormValues; problems: FieldProblem[] } = { values: EMPTY_MAINTENANCE_FORM, problems: [] },
  flash?: string,
) {
  const errors = new Map<string, string>();
  for (const p of form.problems) {
    const f = formField(p.field);
    if (!errors.has(f)) errors.set(f, p.message);
  }
  const field = (id: keyof MaintenanceFormValues) => ({
    value: form.values[id],
    error: errors.get(id),
    describedBy: errors.has(id) ? `${id}-error` : undefined,
  });
  return {
    title: 'Maintenance',
    nav: 'maintenance',
    flash,
    nowText: utc(now),
    windows: windows.map((w) => {
      const status = windowStatus(w, now);
      const names = 'clusters' in w.scope ? w.scope.clusters : w.scope.hosts;
      return {
        id: w.id,
        title: w.title,
        message: w.message,
        startsText: utc(w.startsAt),
        endsText: utc(w.endsAt),
        startsIso: w.startsAt.toISOString(),
        endsIso: w.endsAt.toISOString(),
        scopeLabel: 'clusters' in w.scope ? (names.length === 1 ? 'Cluster' : 'Clusters') : names.length === 1 ? 'Host' : 'Hosts',
        scopeNames: names.join(', '),
        createdBy: w.createdBy,
        status: STATUS_VIEW[status],
        cancellable: status === 'upcoming' || status === 'in_progress',
      };
    }),
    summary: form.problems.map((p) => `${p.field || 'form'} ${p.message}`),
    f: {
      title: field('title'),
      starts_at: field('starts_at'),
      ends_at: field('ends_at'),
      scope_names: field('scope_names'),
      message: field('message'),
    },
    scopeHosts: form.values.scope_kind === 'hosts',
  };
}
