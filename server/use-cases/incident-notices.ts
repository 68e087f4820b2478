/**
 * Incident notices: the panel hears of each outage that counts against the SLA when it opens
 * (`service.incident_opened`) and when it ends (`service.incident_resolved`), at most once each, so it can e-mail the
 * customer before they open a ticket; and the provider hears once per host failure (`cluster.host_failed`), not once
 * per VPS.
 *
 * A sweep (a periodic job, any instance) looks for incidents not yet told. Whether one counts is what the customer's
 * own report says (UptimeReports: the plan's SLA rules and the announced maintenance windows), and its sentence is
 * the report's, which respects CLIENT_HOST_NAMES. Each notice is queued in the transaction of a compare-and-set on the
 * incident (`… WHERE opened_notice_at IS NULL`), so three instances sweeping at once, or a sweep on the old leader and
 * one on the new, send it once.
 *
 * | incident                                   | opened notice | resolved notice                              |
 * |--------------------------------------------|---------------|----------------------------------------------|
 * | open, counts                               | yes           | when it ends (even if it no longer counts)   |
 * | open, does not count (yet)                 | not yet       | —                                            |
 * | ended before any sweep saw it, counts      | no            | yes: one e-mail telling the whole story      |
 * | ended, never counted                       | no            | no (marked, so it is not looked at again)    |
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { constraintKind } from '../db/errors';
import type { AvailabilityCause, Incident, ServiceUptimeReport } from '../domain/uptime-report';
import type { Service } from '../domain/service';
import type { Logger } from '../logger';
import type { HostFailure, IncidentNoticesRepository, PendingNotice } from '../repositories/incident-notices';
import type { ServicesRepository } from '../repositories/services';
import type { CallbackService } from './callbacks';

/**
 * Causes that can count against the SLA, so can get an opened notice. The others (the panel's suspension or stop,
 * the customer's own shutdown, a live migration, a gap in the record) never do. `host_contact_lost` and `admin_stop`
 * count or not by the plan and the windows, which the report decides.
 */
export const NOTICE_CAUSES: readonly string[] = [
  'ha_restart',
  'host_failure',
  'waiting_for_room',
  'crash',
  'host_contact_lost',
  'admin_stop',
  'vm_missing',
];

/** Causes of a VPS that went down with its host: what a host failure notice counts. */
export const HOST_FAILURE_CAUSES: readonly string[] = ['ha_restart', 'host_failure', 'waiting_for_room'];

export interface NoticeOptions {
  /** Incidents older than this are not looked at (a notice days late helps nobody). Default 2 days. */
  horizonMs?: number;
  /**
   * A host failure is told once every VPS it took down runs again, or this long after it began, whichever is first,
   * so the counts say how the failover went. Default 10 minutes.
   */
  hostSettleMs?: number;
  /** Incidents looked at per sweep. */
  batch?: number;
}

export interface SweepResult {
  opened: number;
  resolved: number;
  hostFailures: number;
}

export class IncidentNotices {
  private readonly horizonMs: number;
  private readonly hostSettleMs: number;
  private readonly batch: number;

  constructor(
    private readonly d: {
      knex: Knex;
      notices: IncidentNoticesRepository;
      services: Pick<ServicesRepository, 'findById'>;
      /** The customer's report: how each incident counts and its sentence, with host names only when customers see them. */
      report: (service: Service) => Promise<ServiceUptimeReport>;
      callbacks: Pick<CallbackService, 'enqueueNotices'>;
      clock: Clock;
      logger: Logger;
      options?: NoticeOptions;
    },
  ) {
    this.horizonMs = d.options?.horizonMs ?? 2 * 86_400_000;
    this.hostSettleMs = d.options?.hostSettleMs ?? 10 * 60_000;
    this.batch = d.options?.batch ?? 500;
  }

  /** One sweep: opened notices, then resolved ones, then host failures. */
  async sweep(): Promise<SweepResult> {
    const now = this.d.clock.now();
    const since = new Date(now.getTime() - this.horizonMs);
    const result: SweepResult = { opened: 0, resolved: 0, hostFailures: 0 };
    for (const pending of await this.d.notices.listOpenUntold(NOTICE_CAUSES, since, this.batch)) {
      const seen = await this.incidentAsTold(pending);
      if (!seen || seen.incident.timeClass !== 'down') continue;
      const sent = await this.d.knex.transaction(async (trx) => {
        if (!(await this.d.notices.markOpened(pending.id, now, trx))) return false;
        await this.d.callbacks.enqueueNotices(trx, [
          { type: 'service.incident_opened', serviceRowId: pending.serviceRowId, data: noticeData(seen.service, seen.incident) },
        ]);
        return true;
      });
      if (sent) result.opened += 1;
    }
    for (const pending of await this.d.notices.listEndedUntold(since, this.batch)) {
      const seen = NOTICE_CAUSES.includes(pending.cause) || pending.openedNoticed ? await this.incidentAsTold(pending) : undefined;
      // Told it opened: told it ended, whatever it turned out to be. Else only if it counts.
      const due = seen !== undefined && (pending.openedNoticed || seen.incident.timeClass === 'down');
      const sent = await this.d.knex.transaction(async (trx) => {
        if (!(await this.d.notices.markResolved(pending.id, now, trx))) return false;
        if (!due) return false;
        await this.d.callbacks.enqueueNotices(trx, [
          { type: 'service.incident_resolved', serviceRowId: pending.serviceRowId, data: noticeData(seen.service, seen.incident) },
        ]);
        return true;
      });
      if (sent) result.resolved += 1;
    }
    for (const failure of await this.d.notices.listUntoldHostFailures(HOST_FAILURE_CAUSES, since)) {
      const settled = failure.restarted === failure.affected || now.getTime() - failure.startedAt.getTime() >= this.hostSettleMs;
      if (!settled) continue;
      if (await this.tellHostFailure(failure, now)) result.hostFailures += 1;
    }
    if (result.opened + result.resolved + result.hostFailures > 0) this.d.logger.info(result, 'incident notices queued');
    return result;
  }

  /** The incident as its customer's report tells it, or undefined (service gone, incident outside the report). */
  private async incidentAsTold(pending: PendingNotice): Promise<{ service: Service; incident: Incident } | undefined> {
    const service = await this.d.services.findById(pending.serviceRowId);
    if (!service) return undefined;
    const report = await this.d.report(service);
    const incident = report.incidents.find((i) => i.id === pending.id);
    return incident ? { service, incident } : undefined;
  }

  /** Records and queues one host failure notice; false when another instance told it first. */
  private async tellHostFailure(f: HostFailure, now: Date): Promise<boolean> {
    try {
      await this.d.knex.transaction(async (trx) => {
        await this.d.notices.recordHostFailure(f, now, trx);
        await this.d.callbacks.enqueueNotices(trx, [
          {
            type: 'cluster.host_failed',
            serviceRowId: null,
            // For the provider's staff: host names always (admins see them), no service, no customer.
            data: {
              host: f.host,
              clusters: f.clusters,
              failed_at: f.startedAt.toISOString(),
              services_affected: f.affected,
              services_restarted: f.restarted,
              services_still_down: f.affected - f.restarted,
            },
          },
        ]);
      });
      return true;
    } catch (err) {
      // Another instance recorded this host failure first (unique host + start): it sends the notice.
      if (constraintKind(err) === 'unique') return false;
      throw err;
    }
  }
}

/** What the panel hears about one incident: the customer's words and figures, nothing the customer would not see. */
export function noticeData(service: Service, i: Incident): Record<string, unknown> {
  return {
    service_id: service.billingServiceId,
    client_id: service.clientId,
    hostname: service.hostname,
    incident: {
      id: i.id,
      cause: i.cause satisfies AvailabilityCause,
      started_at: i.startedAt.toISOString(),
      ended_at: i.endedAt?.toISOString() ?? null,
      /** Seconds not up: so far while open, in total once ended. */
      downtime_seconds: i.durationSeconds,
      counts_against_sla: i.timeClass === 'down',
      /** The report's sentence; names hosts only under CLIENT_HOST_NAMES=show. */
      summary: i.summary,
      // The report leaves these null under CLIENT_HOST_NAMES=hide.
      failed_host: i.failedHost,
      restart_host: i.restartHost,
    },
  };
}
