/**
 * The admin service page's VPS actions: the buttons, the confirmation pages (power off, reinstall)
 * and the action log with who asked (customer, admin or panel, and who exactly). Times in UTC, as the console shows.
 */
import type { OsOption } from '../../domain/plan';
import type { ServiceActionRecord } from '../../domain/service-action';
import { utc } from './admin-services';
import { ACTION_LABELS } from './client-vps-actions';

const DONE: Record<string, string> = {
  start: 'Start sent to the engine; the log below shows when the VM runs.',
  shutdown: 'Shutdown (ACPI) sent to the engine; the guest may take a few minutes to stop.',
  stop: 'Power off sent to the engine.',
  reboot: 'Reboot sent to the engine.',
  reinstall: 'Reinstall queued: a new VM is built from the chosen OS; the old one is removed once the new one runs.',
};

const TONES: Record<ServiceActionRecord['outcome'], string> = { queued: 'neutral', running: 'warn', succeeded: 'ok', failed: 'bad' };
const WHO: Record<ServiceActionRecord['actor']['kind'], string> = { customer: 'Customer', admin: 'Admin', panel: 'Billing panel' };

const base = (billingServiceId: string) => `/admin/services/${encodeURIComponent(billingServiceId)}`;

/** The action block of the service page: buttons and the whole log, newest first. */
export function presentAdminServiceActions(billingServiceId: string, log: readonly ServiceActionRecord[], done?: string) {
  return {
    base: base(billingServiceId),
    done: done ? DONE[done.replace(/^vps_/, '')] : undefined,
    log: log.map((a) => ({
      id: a.id,
      action: ACTION_LABELS[a.action],
      os: a.action === 'reinstall' ? (a.details?.os ?? 'plan template') : null,
      who: WHO[a.actor.kind],
      whoName: a.actor.name,
      requested: utc(a.requestedAt),
      finished: a.finishedAt ? utc(a.finishedAt) : '—',
      outcome: a.outcome,
      tone: TONES[a.outcome],
      error: a.error,
    })),
  };
}

export function presentAdminStopConfirmation(billingServiceId: string, hostname: string | null) {
  return { title: `Power off service ${billingServiceId}?`, nav: 'services', billingServiceId, hostname, base: base(billingServiceId) };
}

export function presentAdminReinstallPage(input: {
  billingServiceId: string;
  hostname: string | null;
  osOptions: readonly OsOption[];
  currentOs: string | null;
  chosenOs?: string;
  error?: string;
}) {
  const selected = input.chosenOs ?? input.currentOs;
  return {
    title: `Reinstall service ${input.billingServiceId}`,
    nav: 'services',
    billingServiceId: input.billingServiceId,
    hostname: input.hostname,
    base: base(input.billingServiceId),
    options: input.osOptions.map((o) => ({ key: o.key, label: o.label, selected: o.key === selected })),
    hasChoice: input.osOptions.length > 0,
    error: input.error,
  };
}
