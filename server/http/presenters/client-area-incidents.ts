/** The incident timeline of a client-area page: one view model an incident, with its cause, SLA weight and steps. */
import { formatDuration } from '../../domain/incident-text';
import type { AvailabilityCause, Incident, ServiceUptimeReport, TimeClass } from '../../domain/uptime-report';
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
      return incident.endedAt === null ? 'Host failure — restarting automatically on another host' : 'Host failure — restarted automatically on another host';
    case 'host_failure':
      return incident.endedAt === null ? 'Host failure — waiting to restart on another host' : 'Host failure — down with its host';
    case 'crash':
      return 'VPS crashed — restarted automatically';
    case 'planned':
      return 'Planned: stopped by your provider / billing';
    case 'customer':
      return 'Shut down from inside the VPS';
    case 'maintenance':
      return 'Host maintenance — moved live, no downtime';
    case 'unknown':
      return 'Unknown — the monitoring record is incomplete';
  }
}

const CAUSE_TONE: Readonly<Record<AvailabilityCause, Tone>> = {
  ha_restart: 'warn',
  host_failure: 'bad',
  crash: 'warn',
  planned: 'neutral',
  customer: 'neutral',
  maintenance: 'ok',
  unknown: 'neutral',
};

function countsTone(timeClass: TimeClass, unknownCountsAsDown: boolean): Tone {
  if (timeClass === 'down' || (timeClass === 'unknown' && unknownCountsAsDown)) return 'warn';
  return 'neutral';
}

function countsText(timeClass: TimeClass, unknownCountsAsDown: boolean): string {
  switch (timeClass) {
    case 'down':
      return 'Counted as downtime';
    case 'excluded':
      return 'Not counted against the SLA';
    case 'unknown':
      return unknownCountsAsDown ? 'Counted as downtime (in your favour)' : 'Left out of the SLA calculation';
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
    countsText: countsText(incident.timeClass, report.plan.unknownCountsAsDown),
    countsTone: countsTone(incident.timeClass, report.plan.unknownCountsAsDown),
    ongoing: incident.endedAt === null,
    startText: formatDateTime(incident.startedAt, tz),
    startIso: incident.startedAt.toISOString(),
    endText: incident.endedAt ? stepTime(incident.endedAt) : 'ongoing',
    endIso: incident.endedAt ? incident.endedAt.toISOString() : null,
    durationText: formatDuration(incident.durationSeconds) + (incident.endedAt === null ? ' so far' : ''),
    summary: incident.summary,
    steps: incident.steps.map((s) => ({ timeText: stepTime(s.at), iso: s.at.toISOString(), text: s.text })),
  };
}
