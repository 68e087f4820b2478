import fc from 'fast-check';
import { type FailoverVmOutcome, whatIf } from '../../../server/capacity';
import { NotFoundError } from '../../../server/errors';
import { cluster, GiB, host, vm } from './cluster-builder';
import { randomCluster } from './generators';
import { refSimulate, refState } from './reference-model';

const where = (outcomes: FailoverVmOutcome[]) =>
  Object.fromEntries(outcomes.map((o) => [o.vmName, o.outcome === 'restarted' ? o.toHost.name : o.outcome]));

describe('what-if placement', () => {
  test('each HA VM goes, in priority order, to the surviving host with the most free memory at that moment', () => {
    // b has 20 GiB free, c 30 GiB, less what the engine holds back (386 MiB per host, each VM's overhead).
    const inv = cluster(
      [host('a'), host('b'), host('c')],
      [
        vm('v1', 'a', { memoryGiB: 8, ha: 100 }),
        vm('v2', 'a', { memoryGiB: 6, ha: 100 }),
        vm('v3', 'a', { memoryGiB: 10, ha: 50 }),
        vm('v4', 'a', { memoryGiB: 4, ha: 50 }),
        vm('fill-b', 'b', { memoryGiB: 44, ha: false }),
        vm('fill-c', 'c', { memoryGiB: 34, ha: false }),
      ],
    );
    const p = whatIf(inv, ['h-a']);
    expect(p.vms.map((o) => o.vmName)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(where(p.vms)).toEqual({ v1: 'c', v2: 'c', v3: 'b', v4: 'c' });
    expect(p.allRestarted).toBe(true);
    const after = Object.fromEntries(p.survivingHosts.map((h) => [h.name, h.freeMemoryBytesAfter / GiB]));
    // b: 386 + 192 (fill-b) + 124 (v3) MiB of overhead; c: 386 + 172 (fill-c) + 120 + 116 + 112 (v1, v2, v4).
    expect(after).toEqual({ b: 10 - 702 / 1024, c: 12 - 906 / 1024 });
    expect(p.summary).toBe('If a fails, 4 HA VMs restart on c and b.');
  });

  test('when room is short, then higher priority restarts first and the low-priority VM is reported with the shortfall', () => {
    const inv = cluster(
      [host('a'), host('b')],
      [
        vm('low-big', 'a', { memoryGiB: 12, ha: 1, vcpus: 4 }),
        vm('high-small', 'a', { memoryGiB: 6, ha: 100 }),
        vm('mid', 'a', { memoryGiB: 6, ha: 50 }),
        vm('fill-b', 'b', { memoryGiB: 48, ha: false }),
      ],
    );
    const p = whatIf(inv, ['h-a']);
    expect(where(p.vms)).toEqual({ 'high-small': 'b', mid: 'b', 'low-big': 'not_restarted' });
    // 12 GiB with the engine's overhead: 24 MiB page tables, 64 fixed, 16 video, 4 x 8 vCPU, 8 I/O thread.
    expect(p.shortfall).toEqual({ vmCount: 1, memoryBytes: 12 * GiB + 144 * 1024 ** 2, vcpus: 4 });
    const miss = p.vms.find((o) => o.vmName === 'low-big');
    expect(miss).toMatchObject({
      outcome: 'not_restarted',
      reason: 'memory',
      largestFreeMemoryBytes: 4 * GiB - (386 + 200 + 116 + 116) * 1024 ** 2,
    });
    expect(p.summary).toContain('1 (12.2 GiB, 4 vCPUs) finds no host with room: low-big');
  });

  test('within one priority the larger VM goes first', () => {
    const inv = cluster(
      [host('a'), host('b')],
      [vm('small', 'a', { memoryGiB: 4 }), vm('large', 'a', { memoryGiB: 10 }), vm('fill-b', 'b', { memoryGiB: 52, ha: false })],
    );
    // 12 GiB free on b: larger first leaves the small one out (smaller first would have left the large one out).
    expect(where(whatIf(inv, ['h-a']).vms)).toEqual({ large: 'b', small: 'not_restarted' });
  });

  test('hosts that are not up never receive VMs, however much room they have', () => {
    const inv = cluster(
      [host('a'), host('big', { memoryGiB: 512, status: 'maintenance' }), host('b', { status: 'non_responsive' })],
      [vm('v1', 'a', { memoryGiB: 8 })],
    );
    const p = whatIf(inv, ['h-a']);
    expect(where(p.vms)).toEqual({ v1: 'not_restarted' });
    expect(p.vms[0]).toMatchObject({ reason: 'no_surviving_host' });
    expect(p.survivingHosts).toEqual([]);
  });

  test('the vCPU ratio and the over-commit are honoured when placing', () => {
    const inv = (ratio: number, overCommit: number) =>
      [
        cluster(
          [host('a', { cores: 4 }), host('b', { cores: 4 })],
          [vm('v1', 'a', { vcpus: 6, memoryGiB: 40 }), vm('fill-b', 'b', { vcpus: 4, memoryGiB: 40, ha: false })],
          { memoryOverCommitPercent: overCommit },
        ),
        { vcpuRatio: ratio },
      ] as const;
    expect(where(whatIf(inv(2, 150)[0], ['h-a'], inv(2, 150)[1]).vms)).toEqual({ v1: 'not_restarted' });
    expect(whatIf(inv(2, 150)[0], ['h-a'], inv(2, 150)[1]).vms[0]).toMatchObject({ reason: 'vcpus' });
    expect(where(whatIf(inv(4, 100)[0], ['h-a'], inv(4, 100)[1]).vms)).toEqual({ v1: 'not_restarted' });
    expect(whatIf(inv(4, 100)[0], ['h-a'], inv(4, 100)[1]).vms[0]).toMatchObject({ reason: 'memory' });
    expect(where(whatIf(inv(4, 200)[0], ['h-a'], inv(4, 200)[1]).vms)).toEqual({ v1: 'b' });
  });

  test('the per-host reserve is honoured', () => {
    const inv = cluster([host('a'), host('b')], [vm('v1', 'a', { memoryGiB: 30 }), vm('fill-b', 'b', { memoryGiB: 30, ha: false })]);
    expect(where(whatIf(inv, ['h-a']).vms)).toEqual({ v1: 'b' });
    expect(where(whatIf(inv, ['h-a'], { hostMemoryReserveBytes: 8 * GiB }).vms)).toEqual({ v1: 'not_restarted' });
  });

  test('VMs without HA are listed as not restarted, and down VMs are not counted at all', () => {
    const inv = cluster([host('a'), host('b')], [vm('ha1', 'a'), vm('plain', 'a', { ha: false }), vm('stopped', 'a', { status: 'down' })]);
    const p = whatIf(inv, ['h-a']);
    expect(where(p.vms)).toEqual({ ha1: 'b', plain: 'not_ha' });
    expect(p.summary).toBe('If a fails, 1 HA VM restarts on b. 1 VM without HA is not restarted.');
  });

  test('when the failed host cannot be fenced, then only VMs with a lease restart automatically', () => {
    const inv = cluster(
      [host('a', { powerManagement: { enabled: false, agentCount: 0 } }), host('b')],
      [vm('plain-ha', 'a'), vm('leased', 'a', { lease: true })],
    );
    const p = whatIf(inv, ['h-a']);
    expect(p.vms.map((o) => [o.vmName, o.outcome !== 'not_ha' && o.automatic])).toEqual([
      ['leased', true],
      ['plain-ha', false],
    ]);
    expect(p.hostsWithoutAutomaticRestart).toEqual([{ id: 'h-a', name: 'a' }]);
  });

  test('several failed hosts share one restart queue', () => {
    const inv = cluster(
      [host('a'), host('b'), host('c')],
      [
        vm('a-low', 'a', { ha: 1, memoryGiB: 40 }),
        vm('b-high', 'b', { ha: 100, memoryGiB: 40 }),
        vm('fill-c', 'c', { memoryGiB: 20, ha: false }),
      ],
    );
    const p = whatIf(inv, ['h-a', 'h-b']);
    expect(where(p.vms)).toEqual({ 'b-high': 'c', 'a-low': 'not_restarted' });
  });

  test('an unknown host id is refused', () => {
    expect(() => whatIf(cluster([host('a')], []), ['nope'])).toThrow(NotFoundError);
  });

  test('property: placements equal a naive full-scan simulation on random small clusters', () => {
    fc.assert(
      fc.property(randomCluster(), fc.nat(), ({ inv }, pick) => {
        const hosts = inv.hosts.map((_, i) => i);
        const failed = hosts.filter((i) => ((pick >> i) & 1) === 1);
        const p = whatIf(
          inv,
          failed.map((i) => inv.hosts[i]?.id ?? ''),
        );
        const expected = refSimulate(refState(inv), failed);
        const actual = new Map(
          p.vms.flatMap((o) => (o.outcome === 'not_ha' ? [] : [[o.vmId, o.outcome === 'restarted' ? o.toHost.name : null] as const])),
        );
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
