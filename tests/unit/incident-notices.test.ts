/**
 * The incident notices' decision table (use-cases/incident-notices.ts) with plain fakes: what is told, once, for each
 * kind of incident. The database's compare-and-set is the fake's `marked` set; both databases are covered by
 * tests/integration/incident-notices*.test.ts.
 */
import type { Knex } from 'knex';
import { ManualClock } from '../../server/clock';
import type { Incident, ServiceUptimeReport } from '../../server/domain/uptime-report';
import type { Service } from '../../server/domain/service';
import { createLogger } from '../../server/logger';
import type { HostFailure, IncidentNoticesRepository, PendingNotice } from '../../server/repositories/incident-notices';
import type { NoticeType } from '../../server/use-cases/callbacks';
import { IncidentNotices } from '../../server/use-cases/incident-notices';

const NOW = new Date('2026-12-06T10:00:00.000Z');

interface Row extends PendingNotice {
  timeClass: Incident['timeClass'];
  resolvedNoticed: boolean;
}

function world(rows: Row[]) {
  const sent: Array<{ type: NoticeType; data: Record<string, unknown> }> = [];
  const repo = {
    listOpenUntold: async (causes: readonly string[]) =>
      rows.filter((r) => !r.openedNoticed && r.endedAt === null && causes.includes(r.cause)),
    listEndedUntold: async () => rows.filter((r) => !r.resolvedNoticed && r.endedAt !== null),
    markOpened: async (id: number) => {
      const r = rows.find((x) => x.id === id)!;
      if (r.openedNoticed || r.endedAt !== null) return false;
      r.openedNoticed = true;
      return true;
    },
    markResolved: async (id: number) => {
      const r = rows.find((x) => x.id === id)!;
      if (r.resolvedNoticed) return false;
      r.resolvedNoticed = true;
      r.openedNoticed = true;
      return true;
    },
    listUntoldHostFailures: async (): Promise<HostFailure[]> => [],
    recordHostFailure: async () => undefined,
  } as unknown as IncidentNoticesRepository;
  const service = (id: number) => ({ id, billingServiceId: `s${id}`, clientId: 'c1', hostname: null }) as unknown as Service;
  const notices = new IncidentNotices({
    knex: { transaction: async <T>(fn: (trx: Knex.Transaction) => Promise<T>) => fn({} as Knex.Transaction) } as unknown as Knex,
    notices: repo,
    services: { findById: async (id: number) => service(id) },
    report: async (s) =>
      ({
        incidents: rows
          .filter((r) => r.serviceRowId === s.id)
          .map((r) => ({
            id: r.id,
            cause: r.cause,
            timeClass: r.timeClass,
            startedAt: r.startedAt,
            endedAt: r.endedAt,
            durationSeconds: 60,
            summary: 'sentence',
            failedHost: null,
            restartHost: null,
            steps: [],
          })),
      }) as unknown as ServiceUptimeReport,
    callbacks: { enqueueNotices: async (_trx, list) => void sent.push(...list.map((n) => ({ type: n.type, data: n.data }))) },
    clock: new ManualClock(NOW),
    logger: createLogger('silent'),
  });
  return { notices, sent };
}

const row = (id: number, over: Partial<Row>): Row => ({
  id,
  serviceRowId: id,
  cause: 'crash',
  startedAt: new Date(NOW.getTime() - 120_000),
  endedAt: null,
  openedNoticed: false,
  resolvedNoticed: false,
  timeClass: 'down',
  ...over,
});

describe('incident notices', () => {
  test('when a counted outage opens and later ends, then opened goes once and resolved goes once, however often it sweeps', async () => {
    const rows = [row(1, {})];
    const { notices, sent } = world(rows);
    await notices.sweep();
    await notices.sweep();
    rows[0]!.endedAt = NOW;
    await notices.sweep();
    await notices.sweep();
    expect(sent.map((n) => n.type)).toEqual(['service.incident_opened', 'service.incident_resolved']);
  });

  test('when an outage ended before any sweep saw it, then only resolved goes, with the whole story', async () => {
    const { notices, sent } = world([row(1, { endedAt: NOW })]);
    await notices.sweep();
    expect(sent.map((n) => n.type)).toEqual(['service.incident_resolved']);
    expect(sent[0]!.data).toMatchObject({ service_id: 's1', incident: { id: 1, summary: 'sentence', counts_against_sla: true } });
  });

  test('when a cause never counts (planned, customer, maintenance, unknown), then nothing goes and it is not looked at again', async () => {
    const rows = [
      row(1, { cause: 'planned', timeClass: 'excluded' }),
      row(2, { cause: 'customer', timeClass: 'excluded', endedAt: NOW }),
      row(3, { cause: 'unknown', timeClass: 'unknown', endedAt: NOW }),
    ];
    const { notices, sent } = world(rows);
    await notices.sweep();
    expect(sent).toEqual([]);
    expect(rows.filter((r) => r.endedAt !== null).every((r) => r.resolvedNoticed)).toBe(true);
  });

  test('when an admin stop is inside a window (excluded by the report), then nothing goes; outside one, it is told', async () => {
    const { notices, sent } = world([
      row(1, { cause: 'admin_stop', timeClass: 'excluded' }),
      row(2, { cause: 'admin_stop', timeClass: 'down' }),
    ]);
    await notices.sweep();
    expect(sent.map((n) => [n.type, (n.data.incident as { id: number }).id])).toEqual([['service.incident_opened', 2]]);
  });

  test('when an outage told as opened turns out not to count, then its end is still told', async () => {
    const rows = [row(1, { cause: 'host_failure' })];
    const { notices, sent } = world(rows);
    await notices.sweep();
    Object.assign(rows[0]!, { cause: 'host_contact_lost', timeClass: 'up', endedAt: NOW });
    await notices.sweep();
    expect(sent.map((n) => n.type)).toEqual(['service.incident_opened', 'service.incident_resolved']);
    expect(sent[1]!.data.incident).toMatchObject({ cause: 'host_contact_lost', counts_against_sla: false });
  });
});
