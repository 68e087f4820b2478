import type { EngineEvent } from '../../../ovirt-simulator/world/model';
import { ADMIN, advanceUntil, eventsSince, hostNamed, lastIndex, manualSim } from './support';

/** `code:action` for PM events (9017/9018/9020 carry the action in their text), else the code. */
function step(e: EngineEvent): string {
  const action = /power management (status|stop|start)\b/i.exec(e.description)?.[1];
  return action && [9017, 9018, 9020].includes(e.code) ? `${e.code}:${action}` : String(e.code);
}

describe('power-management fencing, step by step (ha-drill scenario)', () => {
  it(
    'when the engine fences host2, then the agent is asked for the status before the stop and the start, the host is reboot from the ' +
      'stop on, and 21/20 name SYSTEM',
    () => {
      // Arrange: host2 is not the SPM, so only fencing events are in play
      const sim = manualSim({ scenario: 'ha-drill' });
      const host2 = hostNamed(sim, 'host2');
      expect(host2.spmStatus).toBe('none');
      sim.failHost('host2', 'power_loss');
      advanceUntil(sim, () => host2.status === 'non_responsive');
      const start = lastIndex(sim);

      // Act: soft fencing fails (10 s), then the hard fence begins
      sim.advance(10_000);

      // Assert: reboot as soon as the stop begins, before the agent has answered
      expect(host2.status).toBe('reboot');
      expect(eventsSince(sim, start).map(step)).toEqual(['9017:stop', '9020:status', '9020:stop']);
      const statusCall = eventsSince(sim, start)[1];
      expect(statusCall?.description).toBe(
        'Executing power management status on Host host2 using Proxy Host host1 and Fence Agent ipmilan:10.0.0.12.',
      );
      expect(statusCall?.severity).toBe('normal');

      // Act: the agent reports the power off (5 s), then the start (5 s)
      sim.advance(10_000);

      // Assert: the VMs' 143 come before 9018 stop; 21 and 20 are the stop's and start's own results (the HA
      // restarts' 506 of the VMs run in between)
      const events = eventsSince(sim, start).filter((e) => e.code === 143 || !e.vm);
      const steps = events.map(step);
      const vmCount = events.filter((e) => e.code === 143).length;
      expect(vmCount).toBeGreaterThan(0);
      expect(steps.filter((s) => s !== '143')).toEqual([
        '9017:stop',
        '9020:status',
        '9020:stop',
        '9018:stop',
        '21',
        '539',
        '9017:start',
        '9020:status',
        '9020:start',
        '9018:start',
        '20',
        '121',
        '14',
      ]);
      expect(steps.slice(3, 3 + vmCount)).toEqual(Array(vmCount).fill('143'));
      const stopped = events.find((e) => e.code === 21);
      expect(stopped?.description).toBe('Host host2 was stopped by SYSTEM.');
      expect(stopped?.user).toBeUndefined();
      expect(events.find((e) => e.code === 20)?.description).toBe('Host host2 was started by SYSTEM.');
      expect(host2.status).toBe('reboot');
    },
  );

  it('when the host is powered on again, then it stays reboot until a 30 s check finds it answering, then non_responsive, initializing and up', () => {
    // Arrange
    const sim = manualSim({ scenario: 'ha-drill' });
    const host2 = hostNamed(sim, 'host2');
    sim.failHost('host2', 'power_loss');
    advanceUntil(sim, () => eventsSince(sim, 0).some((e) => e.code === 20 && e.host?.name === 'host2'));
    const poweredOn = sim.clock.now();
    const start = lastIndex(sim);

    // Act + Assert: it boots in 120 s; the checks at 30, 60 and 90 s find nothing
    sim.advance(119_999);
    expect(host2.status).toBe('reboot');
    sim.advance(1);
    expect(host2.status).toBe('non_responsive');
    advanceUntil(sim, () => host2.status !== 'non_responsive');
    expect(host2.status).toBe('initializing');
    expect(sim.clock.now() - poweredOn).toBe(123_000); // the next monitoring poll
    advanceUntil(sim, () => host2.status === 'up');
    expect(
      eventsSince(sim, start)
        .filter((e) => !e.vm)
        .map((e) => e.code),
    ).toEqual([13]);
  });

  it('when the host never answers after the power-on, then it leaves reboot for non_responsive after 600 s, without another 12', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host2 = hostNamed(sim, 'host2');
    sim.failHost('host2', 'network_cut');
    advanceUntil(sim, () => eventsSince(sim, 0).some((e) => e.code === 20 && e.host?.name === 'host2'));
    const start = lastIndex(sim);

    sim.advance(599_999);
    expect(host2.status).toBe('reboot');
    sim.advance(1);
    expect(host2.status).toBe('non_responsive');
    sim.advance(600_000);
    expect(host2.status).toBe('non_responsive');
    expect(eventsSince(sim, start).filter((e) => e.host?.name === 'host2')).toEqual([]);

    // the cable is plugged back in
    sim.restoreHost('host2');
    advanceUntil(sim, () => host2.status === 'up');
  });

  it('when a user restarts a host, then the same steps are named after the user, with 41 instead of 121 and 14', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const host3 = hostNamed(sim, 'host3');
    const start = lastIndex(sim);

    sim.engine.hostActions.fence(host3, 'restart', ADMIN);
    sim.advance(10_000);

    const events = eventsSince(sim, start).filter((e) => !e.vm);
    expect(events.map(step)).toEqual([
      '9017:stop',
      '9020:status',
      '9020:stop',
      '9018:stop',
      '21',
      '539',
      '9017:start',
      '9020:status',
      '9020:start',
      '9018:start',
      '20',
      '41',
    ]);
    expect(events.find((e) => e.code === 21)?.description).toBe('Host host3 was stopped by admin@internal-authz.');
    expect(events.find((e) => e.code === 20)?.description).toBe('Host host3 was started by admin@internal-authz.');
    expect(events.find((e) => e.code === 41)?.description).toBe('Host host3 was restarted by admin@internal-authz.');
  });

  it('when a user asks a host for its power status, then only the agent call is logged (9020 status)', () => {
    const sim = manualSim({ scenario: 'ha-drill' });
    const start = lastIndex(sim);
    const result = sim.engine.hostActions.fence(hostNamed(sim, 'host3'), 'status', ADMIN);
    expect(result.powerStatus).toBe('on');
    expect(eventsSince(sim, start).map(step)).toEqual(['9020:status']);
    expect(eventsSince(sim, start)[0]?.user).toBeUndefined(); // a bare AuditLogableImpl: host only

    // no other host up to act as proxy: the engine's 200 "failed" with the executor's message, nothing logged
    for (const name of ['host1', 'host2']) hostNamed(sim, name).status = 'maintenance';
    const before = lastIndex(sim);
    expect(() => sim.engine.hostActions.fence(hostNamed(sim, 'host3'), 'status', ADMIN)).toThrow(
      expect.objectContaining({
        status: 200,
        reason:
          "Failed to run fence status-check on host 'host3.example.com'. No other host was available to serve as proxy for the operation.",
      }),
    );
    expect(eventsSince(sim, before)).toEqual([]);
  });

  it('when the grace period has a half second, then 9008 shows it truncated, as the engine casts it to int', () => {
    // 60 + 0.5 × 7 VMs = 63.5 s on a host that is not the SPM
    const sim = manualSim({
      scenario: {
        name: 'seven',
        dataCenters: [
          {
            name: 'Default',
            storageDomains: [{ name: 'nfs', storageType: 'nfs', sizeGiB: 100 }],
            clusters: [
              {
                name: 'Default',
                hosts: [
                  { name: 'host1', memoryGiB: 64, powerManagement: { enabled: true, agents: [{ address: '10.0.0.1' }] } },
                  { name: 'host2', memoryGiB: 64, spmPriority: -1, powerManagement: { enabled: true, agents: [{ address: '10.0.0.2' }] } },
                ],
              },
            ],
          },
        ],
        vms: Array.from({ length: 7 }, (_v, i) => ({ name: `vm${i}`, cluster: 'Default', memoryGiB: 1, status: 'up', host: 'host2' })),
      },
    });
    const start = lastIndex(sim);
    sim.failHost('host2', 'power_loss');
    sim.advance(3_000);
    const notice = eventsSince(sim, start).find((e) => e.code === 9008);
    expect(notice?.description).toContain('grace period of 63 seconds');
    sim.advance(62_999);
    expect(hostNamed(sim, 'host2').status).toBe('connecting');
    sim.advance(1);
    expect(hostNamed(sim, 'host2').status).toBe('non_responsive');
  });
});
