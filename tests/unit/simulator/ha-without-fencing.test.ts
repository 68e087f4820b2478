import { loadScenario } from '../../../ovirt-simulator/scenario/load';
import { ADMIN, advanceUntil, eventsSince, hostNamed, lastIndex, manualSim, vmNamed } from './support';

describe('host failure without power management', () => {
  it('when host1 fails, then alert 9028 follows 12 and its HA VMs stay unknown until a manual fence', () => {
    // Arrange
    const sim = manualSim({ scenario: 'no-power-management' });
    const start = lastIndex(sim);
    const host1 = hostNamed(sim, 'host1');

    // Act
    sim.failHost('host1', 'power_loss');
    sim.advance(30 * 60_000);

    // Assert
    const events = eventsSince(sim, start);
    // 987: host1 is the SPM and stops answering the pool's status check (see spm-failover.test.ts)
    expect(events.filter((e) => !e.vm).map((e) => e.code)).toEqual([9027, 987, 12, 9028]);
    expect(events[0]?.description).toBe(
      ' Host host1 is not responding. Host cannot be fenced automatically because power management for the host is disabled.',
    );
    const alert = events.find((e) => e.code === 9028);
    expect(alert?.severity).toBe('alert');
    expect(alert?.description).toBe(
      'Host host1 became non responsive. It has no power management configured. Please check the host status, manually reboot it, ' +
        'and click "Confirm Host Has Been Rebooted"',
    );
    expect(host1.status).toBe('non_responsive');
    for (const name of ['db01', 'web01', 'web02', 'mail01', 'dev01']) expect(vmNamed(sim, name).status).toBe('unknown');
    expect(events.some((e) => e.code === 506)).toBe(false);

    // Act: the admin confirms the host was rebooted
    const confirmed = lastIndex(sim);
    sim.engine.hostActions.fence(host1, 'manual', ADMIN);
    advanceUntil(sim, () => ['db01', 'web01', 'web02', 'mail01'].every((n) => vmNamed(sim, n).status === 'up'));

    // Assert: 143 per VM, 348 (ClearNonResponsiveVdsVms), 494 (FenceVdsManualy's own result), then restarts by priority
    const after = eventsSince(sim, confirmed);
    expect(after.slice(0, 7).map((e) => e.code)).toEqual([143, 143, 143, 143, 143, 348, 494]);
    expect(after.find((e) => e.code === 348)?.description).toBe(
      "All VMs' status on Non Responsive Host host1 were changed to 'Down' by admin@internal-authz",
    );
    const order = after.filter((e) => e.code === 506).map((e) => e.vm?.name);
    expect(order.filter((n, i) => order.indexOf(n) === i)).toEqual(['db01', 'web01', 'web02', 'mail01']);
    expect(vmNamed(sim, 'dev01').status).toBe('down');
  });

  it('when the host is up, then a manual fence is refused with 409', () => {
    const sim = manualSim({ scenario: 'no-power-management' });
    expect(() => sim.engine.hostActions.fence(hostNamed(sim, 'host1'), 'manual', ADMIN)).toThrow(expect.objectContaining({ status: 409 }));
  });

  function leaseScenario() {
    const scenario = loadScenario('no-power-management');
    const web01 = scenario.vms.find((v) => v.name === 'web01');
    if (!web01) throw new Error('web01 missing');
    web01.lease = 'nfs-data';
    return scenario;
  }

  it('when a host with a lease VM loses power, then the lease VM restarts elsewhere without fencing', () => {
    const sim = manualSim({ scenario: leaseScenario() });
    const start = lastIndex(sim);
    sim.failHost('host1', 'power_loss');
    advanceUntil(sim, () => vmNamed(sim, 'web01').status === 'up' && vmNamed(sim, 'web01').hostId !== hostNamed(sim, 'host1').id);
    const events = eventsSince(sim, start);
    expect(events.some((e) => e.code === 9017)).toBe(false);
    expect(events.some((e) => e.code === 506 && e.vm?.name === 'web01')).toBe(true);
    // the VMs without a lease are still waiting for a manual fence
    expect(vmNamed(sim, 'db01').status).toBe('unknown');
    expect(hostNamed(sim, 'host1').status).toBe('non_responsive');
  });

  it('when the host only lost its network, then the lease VM cannot restart (the lease is still held) and is retried', () => {
    const sim = manualSim({ scenario: leaseScenario() });
    const start = lastIndex(sim);
    sim.failHost('host1', 'network_cut');
    sim.advance(10 * 60_000);
    const events = eventsSince(sim, start);
    expect(events.filter((e) => e.code === 507 && e.vm?.name === 'web01').length).toBeGreaterThanOrEqual(1);
    expect(events.filter((e) => e.code === 9603 && e.vm?.name === 'web01').length).toBeGreaterThanOrEqual(1);
    expect(vmNamed(sim, 'web01').status).toBe('unknown');

    // the network comes back: the VMs were running all along
    sim.restoreHost('host1');
    advanceUntil(sim, () => hostNamed(sim, 'host1').status === 'up');
    expect(vmNamed(sim, 'web01').status).toBe('up');
    expect(vmNamed(sim, 'db01').status).toBe('up');
    expect(eventsSince(sim, start).filter((e) => e.code === 163).length).toBe(5);
  });
});

describe('VM crash and user stops', () => {
  it('when an HA VM crashes on a healthy host, then 119, 9602 and a restart', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    sim.crashVm('web03', 'Lost connection with qemu process');
    const events = eventsSince(sim, start);
    expect(events.map((e) => e.code)).toEqual([119, 9602]);
    expect(events[0]?.description).toBe('VM web03 is down with error. Exit message: Lost connection with qemu process.');
    expect(events[1]?.description).toBe('Highly Available VM web03 failed. It will be restarted automatically.');
    advanceUntil(sim, () => vmNamed(sim, 'web03').status === 'up');
    expect(eventsSince(sim, start).filter((e) => e.code === 506)).toHaveLength(2);
  });

  it('when a non-HA VM crashes, then it stays down', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    sim.crashVm('dev02');
    sim.advance(300_000);
    expect(eventsSince(sim, start).map((e) => e.code)).toEqual([119]);
    expect(vmNamed(sim, 'dev02').status).toBe('down');
  });

  it.each(['stop', 'shutdown'] as const)('when a user asks for %s on an HA VM, then it is never restarted', (action) => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const vm = vmNamed(sim, 'db02');
    sim.engine.vmActions[action](vm, ADMIN, undefined);
    sim.advance(3_600_000);
    expect(vm.status).toBe('down');
    const codes = eventsSince(sim, start).map((e) => e.code);
    expect(codes[0]).toBe(action === 'stop' ? 33 : 73);
    expect(codes).not.toContain(506);
    expect(codes).not.toContain(9602);
  });
});
