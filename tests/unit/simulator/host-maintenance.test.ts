import { DEFAULT_TIMINGS } from '../../../ovirt-simulator/world/timings';
import { durationWords } from '../../../ovirt-simulator/world/vm-actions';
import { ADMIN, eventsSince, hostNamed, lastIndex, manualSim, vmNamed } from './support';

describe('host maintenance', () => {
  it('when host1 is put into maintenance, then each VM live-migrates (67, then 63 on the destination), stays running, and 620 ends it', () => {
    // Arrange
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const host1 = hostNamed(sim, 'host1');
    const names = ['web01', 'web02', 'db01', 'mail01', 'dev01'];
    const startTimes = names.map((n) => vmNamed(sim, n).startTime);

    // Act
    sim.engine.hostActions.deactivate(host1, ADMIN, undefined);

    // Assert: the VMs never stop running while they move
    expect(host1.status).toBe('preparing_for_maintenance');
    for (let t = 0; t < DEFAULT_TIMINGS.vmMigrateMs; t += 1_000) {
      for (const n of names) expect(['up', 'migrating']).toContain(vmNamed(sim, n).status);
      sim.advance(1_000);
    }
    for (const n of names) expect(vmNamed(sim, n).status).toBe('up');
    expect(names.map((n) => vmNamed(sim, n).startTime)).toEqual(startTimes);
    expect(sim.world.vmsOn(host1.id)).toEqual([]);
    expect(host1.status).toBe('maintenance');

    // Assert: 67 per VM at once, 63 per VM when it arrives, then 620
    const events = eventsSince(sim, start);
    expect(events.map((e) => e.code)).toEqual([67, 67, 67, 67, 67, 63, 63, 63, 63, 63, 620]);
    expect(events.map((e) => e.index)).toEqual(events.map((_e, i) => start + 1 + i));
    for (const n of names) {
      const vm = vmNamed(sim, n);
      const dest = sim.world.host(vm.hostId ?? '');
      expect(dest.name).not.toBe('host1');
      const started = events.find((e) => e.code === 67 && e.vm?.name === n);
      expect(started?.description).toBe(
        `Migration initiated by system (VM: ${n}, Source: host1, Destination: ${dest.name}, Reason: Host preparing for maintenance).`,
      );
      expect(started?.host).toEqual({ id: host1.id, name: 'host1' });
      expect(started?.user).toBeUndefined();
      const done = events.find((e) => e.code === 63 && e.vm?.name === n);
      expect(done?.description).toBe(
        `Migration completed (VM: ${n}, Source: host1, Destination: ${dest.name}, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))`,
      );
      expect(done?.vm).toEqual({ id: vm.id, name: n });
      expect(done?.host).toEqual({ id: dest.id, name: dest.name });
    }
    expect(events[10]?.description).toBe('Host host1 was switched to Maintenance mode by admin@internal-authz.');
    expect(events[10]?.host).toEqual({ id: host1.id, name: 'host1' });
  });

  it('when maintenance is asked with a reason, then 600 carries it', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);

    sim.engine.hostActions.deactivate(hostNamed(sim, 'host3'), ADMIN, 'kernel update');
    sim.advance(DEFAULT_TIMINGS.vmMigrateMs);

    const last = eventsSince(sim, start).at(-1);
    expect(last?.code).toBe(600);
    expect(last?.description).toBe('Host host3 was switched to Maintenance mode by admin@internal-authz (Reason: kernel update).');
  });

  it('when durations are written into migration events, then they read as the engine words them', () => {
    expect(durationWords(8_000)).toBe('8 seconds');
    expect(durationWords(1_000)).toBe('1 second');
    expect(durationWords(999)).toBe('0 seconds');
    expect(durationWords(60_000)).toBe('1 minute');
    expect(durationWords(65_000)).toBe('1 minute 5 seconds');
    expect(durationWords(3_600_000 + 5_000)).toBe('1 hour 0 minutes 5 seconds');
    expect(durationWords(2 * 86_400_000)).toBe('2 days');
  });
});
