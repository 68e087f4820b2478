/** Uptime as the billing panel reads it (JSON, snake_case). Percentages are floored to 3 decimals, as the client area shows them. */
import { toldPercent } from '../../domain/availability';
import { stepText } from './incident-text';
import type { SecondsBreakdown, ServiceUptimeReport, UptimeMonth } from '../../domain/uptime-report';
import type { MonthlyUptime } from '../../use-cases/uptime-reports';

/** As the client area tells it: floored to 3 decimals, never rounded up. */
const pct = (p: number | null) => toldPercent(p);

function seconds(b: SecondsBreakdown) {
  return {
    uptime_percent: pct(b.uptimePercent),
    measured_seconds: b.measuredSeconds,
    down_seconds: b.downSeconds,
    unknown_seconds: b.unknownSeconds,
    excluded_seconds: b.excludedSeconds,
  };
}

function month(m: UptimeMonth) {
  return {
    month: m.month,
    from: m.from.toISOString(),
    to: m.to.toISOString(),
    ...seconds(m),
    sla: { target_percent: m.sla.targetPercent, met: m.sla.met, credit_percent: m.sla.creditPercent, complete: m.sla.complete },
  };
}

export function presentUptime(r: ServiceUptimeReport) {
  return {
    service_id: r.billingServiceId,
    client_id: r.clientId,
    state: r.state,
    vm_status: r.vmStatus,
    active_since: r.activeSince?.toISOString() ?? null,
    generated_at: r.generatedAt.toISOString(),
    events_read_at: r.eventsReadAt?.toISOString() ?? null,
    plan: {
      product_id: r.plan.productId,
      name: r.plan.name,
      sla_target_percent: r.plan.slaTargetPercent,
      time_zone: r.plan.timeZone,
      unknown_counts_as_down: r.plan.unknownCountsAsDown,
      contact_loss_counts_as_down: r.plan.contactLossCountsAsDown,
      unannounced_admin_stops_excluded: r.plan.unannouncedAdminStopsExcluded,
    },
    windows: Object.fromEntries(r.windows.map((w) => [w.window, { from: w.from.toISOString(), to: w.to.toISOString(), ...seconds(w) }])),
    sla: month(r.currentMonth),
    months: r.months.map(month),
    incidents: r.incidents.map((i) => ({
      id: i.id,
      cause: i.cause,
      counts_as: i.timeClass,
      started_at: i.startedAt.toISOString(),
      ended_at: i.endedAt?.toISOString() ?? null,
      duration_seconds: i.durationSeconds,
      failed_host: i.failedHost,
      restart_host: i.restartHost,
      summary: i.summary,
      counted_seconds: i.countedSeconds,
      maintenance_window: i.maintenanceWindow ? { title: i.maintenanceWindow.title } : null,
      // `kind` and `hosts` for a panel that words steps itself; `text` is ours. Older steps, stored as text only, have no kind.
      steps: i.steps.map((s) =>
        'text' in s
          ? { at: s.at.toISOString(), kind: null, hosts: [], text: s.text }
          : { at: s.at.toISOString(), kind: s.kind, hosts: s.hosts, text: stepText(s) },
      ),
    })),
  };
}

export function presentMonthlyUptime(items: MonthlyUptime[], nextCursor: number | null) {
  return {
    services: items.map(({ service, plan, month: m }) => ({
      service_id: service.billingServiceId,
      client_id: service.clientId,
      product_id: plan.productId,
      ...month(m),
    })),
    next_cursor: nextCursor === null ? null : String(nextCursor),
  };
}
