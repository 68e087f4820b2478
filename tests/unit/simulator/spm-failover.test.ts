import { ADMIN, advanceUntil, eventsSince, hostNamed, lastIndex, manualSim } from './support';

function dataCenter(sim: ReturnType<typeof manualSim>) {
  const dc = [...sim.world.dataCenters.values()][0];
  if (!dc) throw new Error('no data center');
  return dc;
}

function domainStatuses(sim: ReturnType<typeof manualSim>): string[] {
  const dc = dataCenter(sim);
  return [...sim.world.storageDomains.values()].filter((sd) => sd.dataCenterId === dc.id).map((sd) => sd.status);
}

describe('SPM failover (ha-drill: host1 is the SPM)', () => {
  it(
    'when the SPM loses power, then it keeps the role while connecting and unfenced, the data center goes problematic (987), and the ' +
      'role moves only after the fence (204)',
    () => {
      // Arrange
      const sim = manualSim({ scenario: 'ha-drill' });
      const host1 = hostNamed(sim, 'host1');
      const dc = dataCenter(sim);
      expect(host1.spmStatus).toBe('spm');
      expect(dc.status).toBe('up');
      const start = lastIndex(sim);

      // Act: the pool's status check (every 10 s) gets a network error from the SPM
      sim.failHost('host1', 'power_loss');
      sim.advance(9_999);
      expect(dc.status).toBe('up');
      sim.advance(1);

      // Assert: still SPM, still connecting, nobody else took over
      expect(host1.status).toBe('connecting');
      expect(host1.spmStatus).toBe('spm');
      expect(dc.status).toBe('problematic');
      expect(domainStatuses(sim).every((s) => s === 'unknown' || s === 'inactive' || s === 'maintenance')).toBe(true);
      expect([...sim.world.hosts.values()].filter((h) => h.spmStatus !== 'none').map((h) => h.name)).toEqual(['host1']);
      const problem = eventsSince(sim, start).find((e) => e.code === 987);
      expect(problem?.severity).toBe('warning');
      expect(problem?.description).toBe(
        'Invalid status on Data Center Default. Setting Data Center status to Non Responsive (On host host1, Error: Network error ' +
          'during communication with the Host.).',
      );
      expect(problem?.dataCenter).toEqual({ id: dc.id, name: 'Default' });
      expect(problem?.host?.name).toBe('host1');

      // Act: the grace period ends, soft fencing fails; until the PM stop, the role stays put
      advanceUntil(sim, () => host1.status === 'reboot');
      expect(host1.spmStatus).toBe('spm');
      expect(dc.status).toBe('problematic');

      // Act: the stop succeeds (5 s): FenceVdsManualy frees the role; the next refresh (10 s) elects host2 or host3
      sim.advance(5_000);
      expect(host1.spmStatus).toBe('none');
      sim.advance(10_000);
      expect(dc.status).toBe('contend');
      const contender = [...sim.world.hosts.values()].find((h) => h.spmStatus === 'contending');
      expect(contender?.name).toMatch(/^host[23]$/);
      sim.advance(5_000);

      // Assert: the new SPM, the pool up, 204 for it; no 986 (the pool was already non responsive), no 980
      expect(contender?.spmStatus).toBe('spm');
      expect(dc.status).toBe('up');
      expect(domainStatuses(sim)).not.toContain('unknown');
      const events = eventsSince(sim, start);
      const codes = events.map((e) => e.code);
      expect(codes.filter((c) => [980, 986, 987, 204].includes(c))).toEqual([987, 204]);
      const hosted = events.find((e) => e.code === 204);
      expect(hosted?.description).toBe(
        `Storage Pool Manager runs on Host ${contender?.name ?? ''}.example.com (Address: ${contender?.name ?? ''}.example.com), ` +
          `Data Center Default.`,
      );
      expect(hosted?.severity).toBe('normal');
      // 204 is logged after the fence's stop, never while host1 was unfenced
      expect(codes.indexOf(204)).toBeGreaterThan(codes.indexOf(21));
    },
  );

  it('when the SPM only lost its network and comes back before any fence, then it is still SPM and the data center is up again without an election', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host1 = hostNamed(sim, 'host1');
    const dc = dataCenter(sim);
    const start = lastIndex(sim);

    sim.failHost('host1', 'network_cut');
    sim.advance(30_000);
    expect(dc.status).toBe('problematic');
    sim.restoreHost('host1');
    sim.advance(10_000);

    expect(host1.spmStatus).toBe('spm');
    expect(dc.status).toBe('up');
    expect(domainStatuses(sim)).not.toContain('unknown');
    expect(
      eventsSince(sim, start)
        .map((e) => e.code)
        .filter((c) => [980, 986, 204].includes(c)),
    ).toEqual([]);
  });

  it("when soft fencing restarts the SPM's vdsm, then the role is elected again (204) without another pool event", () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host1 = hostNamed(sim, 'host1');
    const start = lastIndex(sim);

    sim.failHost('host1', 'vdsm_crash');
    advanceUntil(sim, () => eventsSince(sim, start).some((e) => e.code === 75));
    advanceUntil(sim, () => eventsSince(sim, start).some((e) => e.code === 204));

    // the pool is already non responsive (987), so finding host1 no longer SPM logs nothing more
    const poolCodes = eventsSince(sim, start)
      .map((e) => e.code)
      .filter((c) => [980, 986, 987, 204].includes(c));
    expect(poolCodes).toEqual([987, 204]);
    // host1 has the highest priority among the up hosts again (all 5), the name breaks the tie
    expect(host1.spmStatus).toBe('spm');
    expect(dataCenter(sim).status).toBe('up');
  });

  it("when the SPM's vdsm restarts before the pool noticed anything, then the refresh finds it no longer SPM (980) and elects again", () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);

    sim.failHost('host1', 'vdsm_crash');
    sim.advance(5_000);
    sim.restoreHost('host1');
    expect(hostNamed(sim, 'host1').spmStatus).toBe('spm'); // the pool still names it until the refresh
    sim.advance(15_000);

    const events = eventsSince(sim, start).filter((e) => [980, 986, 987, 204].includes(e.code));
    expect(events.map((e) => e.code)).toEqual([980, 204]);
    expect(events[0]?.description).toBe('Invalid status on Data Center Default. Setting status to Non Responsive.');
    expect(events[0]?.severity).toBe('warning');
    expect(dataCenter(sim).status).toBe('up');
  });

  it('when the SPM has no power management, then the role waits for "Confirm host has been rebooted"', () => {
    const sim = manualSim({ scenario: 'no-power-management' });
    const host1 = hostNamed(sim, 'host1');
    const dc = dataCenter(sim);
    const start = lastIndex(sim);

    sim.failHost('host1', 'power_loss');
    sim.advance(30 * 60_000);
    expect(host1.status).toBe('non_responsive');
    expect(host1.spmStatus).toBe('spm');
    expect(dc.status).toBe('problematic');
    expect(eventsSince(sim, start).some((e) => e.code === 204)).toBe(false);

    sim.engine.hostActions.fence(host1, 'manual', ADMIN);
    expect(host1.spmStatus).toBe('none');
    sim.advance(15_000);
    expect(dc.status).toBe('up');
    expect(eventsSince(sim, start).filter((e) => e.code === 204)).toHaveLength(1);
  });

  it('when the SPM is put into maintenance, then the role is stopped at once and the election logs 986, then 204', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host1 = hostNamed(sim, 'host1');
    const dc = dataCenter(sim);
    const start = lastIndex(sim);

    sim.engine.hostActions.deactivate(host1, ADMIN, undefined);
    expect(host1.spmStatus).toBe('none');
    sim.advance(10_000);
    expect(dc.status).toBe('contend');
    sim.advance(5_000);

    expect(dc.status).toBe('up');
    const events = eventsSince(sim, start).filter((e) => [986, 204].includes(e.code));
    expect(events.map((e) => e.code)).toEqual([986, 204]);
    expect(events[0]?.description).toBe('Data Center is being initialized, please wait for initialization to complete.');
    expect(events[0]?.dataCenter).toEqual({ id: dc.id, name: 'Default' });
    expect(events[0]?.host).toBeUndefined();
  });

  it('when a user restarts the healthy SPM, then its role is stopped as the stop begins and another host is elected (986, 204)', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host1 = hostNamed(sim, 'host1');
    const start = lastIndex(sim);

    sim.engine.hostActions.fence(host1, 'restart', ADMIN);
    expect(host1.status).toBe('reboot');
    expect(host1.spmStatus).toBe('none');
    sim.advance(15_000);

    const codes = eventsSince(sim, start)
      .map((e) => e.code)
      .filter((c) => [980, 986, 987, 204].includes(c));
    expect(codes).toEqual([986, 204]);
    expect(dataCenter(sim).status).toBe('up');
  });
});
