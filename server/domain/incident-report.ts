/**
 * Stored incidents as the uptime report carries them: how long each kept the VPS from being up, and its steps as
 * facts with their hosts left out for customers who do not see host names (CLIENT_HOST_NAMES=hide). Presenters word
 * them (http/presenters/incident-text.ts).
 */
import { isLegacyStep, type StoredStep } from './incident-steps';
import type { IncidentDraft } from './timeline-state';
import type { IncidentStep } from './uptime-report';

/** Seconds the incident kept the VPS from being up, to `now` while it lasts; 0 for a live migration. */
export function incidentSeconds(i: Pick<IncidentDraft, 'cause' | 'startedAt' | 'endedAt'>, now: number): number {
  if (i.cause === 'maintenance') return 0;
  return Math.max(0, Math.round(((i.endedAt ?? now) - i.startedAt) / 1000));
}

/**
 * A stored step as the report carries it: its facts, hosts emptied when they are not shown. A step still stored as a
 * sentence (migration 20261206120000 left those no fact reads the same; none names a host) stays that sentence.
 */
export function reportStep(step: StoredStep, hostNames: boolean): IncidentStep {
  if (isLegacyStep(step)) return { at: new Date(step.at), text: step.text };
  return {
    at: new Date(step.at),
    kind: step.kind,
    hosts: hostNames ? [...step.hosts] : [],
    count: step.count ?? 1,
    ...(step.action === undefined ? {} : { action: step.action }),
  };
}
