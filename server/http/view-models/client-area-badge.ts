/** The state badge at the top of a client-area page and in each row of the service list. */
import type { AvailabilityCause, ServiceUptimeReport } from '../../domain/uptime-report';
import type { Tone } from './client-area-format';

export interface Badge {
  text: string;
  tone: Tone;
  /** One sentence under the badge; null when the badge says it all. */
  detail: string | null;
}

const HOST_FAILURE: ReadonlySet<AvailabilityCause> = new Set(['ha_restart', 'host_failure']);

/**
 * The state badge. An open host-failure incident wins over everything: the customer is looking at the page
 * because the VPS is gone, and "Running" or "Down" would both be wrong in a moment.
 */
export function stateBadge(report: ServiceUptimeReport): Badge {
  const open = report.incidents.find((i) => i.endedAt === null);
  if (open && HOST_FAILURE.has(open.cause)) {
    return {
      text: 'Restarting after a host failure',
      tone: 'warn',
      detail: 'The server your VPS ran on failed. High availability is starting it on another host; no action is needed from you.',
    };
  }
  if (open?.cause === 'waiting_for_room') {
    // Said as it is: nothing restarts it until the provider makes room, so no "no action needed" and no
    // "restarting automatically".
    const what =
      open.failedHost !== null || open.steps.some((s) => 'kind' in s && (s.kind === 'host_fenced' || s.kind === 'host_not_responding'))
        ? 'The server your VPS ran on failed, and no'
        : 'Your VPS stopped, and no';
    return {
      text: 'Down — waiting for room on another host',
      tone: 'bad',
      detail:
        `${what} other server has room to start it yet. Your provider has been alerted and must free or add capacity; ` +
        'it will start as soon as there is room. This time counts as downtime.',
    };
  }
  switch (report.state) {
    case 'pending':
    case 'provisioning':
      return {
        text: 'Being set up',
        tone: 'neutral',
        detail: 'Your VPS is being created. Uptime is measured from the moment it first runs.',
      };
    case 'suspending':
    case 'suspended':
      return {
        text: 'Suspended',
        tone: 'neutral',
        detail: 'Suspended by your provider or the billing panel. This time does not count against the SLA.',
      };
    case 'terminating':
    case 'terminated':
      return { text: 'Cancelled', tone: 'neutral', detail: null };
    case 'failed':
      return { text: 'Setup failed', tone: 'bad', detail: 'Your provider has been told and will contact you.' };
    case 'vm_missing':
      return {
        text: 'Unavailable',
        tone: 'bad',
        detail: 'Your VPS is gone from the virtualization platform. Your provider has been told and will contact you.',
      };
  }
  if (open) {
    switch (open.cause) {
      case 'crash':
        return {
          text: 'Restarting after a crash',
          tone: 'warn',
          detail: 'Your VPS stopped unexpectedly and is being restarted automatically.',
        };
      case 'customer':
        return {
          text: 'Shut down from inside',
          tone: 'neutral',
          detail: 'The VPS was shut down from inside (by its operating system or a user). Start it again from the billing panel.',
        };
      case 'planned':
        return { text: 'Stopped through the billing panel', tone: 'neutral', detail: null };
      case 'admin_stop':
        return open.maintenanceWindow
          ? {
              text: 'Stopped for announced maintenance',
              tone: 'neutral',
              detail: `${open.maintenanceWindow.title}. ${open.maintenanceWindow.message}`.trim(),
            }
          : {
              text: 'Stopped by your provider',
              tone: 'warn',
              detail: 'An administrator of your provider stopped your VPS outside any announced maintenance.',
            };
      case 'maintenance':
        return { text: 'Running — moving to another host', tone: 'ok', detail: null };
      case 'unknown':
        return { text: 'Status unknown', tone: 'warn', detail: 'The monitoring has lost track of this VPS for the moment.' };
    }
  }
  switch (report.vmStatus) {
    case 'up':
      return { text: 'Running', tone: 'ok', detail: null };
    case 'migrating':
      return { text: 'Running — moving to another host', tone: 'ok', detail: null };
    case 'powering_up':
    case 'reboot_in_progress':
    case 'wait_for_launch':
      return { text: 'Starting', tone: 'warn', detail: null };
    case 'powering_down':
      return { text: 'Shutting down', tone: 'warn', detail: null };
    case 'paused':
    case 'suspended':
      return { text: 'Paused', tone: 'warn', detail: null };
    case 'down':
      return { text: 'Down', tone: 'bad', detail: null };
    case 'not_responding':
      return { text: 'Not responding', tone: 'bad', detail: null };
    case null:
      return report.activeSince === null
        ? { text: 'Being set up', tone: 'neutral', detail: null }
        : { text: 'Status unknown', tone: 'neutral', detail: null };
    default:
      return { text: 'Status unknown', tone: 'neutral', detail: null };
  }
}
