import { advanceUntil, eventsSince, hostNamed, lastIndex, manualSim, vmNamed } from './support';

describe('host failure with power management (ha-drill scenario)', () => {
  it('when host1 loses power, then it goes connecting, non_responsive, is fenced and its HA VMs restart by priority', () => {
    // Arrange
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const host1 = hostNamed(sim, 'host1');
    const onHost1 = sim.world
      .vmsOn(host1.id)
      .map((vm) => vm.name)
      .sort();
    expect(onHost1).toEqual(['db01', 'dev01', 'mail01', 'web01', 'web02']);

    // Act: the failure is noticed at the next poll
    sim.failHost('host1', 'power_loss');
    sim.advance(3000);

    // Assert: connecting, 9008 with the grace period (60 + 20 SPM + 0.5 × 5 VMs = 82.5, cast to int as
    // VdsManager.calcTimeoutToFence does)
    expect(host1.status).toBe('connecting');
    const connecting = eventsSince(sim, start);
    expect(connecting.map((e) => e.code)).toEqual([9008]);
    expect(connecting[0]?.description).toBe(
      'Host host1 is not responding. It will stay in Connecting state for a grace period of 82 seconds and after that an attempt ' +
        'to fence the host will be issued.',
    );
    expect(connecting[0]?.severity).toBe('warning');

    sim.advance(81_999);
    expect(host1.status).toBe('connecting');
    sim.advance(1);
    expect(host1.status).toBe('non_responsive');
    for (const name of onHost1) expect(vmNamed(sim, name).status).toBe('unknown');

    // soft fencing (10 s) fails, then the PM stop (5 s): VMs down, host reboot
    sim.advance(15_000);
    expect(host1.status).toBe('reboot');
    // down at the fence; the HA runner may already have picked the first ones up in the same instant
    for (const name of onHost1) {
      expect(vmNamed(sim, name).status).not.toBe('unknown');
      expect(vmNamed(sim, name).hostId).not.toBe(host1.id);
    }

    advanceUntil(sim, () => ['db01', 'web01', 'web02', 'mail01'].every((n) => vmNamed(sim, n).status === 'up'));
    advanceUntil(sim, () => host1.status === 'up');

    const events = eventsSince(sim, start);
    const hostCodes = events.filter((e) => !e.vm && e.code !== 987 && e.code !== 204).map((e) => e.code);
    expect(hostCodes).toEqual([9008, 12, 9017, 9020, 9020, 9018, 21, 539, 9017, 9020, 9020, 9018, 20, 121, 14, 13]);
    const nonResponsive = events.find((e) => e.code === 12);
    expect(nonResponsive?.description).toBe('Host host1 is non responsive.');
    expect(nonResponsive?.severity).toBe('error');
    const fencedDown = events
      .filter((e) => e.code === 143)
      .map((e) => e.vm?.name)
      .sort();
    expect(fencedDown).toEqual(onHost1);
    expect(events.find((e) => e.code === 143 && e.vm?.name === 'db01')?.description).toBe(
      'Vm db01 was shut down due to host1 host reboot or manual fence',
    );
    // every 143 comes after the agent's stop and before the stop's 9018 (StopVdsCommand clears the VMs first)
    const agentStop = events.findIndex((e) => e.code === 9020 && e.description.startsWith('Executing power management stop'));
    const stopOk = events.findIndex((e) => e.code === 9018);
    for (const [i, e] of events.entries()) if (e.code === 143) expect(i > agentStop && i < stopOk).toBe(true);

    // restarts: 506 at launch, highest priority first; a lower priority waits for higher ones to come up
    const launches = events.filter((e) => e.code === 506);
    const firstLaunch = (name: string) => launches.findIndex((e) => e.vm?.name === name);
    expect(launches.map((e) => e.vm?.name).filter((n, i, all) => all.indexOf(n) === i)).toEqual(['db01', 'web01', 'web02', 'mail01']);
    expect(firstLaunch('db01')).toBeLessThan(firstLaunch('web02'));
    expect(launches.filter((e) => e.vm?.name === 'web02')).toHaveLength(2); // launch and up
    expect(launches[0]?.description).toMatch(/^Trying to restart VM db01 on Host host[23]$/);
    expect(vmNamed(sim, 'dev01').status).toBe('down'); // not HA: stays down
    expect(events.some((e) => e.code === 9603)).toBe(false);
    for (const name of ['db01', 'web01', 'web02', 'mail01']) expect(vmNamed(sim, name).hostId).not.toBe(host1.id);
  });

  it('when the VMs do not all fit, then the lowest priority fails (9603) and is retried until room appears', () => {
    const sim = manualSim({
      scenario: {
        name: 'tight',
        dataCenters: [
          {
            name: 'Default',
            storageDomains: [{ name: 'nfs', storageType: 'nfs', sizeGiB: 100 }],
            clusters: [
              {
                name: 'Default',
                hosts: [
                  { name: 'host1', memoryGiB: 17, powerManagement: { enabled: true, agents: [{ address: '10.0.0.1' }] } },
                  { name: 'host2', memoryGiB: 17, powerManagement: { enabled: true, agents: [{ address: '10.0.0.2' }] } },
                ],
              },
            ],
          },
        ],
        vms: [
          { name: 'hi', cluster: 'Default', memoryGiB: 8, ha: { priority: 100 }, status: 'up', host: 'host1' },
          { name: 'lo', cluster: 'Default', memoryGiB: 8, ha: { priority: 1 }, status: 'up', host: 'host1' },
          { name: 'filler', cluster: 'Default', memoryGiB: 8, status: 'up', host: 'host2' },
        ],
      },
    });
    const start = lastIndex(sim);
    const host2 = hostNamed(sim, 'host2');
    sim.failHost('host1', 'power_loss');
    advanceUntil(sim, () => vmNamed(sim, 'hi').status === 'up' && vmNamed(sim, 'hi').hostId === host2.id);
    expect(vmNamed(sim, 'lo').status).toBe('down');
    const failures = () => eventsSince(sim, start).filter((e) => e.code === 9603 && e.vm?.name === 'lo');
    expect(failures().length).toBeGreaterThanOrEqual(1);
    expect(failures()[0]?.description).toBe('Restart of the Highly Available VM lo failed.');
    expect(failures()[0]?.severity).toBe('error');

    // retried every 30 s while there is no room
    const before = failures().length;
    sim.advance(60_000);
    expect(failures().length).toBe(before + 2);
    expect(sim.haQueue()).toEqual([vmNamed(sim, 'lo').id]);

    // room appears (the non-HA VM is stopped) → the next retry succeeds
    sim.engine.vmActions.stop(
      vmNamed(sim, 'filler'),
      { userId: 'u', userName: 'admin@internal-authz', correlationId: undefined },
      undefined,
    );
    advanceUntil(sim, () => vmNamed(sim, 'lo').status === 'up', 120_000);
    expect(eventsSince(sim, start).some((e) => e.code === 506 && e.vm?.name === 'lo')).toBe(true);
  });

  it('when only vdsm died, then soft fencing brings the host back (75) and no VM is restarted', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    sim.failHost('host2', 'vdsm_crash');
    advanceUntil(sim, () => eventsSince(sim, start).some((e) => e.code === 75));
    expect(hostNamed(sim, 'host2').status).toBe('up');
    expect(vmNamed(sim, 'db02').status).toBe('up');
    const codes = eventsSince(sim, start).map((e) => e.code);
    expect(codes).not.toContain(9017);
    expect(codes).not.toContain(506);
    expect(codes).toContain(163);
  });

  it('when fencing is disabled in the cluster policy, then alert 9015 and the VMs stay unknown', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    sim.world.clusters.forEach((c) => (c.fencingPolicy.enabled = false));
    const start = lastIndex(sim);
    sim.failHost('host3', 'power_loss');
    sim.advance(600_000);
    expect(eventsSince(sim, start).map((e) => e.code)).toContain(9015);
    expect(vmNamed(sim, 'db03').status).toBe('unknown');
  });
});
