import type { MaintenanceWindow } from '../../../server/domain/maintenance-window';
import { countIncident, defaultClass, type SlaRules } from '../../../server/domain/sla-rules';

const T0 = Date.UTC(2026, 11, 6, 2, 0, 0);
const min = (m: number) => T0 + m * 60_000;
const DEFAULTS: SlaRules = { unknownCountsAsDown: true, contactLossCountsAsDown: false, unannouncedAdminStopsExcluded: false };
const window = (over: Partial<MaintenanceWindow> = {}): MaintenanceWindow => ({
  id: 1,
  title: 'Kernel updates',
  startsAt: new Date(min(0)),
  endsAt: new Date(min(60)),
  scope: { clusters: ['Default'] },
  message: 'Hosts reboot one by one.',
  cancelledAt: null,
  ...over,
});
const adminStop = (from: number, to: number | null, host = 'host2') => ({
  cause: 'admin_stop' as const,
  startedAt: min(from),
  endedAt: to === null ? null : min(to),
  failedHost: host,
});

describe('what counts against the SLA', () => {
  test('when the VPS kept running while its host was out of contact, then it is up time unless the plan opts in', () => {
    const lost = { cause: 'host_contact_lost' as const, startedAt: T0, endedAt: T0 + 91_000, failedHost: 'host2' };
    expect(countIncident(lost, min(10), DEFAULTS, [], 'Default')).toEqual({ timeClass: 'up', spans: [], countedSeconds: 0, window: null });
    const strict = countIncident(lost, min(10), { ...DEFAULTS, contactLossCountsAsDown: true }, [], 'Default');
    expect(strict).toMatchObject({ timeClass: 'down', countedSeconds: 91, spans: [{ start: T0, end: T0 + 91_000, cls: 'down' }] });
  });

  test('when an admin stops the VPS outside any window, then it is downtime unless the plan excludes unannounced stops', () => {
    expect(countIncident(adminStop(0, 30), min(90), DEFAULTS, [], 'Default')).toMatchObject({
      timeClass: 'down',
      countedSeconds: 1800,
      window: null,
    });
    expect(countIncident(adminStop(0, 30), min(90), { ...DEFAULTS, unannouncedAdminStopsExcluded: true }, [], 'Default')).toMatchObject({
      timeClass: 'excluded',
      countedSeconds: 0,
    });
  });

  test('when an admin stops the VPS inside an announced window for its cluster or host, then that time is planned', () => {
    expect(countIncident(adminStop(10, 30), min(90), DEFAULTS, [window()], 'Default')).toMatchObject({
      timeClass: 'excluded',
      countedSeconds: 0,
      window: { title: 'Kernel updates' },
    });
    expect(countIncident(adminStop(10, 30), min(90), DEFAULTS, [window({ scope: { hosts: ['host2'] } })], 'Other')).toMatchObject({
      timeClass: 'excluded',
      countedSeconds: 0,
    });
  });

  test('when the stop outlasts the window, then the time after it counts; another cluster, another host or a cancelled window covers nothing', () => {
    expect(countIncident(adminStop(50, 70), min(90), DEFAULTS, [window()], 'Default')).toMatchObject({
      timeClass: 'down',
      countedSeconds: 600,
      window: { id: 1 },
    });
    for (const w of [
      window({ scope: { clusters: ['Other'] } }),
      window({ scope: { hosts: ['host9'] } }),
      window({ cancelledAt: new Date(min(-60)) }),
    ]) {
      expect(countIncident(adminStop(10, 30), min(90), DEFAULTS, [w], 'Default')).toMatchObject({
        timeClass: 'down',
        countedSeconds: 1200,
        window: null,
      });
    }
    // Still stopped: counted to now.
    expect(countIncident(adminStop(30, null), min(75), DEFAULTS, [window()], 'Default').countedSeconds).toBe(15 * 60);
  });

  test('when the panel suspends, the customer shuts down inside, or the VPS waits for room, then they count as the issue says', () => {
    const of = (cause: 'planned' | 'customer' | 'waiting_for_room' | 'unknown') =>
      countIncident({ cause, startedAt: T0, endedAt: min(1), failedHost: null }, min(2), DEFAULTS, [], 'Default');
    expect(of('planned')).toMatchObject({ timeClass: 'excluded', countedSeconds: 0 });
    expect(of('customer')).toMatchObject({ timeClass: 'excluded', countedSeconds: 0 });
    expect(of('waiting_for_room')).toMatchObject({ timeClass: 'down', countedSeconds: 60 });
    expect(of('unknown')).toMatchObject({ timeClass: 'unknown', countedSeconds: 60 });
    expect(defaultClass('host_contact_lost')).toBe('up');
    expect(defaultClass('admin_stop')).toBe('down');
  });
});
