import { ControlError } from '../../../ovirt-simulator/simulator';
import { eventsSince, lastIndex, manualSim, vmNamed } from './support';

/** Three crashes a minute apart: events 1, 2, 3 (119 each; the dev VMs are not HA) at minutes 0, 1 and 2. */
function threeCrashes() {
  const sim = manualSim({ scenario: 'ha-drill' });
  const t0 = sim.clock.now();
  sim.crashVm('dev01');
  sim.advance(60_000);
  sim.crashVm('dev02');
  sim.advance(60_000);
  sim.crashVm('dev03');
  return { sim, t0 };
}

describe('audit-log purge', () => {
  it('when events up to an index are purged, then only later ones remain and the next index continues the sequence', () => {
    // Arrange
    const { sim } = threeCrashes();
    expect(sim.world.events.map((e) => [e.index, e.code])).toEqual([
      [1, 119],
      [2, 119],
      [3, 119],
    ]);

    // Act
    const removed = sim.purgeEvents({ upToIndex: 2 });
    sim.crashVm('web01');

    // Assert
    expect(removed).toBe(2);
    expect(sim.world.events.map((e) => e.index)).toEqual([3, 4, 5]);
    expect(sim.world.events.map((e) => e.code)).toEqual([119, 119, 9602]);
    expect(sim.world.audit.eventByIndex(2)).toBeUndefined();
    expect(sim.world.audit.eventByIndex(3)?.vm?.name).toBe('dev03');
  });

  it('when events before a time are purged, then events at or after that time stay', () => {
    const { sim, t0 } = threeCrashes();

    const removed = sim.purgeEvents({ before: t0 + 60_000 });

    expect(removed).toBe(1);
    expect(sim.world.events.map((e) => e.vm?.name)).toEqual(['dev02', 'dev03']);
  });

  it('when both a time and an index are given, then only events matching both are purged', () => {
    const { sim, t0 } = threeCrashes();

    expect(sim.purgeEvents({ before: t0 + 120_000, upToIndex: 1 })).toBe(1);
    expect(sim.purgeEvents({ before: t0, upToIndex: 3 })).toBe(0);

    expect(sim.world.events.map((e) => e.index)).toEqual([2, 3]);
  });

  it('when a purge names nothing to match, then it is refused with 400 and nothing is removed', () => {
    const { sim } = threeCrashes();

    expect(() => sim.purgeEvents({})).toThrow(ControlError);
    expect(() => sim.purgeEvents({})).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => sim.purgeEvents({ before: Number.NaN })).toThrow(expect.objectContaining({ status: 400 }));
    expect(sim.world.events).toHaveLength(3);
  });
});

describe('audit-log id restart', () => {
  it('when event ids restart, then the log is empty, the next event gets the given index and the world is unchanged', () => {
    // Arrange
    const { sim } = threeCrashes();
    const statuses = [...sim.world.vms.values()].map((vm) => `${vm.name}:${vm.status}:${vm.hostId ?? ''}`);

    // Act
    sim.restartEventIds(40);

    // Assert
    expect(sim.world.events).toEqual([]);
    expect(lastIndex(sim)).toBe(39);
    expect([...sim.world.vms.values()].map((vm) => `${vm.name}:${vm.status}:${vm.hostId ?? ''}`)).toEqual(statuses);
    sim.crashVm('web01');
    expect(sim.world.events.map((e) => [e.index, e.code])).toEqual([
      [40, 119],
      [41, 9602],
    ]);
  });

  it('when no index is given, then the sequence starts again at 1, and a later reset keeps counting from there', () => {
    const { sim } = threeCrashes();

    sim.restartEventIds();
    sim.crashVm('web02');
    sim.reset();
    sim.crashVm('dev01');

    expect(sim.world.events.map((e) => [e.index, e.code])).toEqual([[3, 119]]);
    expect(vmNamed(sim, 'web02').status).toBe('up');
  });

  it('when an engine timer fires after the restart, then its event takes the restarted sequence', () => {
    // web01 is HA: its restart (506) is logged by the HA runner after the restart of ids.
    const sim = manualSim({ scenario: 'ha-drill' });
    sim.crashVm('web01');
    expect(lastIndex(sim)).toBe(2);

    sim.restartEventIds(1);
    sim.advance(1_000);

    expect(eventsSince(sim, 0).map((e) => [e.index, e.code, e.vm?.name])).toEqual([[1, 506, 'web01']]);
  });

  it('when the next index is not a positive integer, then it is refused with 400 and the log is kept', () => {
    const { sim } = threeCrashes();

    for (const bad of [0, -5, 1.5, Number.NaN]) {
      expect(() => sim.restartEventIds(bad)).toThrow(expect.objectContaining({ status: 400 }));
    }
    expect(sim.world.events).toHaveLength(3);
  });
});
