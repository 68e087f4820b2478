/** The incident timeline of a client-area page: one view model an incident, with its cause, SLA weight and steps. */
import { stepText } from '../presenters/incident-text';
import { formatDuration } from '../presenters/time-words';
import type { AvailabilityCause, Incident, IncidentClass, ServiceUptimeReport } from '../../domain/uptime-report';
import { formatDateTime, wallClock, type Tone } from './client-area-format';

export interface IncidentStepView {
  timeText: string;
  iso: string;
  text: string;
}

export interface IncidentView {
  id: number;
  cause: AvailabilityCause;
  causeLabel: string;
  tone: Tone;
  /** How it counts for the SLA: `Counted as downtime`, `Not counted against the SLA`, … */
  countsText: string;
  countsTone: Tone;
  ongoing: boolean;
  startText: string;
  startIso: string;
  /** `ongoing` while it lasts. */
  endText: string;
  endIso: string | null;
  durationText: string;
  summary: string;
  steps: IncidentStepView[];
}

/** The cause in the customer's words. */
export function causeLabel(incident: Pick<Incident, 'cause' | 'endedAt'>): string {
  switch (incident.cause) {
    case 'ha_restart':
      return incident.endedAt === null
        ? 'Host failure — restarting automatically on another host'
        : 'Host failure — restarted automatically on another host';
    case 'host_failure':
      return incident.endedAt === null ? 'Host failure — waiting to restart on another host' : 'Host failure — down with its host';
    case 'waiting_for_room':
      // Not "no action needed", not "restarted automatically": nothing restarts until the provider makes room.
      return incident.endedAt === null ? 'Down — no host has room to restart it yet' : 'Down — waited for room on another host';
    case 'crash':
      return 'VPS crashed — restarted automatically';
    case 'host_contact_lost':
      return 'Kept running — the monitoring lost contact with its host';
    case 'planned':
      return 'Planned: stopped or suspended through the billing panel';
    case 'admin_stop':
      return 'Stopped by your provider\u2019s administrator';
    case 'customer':
      return 'Shut down from inside the VPS';
    case 'maintenance':
      return 'Host maintenance — moved live, no downtime';
    case 'unknown':
      return 'Unknown — the monitoring record is incomplete';
    case 'vm_missing':
      return 'VPS missing from the platform — your provider has been told';
  }
}

const CAUSE_TONE: Readonly<Record<AvailabilityCause, Tone>> = {
  ha_restart: 'warn',
  host_failure: 'bad',
  waiting_for_room: 'bad',
  crash: 'warn',
  host_contact_lost: 'ok',
  planned: 'neutral',
  admin_stop: 'warn',
  customer: 'neutral',
  maintenance: 'ok',
  unknown: 'neutral',
  vm_missing: 'bad',
};

function countsTone(timeClass: IncidentClass, unknownCountsAsDown: boolean): Tone {
  if (timeClass === 'down' || (timeClass === 'unknown' && unknownCountsAsDown)) return 'warn';
  return timeClass === 'up' ? 'ok' : 'neutral';
}

/** How the incident counts, in the words of the SLA explanation under "SLA this month". */
function countsText(incident: Incident, unknownCountsAsDown: boolean): string {
  switch (incident.timeClass) {
    case 'down':
      if (incident.maintenanceWindow && incident.countedSeconds > 0)
        return `Counted as downtime after the announced maintenance (${formatDuration(incident.countedSeconds)})`;
      return 'Counted as downtime';
    case 'excluded':
      return incident.maintenanceWindow ? 'Announced maintenance — not counted against the SLA' : 'Not counted against the SLA';
    case 'unknown':
      return unknownCountsAsDown ? 'Counted as downtime (in your favour)' : 'Left out of the SLA calculation';
    case 'up':
      return 'Not downtime — your VPS kept running';
  }
}

export function presentIncident(incident: Incident, report: ServiceUptimeReport): IncidentView {
  const tz = report.plan.timeZone;
  const start = wallClock(incident.startedAt, tz);
  // Steps on the start's day show the time alone; a step after midnight says which day.
  const stepTime = (at: Date) => {
    const w = wallClock(at, tz);
    return w.year === start.year && w.month === start.month && w.day === start.day ? w.time : formatDateTime(at, tz);
  };
  return {
    id: incident.id,
    cause: incident.cause,
    causeLabel: causeLabel(incident),
    tone: CAUSE_TONE[incident.cause],
    countsText: countsText(incident, report.plan.unknownCountsAsDown),
    countsTone: countsTone(incident.timeClass, report.plan.unknownCountsAsDown),
    ongoing: incident.endedAt === null,
    startText: formatDateTime(incident.startedAt, tz),
    startIso: incident.startedAt.toISOString(),
    endText: incident.endedAt ? stepTime(incident.endedAt) : 'ongoing',
    endIso: incident.endedAt ? incident.endedAt.toISOString() : null,
    durationText: formatDuration(incident.durationSeconds) + (incident.endedAt === null ? ' so far' : ''),
    summary: incident.summary,
    steps: incident.steps.map((s) => ({ timeText: stepTime(s.at), iso: s.at.toISOString(), text: stepText(s) })),
  };
}
