/**
 * Uptime reports: a service's incidents turned into the figures customers and the panel see (windows, months with
 * SLA and credit, 90 daily bars, the incident timeline). Reads only; the event sync writes the incidents.
 */
import type { Clock } from '../clock';
import type { Span } from '../domain/availability';
import { incidentSeconds, reportStep } from '../domain/incident-report';
import type { MaintenanceWindow } from '../domain/maintenance-window';
import type { Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import type { IncidentDraft } from '../domain/timeline';
import { countIncident, type IncidentFacts, needsWindows } from '../domain/sla-rules';
import { uptimeDays, uptimeMonth, uptimeMonths, uptimeWindows, type FigureInput } from '../domain/uptime-figures';
import type { Incident, ServiceUptimeReport, UptimeMonth } from '../domain/uptime-report';
import { addZonedMonths, parseZonedMonth, startOfZonedMonth } from '../domain/zoned-time';
import { NotFoundError, ValidationError } from '../errors';
import type { EventSyncStateRepository } from '../repositories/event-sync-state';
import type { IncidentSpan, IncidentsRepository } from '../repositories/incidents';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { ServiceTimelinesRepository } from '../repositories/service-timelines';

export interface MonthlyUptime {
  service: Service;
  plan: Plan;
  month: UptimeMonth;
}

/** What the SLA measures of a service's incidents under its plan's rules and the announced windows (domain/sla-rules.ts). */
function spansOf(incidents: readonly IncidentFacts[], now: number, plan: Plan, windows: readonly MaintenanceWindow[]): Span[] {
  return incidents.flatMap((i) => countIncident(i, now, plan.sla, windows, plan.cluster).spans);
}

/** The window a service is measured in: from when it first ran, to its termination. */
function activeWindow(service: Service, firstUpAt: number | null) {
  const from = service.activatedAt?.getTime() ?? firstUpAt;
  const to = service.actualState === 'terminated' ? service.updatedAt.getTime() : null;
  return { from, to };
}

export class UptimeReports {
  constructor(
    private readonly d: {
      services: ServicesRepository;
      plans: PlansRepository;
      incidents: IncidentsRepository;
      timelines: ServiceTimelinesRepository;
      position: EventSyncStateRepository;
      clock: Clock;
      /** Whether customers (the client area, the panel's uptime API) see the engine's host names (CLIENT_HOST_NAMES). */
      customerHostNames: boolean;
      /** Announced maintenance windows: an admin's stop inside one is planned. */
      maintenanceWindows: { listOverlapping(from: Date, to: Date): Promise<MaintenanceWindow[]> };
      /**
       * An incident's one sentence, in the plan's zone: the presenters' words (`incidentSummary` of
       * http/presenters/incident-text.ts), handed in by the wiring so this use case imports nothing of http/. The
       * report carries the sentence because the panel's JSON has it and the incident notices send it.
       */
      incidentSummary: (incident: IncidentDraft, timeZone: string, now: number, hostNames: boolean) => string;
    },
  ) {}

  /** The report a customer sees, for a billing service id; NotFoundError when there is none. */
  async forBillingServiceId(billingServiceId: string): Promise<ServiceUptimeReport> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service) throw new NotFoundError('service', billingServiceId);
    return this.forService(service, undefined, this.d.customerHostNames);
  }

  /**
   * The report of one of a customer's own services. Another client's service is a NotFoundError, decided from the
   * service row alone before any report is built, so it takes the same time as a service that does not exist.
   */
  async forClientService(clientId: string, billingServiceId: string): Promise<ServiceUptimeReport> {
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service || service.clientId !== clientId) throw new NotFoundError('service', billingServiceId);
    return this.forService(service, undefined, this.d.customerHostNames);
  }

  /** The reports a customer sees for each of their services, newest service first. */
  async forClient(clientId: string): Promise<ServiceUptimeReport[]> {
    const services = await this.d.services.listByClient(clientId);
    const position = await this.d.position.get();
    return Promise.all(services.map((s) => this.forService(s, position?.lastPollAt ?? null, this.d.customerHostNames)));
  }

  /** The report with host names (admins), or without them (`hostNames` false: customers under CLIENT_HOST_NAMES=hide). */
  async forService(service: Service, eventsReadAt?: Date | null, hostNames = true): Promise<ServiceUptimeReport> {
    const now = this.d.clock.now().getTime();
    const [plan, incidents, timelines, readAt] = await Promise.all([
      this.d.plans.findById(service.planId),
      this.d.incidents.listForService(service.id),
      this.d.timelines.load([service.id]),
      eventsReadAt === undefined ? this.d.position.get().then((p) => p?.lastPollAt ?? null) : Promise.resolve(eventsReadAt),
    ]);
    if (!plan) throw new NotFoundError('plan', service.planId);
    const windows = needsWindows(incidents) ? await this.windowsFor(incidents, now) : [];
    const timeline = timelines.get(service.id);
    const tz = plan.sla.timeZone;
    const input: FigureInput = {
      spans: spansOf(incidents, now, plan, windows),
      active: activeWindow(service, timeline?.firstUpAt ?? null),
      now,
      timeZone: tz,
      unknownCountsAsDown: plan.sla.unknownCountsAsDown,
      sla: plan.sla,
    };
    const reportIncidents: Incident[] = incidents
      .filter((i) => input.active.from === null || (i.endedAt ?? now) >= input.active.from || i.cause === 'maintenance')
      .map((i) => {
        const counted = countIncident(i, now, plan.sla, windows, plan.cluster);
        return {
          id: i.id,
          cause: i.cause,
          timeClass: counted.timeClass,
          startedAt: new Date(i.startedAt),
          endedAt: i.endedAt === null ? null : new Date(i.endedAt),
          durationSeconds: incidentSeconds(i, now),
          countedSeconds: counted.countedSeconds,
          failedHost: hostNames ? i.failedHost : null,
          restartHost: hostNames ? i.restartHost : null,
          summary: this.d.incidentSummary(i, tz, now, hostNames),
          steps: i.steps.map((s) => reportStep(s, hostNames)),
          maintenanceWindow: counted.window ? { title: counted.window.title, message: counted.window.message } : null,
        };
      });
    const status = timeline?.status;
    return {
      billingServiceId: service.billingServiceId,
      clientId: service.clientId,
      hostname: service.hostname,
      state: service.actualState,
      vmStatus: status === undefined || status === 'never' ? null : status,
      vm: service.vmName ? { name: service.vmName, host: hostNames ? (timeline?.host ?? service.vmHost) : null } : null,
      plan: {
        productId: plan.productId,
        name: plan.name,
        slaTargetPercent: plan.sla.targetPercent,
        timeZone: tz,
        unknownCountsAsDown: plan.sla.unknownCountsAsDown,
        contactLossCountsAsDown: plan.sla.contactLossCountsAsDown,
        unannouncedAdminStopsExcluded: plan.sla.unannouncedAdminStopsExcluded,
      },
      activeSince: input.active.from === null ? null : new Date(input.active.from),
      generatedAt: new Date(now),
      windows: uptimeWindows(input),
      months: uptimeMonths(input),
      currentMonth: uptimeMonth(input, now),
      days: uptimeDays(
        input,
        90,
        incidents.map((i) => ({ start: i.startedAt, end: i.endedAt ?? now })),
      ),
      incidents: reportIncidents,
      eventsReadAt: readAt,
    };
  }

  /** The windows that overlap any of the incidents (one query for all of them). */
  private async windowsFor(incidents: readonly IncidentFacts[], now: number): Promise<MaintenanceWindow[]> {
    const from = Math.min(...incidents.map((i) => i.startedAt));
    const to = Math.max(...incidents.map((i) => i.endedAt ?? now));
    return this.d.maintenanceWindows.listOverlapping(new Date(from), new Date(to + 1));
  }

  /**
   * One calendar month (`YYYY-MM` in each plan's zone; default the current one) for a page of services that ever ran,
   * in id order after `afterId`: what a panel's monthly SLA-credit run reads. Three queries per page.
   */
  async month(options: {
    month?: string;
    afterId?: number;
    limit?: number;
  }): Promise<{ items: MonthlyUptime[]; nextAfterId: number | null }> {
    const now = this.d.clock.now().getTime();
    const limit = options.limit ?? 1000;
    if (options.month !== undefined && parseZonedMonth(options.month, 'UTC') === undefined) {
      throw new ValidationError([{ field: 'month', message: 'must be a month as YYYY-MM' }]);
    }
    const services = await this.d.services.listActivated(options.afterId ?? 0, limit);
    if (services.length === 0) return { items: [], nextAfterId: null };
    const plans = new Map((await this.d.plans.findMany([], [...new Set(services.map((s) => s.planId))])).map((p) => [p.id, p]));
    // The month's instant in each plan's zone, worked out once per zone rather than once per service.
    const atByZone = new Map<string, number>();
    const monthAt = (tz: string) => {
      let at = atByZone.get(tz);
      if (at === undefined) {
        at = options.month ? (parseZonedMonth(options.month, tz) as number) : now;
        atByZone.set(tz, at);
      }
      return at;
    };
    // Zones differ by plan: read what any zone's version of the month could touch (a day either side of UTC's).
    const utcStart = startOfZonedMonth(monthAt('UTC'), 'UTC');
    const from = new Date(utcStart - 86_400_000);
    const to = new Date(addZonedMonths(utcStart, 1, 'UTC') + 86_400_000);
    const first = services[0] as Service;
    const lastService = services[services.length - 1] as Service;
    const incidents = await this.d.incidents.listSpansInRange(first.id, lastService.id, from, to);
    const windows = needsWindows(incidents) ? await this.d.maintenanceWindows.listOverlapping(from, to) : [];
    const byService = new Map<number, IncidentSpan[]>();
    for (const i of incidents) {
      const list = byService.get(i.serviceRowId) ?? [];
      list.push(i);
      byService.set(i.serviceRowId, list);
    }
    const items: MonthlyUptime[] = [];
    for (const service of services) {
      const plan = plans.get(service.planId);
      if (!plan) continue;
      const at = monthAt(plan.sla.timeZone);
      const input: FigureInput = {
        spans: spansOf(byService.get(service.id) ?? [], now, plan, windows),
        active: activeWindow(service, null),
        now,
        timeZone: plan.sla.timeZone,
        unknownCountsAsDown: plan.sla.unknownCountsAsDown,
        sla: plan.sla,
      };
      items.push({ service, plan, month: uptimeMonth(input, at) });
    }
    return { items, nextAfterId: services.length === limit ? lastService.id : null };
  }
}
