import { DEFAULT_TIMINGS } from '../../../ovirt-simulator/world/timings';
import { ADMIN, eventsSince, hostNamed, lastIndex, manualSim, vmNamed } from './support';

describe('guest shutdown from inside the VM', () => {
  it('when an HA VM powers itself off, then powering_down, down after the shutdown time, 61 on its host, and no restart', () => {
    // Arrange
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const web01 = vmNamed(sim, 'web01');
    const host1 = hostNamed(sim, 'host1');
    expect(web01.ha.enabled).toBe(true);

    // Act
    sim.guestShutdownVm('web01');

    // Assert: nothing logged yet, the guest is shutting down
    expect(web01.status).toBe('powering_down');
    expect(eventsSince(sim, start)).toEqual([]);
    sim.advance(DEFAULT_TIMINGS.vmShutdownMs - 1);
    expect(web01.status).toBe('powering_down');
    sim.advance(1);
    expect(web01.status).toBe('down');
    expect(web01.exitStatus).toBe('normal');
    expect(web01.hostId).toBeUndefined();
    const events = eventsSince(sim, start);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(
      expect.objectContaining({
        index: start + 1,
        code: 61,
        severity: 'normal',
        description: 'VM web01 is down. Exit message: User shut down from within the guest',
        vm: { id: web01.id, name: 'web01' },
        host: { id: host1.id, name: 'host1' },
        user: undefined,
      }),
    );

    // Assert: the HA runner leaves it down
    sim.advance(10 * 60_000);
    expect(web01.status).toBe('down');
    expect(sim.haQueue()).toEqual([]);
    expect(eventsSince(sim, start).map((e) => e.code)).toEqual([61]);
  });

  it('when the VM is not running or its host is not healthy, then the guest shutdown is refused with 409', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    sim.crashVm('dev01');
    expect(() => sim.guestShutdownVm('dev01')).toThrow(expect.objectContaining({ status: 409 }));

    sim.failHost('host2', 'network_cut');
    sim.advance(DEFAULT_TIMINGS.monitorIntervalMs);
    expect(hostNamed(sim, 'host2').status).toBe('connecting');
    expect(() => sim.guestShutdownVm('web03')).toThrow(expect.objectContaining({ status: 409 }));

    sim.guestShutdownVm('web05');
    expect(() => sim.guestShutdownVm('web05')).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => sim.guestShutdownVm('nope')).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('when a migrating VM powers itself off, then it goes down on the source and the migration is dropped', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const web01 = vmNamed(sim, 'web01');
    sim.engine.vmActions.migrate(web01, ADMIN, undefined, false);
    expect(web01.status).toBe('migrating');

    sim.guestShutdownVm('web01');
    sim.advance(DEFAULT_TIMINGS.vmMigrateMs + DEFAULT_TIMINGS.vmShutdownMs);

    expect(web01.status).toBe('down');
    expect(web01.migratingToHostId).toBeUndefined();
    expect(sim.world.migratingVms()).toEqual([]);
    const events = eventsSince(sim, start);
    expect(events.map((e) => e.code)).toEqual([62, 61]);
    expect(events[1]?.host?.name).toBe('host1');
  });
});
