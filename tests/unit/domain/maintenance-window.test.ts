import { type MaintenanceWindow, anyWindowCovers, windowCovers } from '../../../server/domain/maintenance-window';

const base: MaintenanceWindow = {
  id: 1,
  title: 'Kernel updates',
  startsAt: new Date('2026-12-10T02:00:00.000Z'),
  endsAt: new Date('2026-12-10T04:00:00.000Z'),
  scope: { clusters: ['Default'] },
  message: 'Hosts reboot one by one.',
  cancelledAt: null,
};
const inside = new Date('2026-12-10T03:00:00.000Z');

describe('windowCovers', () => {
  test('when the place is in a cluster of the scope and the instant is inside, then it covers', () => {
    expect(windowCovers(base, { cluster: 'Default', host: 'host1' }, inside)).toBe(true);
  });

  test('when the instant is at the start, then it covers; at the end, then it does not (half-open)', () => {
    expect(windowCovers(base, { cluster: 'Default', host: null }, base.startsAt)).toBe(true);
    expect(windowCovers(base, { cluster: 'Default', host: null }, base.endsAt)).toBe(false);
    expect(windowCovers(base, { cluster: 'Default', host: null }, new Date(base.startsAt.getTime() - 1))).toBe(false);
  });

  test('when the cluster is another one or unknown, then it does not cover', () => {
    expect(windowCovers(base, { cluster: 'Other', host: 'host1' }, inside)).toBe(false);
    expect(windowCovers(base, { cluster: null, host: 'host1' }, inside)).toBe(false);
  });

  test('when the scope lists hosts, then only a place on one of those hosts is covered, whatever its cluster', () => {
    const hosts: MaintenanceWindow = { ...base, scope: { hosts: ['host1', 'host 2'] } };
    expect(windowCovers(hosts, { cluster: 'Default', host: 'host 2' }, inside)).toBe(true);
    expect(windowCovers(hosts, { cluster: 'Default', host: 'host3' }, inside)).toBe(false);
    expect(windowCovers(hosts, { cluster: 'Default', host: null }, inside)).toBe(false);
  });

  test('when the window is cancelled, then it covers nothing', () => {
    const cancelled = { ...base, cancelledAt: new Date('2026-12-09T00:00:00.000Z') };
    expect(windowCovers(cancelled, { cluster: 'Default', host: 'host1' }, inside)).toBe(false);
    expect(anyWindowCovers([cancelled, base], { cluster: 'Default', host: 'host1' }, inside)).toBe(true);
    expect(anyWindowCovers([cancelled], { cluster: 'Default', host: 'host1' }, inside)).toBe(false);
  });
});
