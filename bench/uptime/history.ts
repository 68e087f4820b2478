/**
 * The history behind bench:uptime's report figures: services, plans and incidents written straight into the tables,
 * seeded.
 */
import { performance } from 'node:perf_hooks';
import type { AvailabilityCause } from '../../server/domain/uptime-report';
import { createPlan, type RunningBridge } from '../bridge';
import { round } from '../stats';
import { HOST_NAMES, HOSTS } from './event-stream';
import { insertChunks, planId, serviceRow } from './ingestion';
import { DAY, prng, type Settings } from './setup';

export const PLANS = [
  { product_id: 'ha-utc', zone: 'UTC' },
  { product_id: 'ha-ams', zone: 'Europe/Amsterdam' },
  { product_id: 'ha-nyc', zone: 'America/New_York' },
] as const;

export interface HistoryFigures {
  services: number;
  incidents: number;
  pageServiceIncidents: number;
  insertMs: number;
}

export function incidentRow(
  serviceRowId: number,
  key: string,
  cause: AvailabilityCause,
  startedAt: number,
  durationMs: number | null,
  rand: () => number,
  now: number,
) {
  const failed = `host${String(1 + Math.floor(rand() * HOSTS)).padStart(2, '0')}`;
  const restart = `host${String(1 + Math.floor(rand() * HOSTS)).padStart(2, '0')}`;
  const endedAt = durationMs === null ? null : startedAt + durationMs;
  const steps: Array<{ at: number; text: string }> = [];
  switch (cause) {
    case 'ha_restart':
      steps.push({ at: startedAt, text: `Host ${failed} stopped responding to the engine` });
      steps.push({ at: startedAt + 60_000, text: 'The engine lost contact with your VPS' });
      steps.push({
        at: startedAt + 90_000,
        text: `Host ${failed} was powered off by its power management (fenced); your VPS was marked down`,
      });
      steps.push({ at: startedAt + 95_000, text: 'The engine queued your VPS for an automatic restart' });
      break;
    case 'crash':
      steps.push({ at: startedAt, text: `Your VPS stopped unexpectedly on host ${failed}` });
      steps.push({ at: startedAt + 10, text: 'The engine queued your VPS for an automatic restart' });
      break;
    case 'planned':
      steps.push({ at: startedAt, text: 'Shut down by your provider' });
      break;
    case 'customer':
      steps.push({ at: startedAt, text: 'Shut down from inside the VPS' });
      break;
    case 'maintenance':
      steps.push({ at: startedAt, text: `Moved live from host ${failed} to host ${restart} for host maintenance; no downtime` });
      break;
    default:
      steps.push({ at: startedAt, text: 'The engine no longer holds its record of this time; it is shown as unknown' });
  }
  if (endedAt !== null && cause !== 'maintenance') steps.push({ at: endedAt, text: `Your VPS is running again on host ${restart}` });
  const hosts = cause === 'ha_restart' || cause === 'maintenance';
  return {
    service_row_id: serviceRowId,
    opened_by: key,
    cause,
    started_at: new Date(startedAt),
    ended_at: endedAt === null ? null : new Date(endedAt),
    failed_host: hosts || cause === 'crash' ? failed : null,
    restart_host: hosts && endedAt !== null ? restart : null,
    steps: JSON.stringify(steps),
    created_at: new Date(Math.min(now, startedAt + 1000)),
    updated_at: new Date(Math.min(now, (endedAt ?? startedAt) + 1000)),
  };
}

/** Typical lengths per cause (ms): failovers a few minutes, planned work longer, maintenance zero. */
export function durationOf(cause: AvailabilityCause, rand: () => number): number {
  const min = 60_000;
  switch (cause) {
    case 'ha_restart':
      return Math.round((2 + rand() * 4) * min);
    case 'crash':
      return Math.round((0.5 + rand() * 2.5) * min);
    case 'planned':
      return Math.round((5 + rand() * 25) * min);
    case 'customer':
      return Math.round((10 + rand() * 110) * min);
    case 'maintenance':
      return 0;
    default:
      return Math.round((1 + rand() * 9) * min);
  }
}

/**
 * 10,000 activated services (ids 1…10,000) on three plans in three time zones. Service 1 was activated a year ago
 * and has 50 incidents spread over that year, all six causes; every other service has one to four incidents this
 * month (an ongoing one now and then) and one last month. Written straight into `services` and `incidents`.
 */
export async function writeHistory(bridge: RunningBridge, s: Settings): Promise<HistoryFigures> {
  const t0 = performance.now();
  const now = Date.now();
  const rand = prng(s.seed + 1);
  const knex = bridge.container.knex;
  for (const p of PLANS) {
    await createPlan(bridge, {
      product_id: p.product_id,
      name: `VPS HA (${p.zone})`,
      template: 'debian-12',
      cluster: 'Default',
      vcpus: 1,
      memory_mib: 1024,
      ha: { enabled: true, priority: 50 },
      sla: {
        target_percent: 99.9,
        credit_tiers: [
          { below_percent: 99.9, credit_percent: 10 },
          { below_percent: 99, credit_percent: 25 },
        ],
        time_zone: p.zone,
      },
    });
  }
  const planIds = await Promise.all(PLANS.map((p) => planId(bridge, p.product_id)));
  const services: Array<Record<string, unknown>> = [];
  for (let id = 1; id <= s.reportServices; id++) {
    // Service 1: a year of history. The others: activated between a year and a week ago.
    const activatedAt = id === 1 ? now - 365 * DAY : now - Math.round((7 + rand() * 358) * DAY);
    services.push(
      serviceRow(
        id,
        id === 1 ? 'client-1' : `c${(id % 3000) + 1}`,
        planIds[id % PLANS.length] as number,
        new Date(activatedAt),
        { id: `vm-${id}`, name: `vps-${id}`, host: HOST_NAMES[id % HOSTS] as string },
        new Date(now),
      ),
    );
  }
  await insertChunks(knex, 'services', services);

  const incidents: Array<Record<string, unknown>> = [];
  // Service 1: 50 incidents over the year, causes in turn, the first a few days after activation.
  const pageCauses: AvailabilityCause[] = ['ha_restart', 'crash', 'planned', 'customer', 'maintenance', 'unknown'];
  for (let k = 0; k < s.pageIncidents; k++) {
    const cause = pageCauses[k % pageCauses.length] as AvailabilityCause;
    const start = now - 360 * DAY + Math.round(((k + rand() * 0.8) / s.pageIncidents) * 358 * DAY);
    incidents.push(incidentRow(1, `bench:${k}`, cause, start, durationOf(cause, rand), rand, now));
  }
  // The others: this month (in every plan's zone, when the month is old enough) and one last month.
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const lo = Math.max(monthStart + 14 * 3_600_000, now - 25 * DAY);
  const from = lo < now - 3_600_000 ? lo : now - 3_600_000;
  const mix: AvailabilityCause[] = ['ha_restart', 'ha_restart', 'crash', 'crash', 'planned', 'customer', 'maintenance', 'unknown'];
  for (let id = 2; id <= s.reportServices; id++) {
    const n = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < n; k++) {
      const cause = mix[Math.floor(rand() * mix.length)] as AvailabilityCause;
      const start = from + Math.round(rand() * (now - 120_000 - from));
      // One in a hundred is still going on.
      const duration = rand() < 0.01 && cause !== 'maintenance' ? null : Math.min(durationOf(cause, rand), now - start - 1000);
      incidents.push(incidentRow(id, `bench:${k}`, cause, start, duration, rand, now));
    }
    const cause = mix[Math.floor(rand() * mix.length)] as AvailabilityCause;
    incidents.push(
      incidentRow(id, 'bench:last-month', cause, now - Math.round((32 + rand() * 6) * DAY), durationOf(cause, rand), rand, now),
    );
  }
  await insertChunks(knex, 'incidents', incidents);
  return {
    services: s.reportServices,
    incidents: incidents.length,
    pageServiceIncidents: s.pageIncidents,
    insertMs: round(performance.now() - t0, 1),
  };
}
