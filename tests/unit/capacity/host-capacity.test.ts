import { hostCapacities, occupiesHost } from '../../../server/capacity';
import { cluster, GiB, host, vm } from './cluster-builder';

const defaults = { hostMemoryReserveBytes: 0, vcpuRatio: 4 };

describe('host capacity', () => {
  test('when the cluster over-commits memory, then schedulable memory is physical x percent / 100', () => {
    const inv = cluster([host('a', { memoryGiB: 64 })], [vm('v', 'a', { memoryGiB: 45 })], { memoryOverCommitPercent: 150 });
    const [a] = hostCapacities(inv, defaults);
    expect(a?.memory.schedulableBytes).toBe(96 * GiB);
    expect(a?.memory.committedBytes).toBe(45 * GiB);
    expect(a?.memory.freeBytes).toBe(51 * GiB);
  });

  test('when a per-host reserve is configured, then it is taken off the schedulable memory', () => {
    const inv = cluster([host('a', { memoryGiB: 64 })], []);
    const [a] = hostCapacities(inv, { ...defaults, hostMemoryReserveBytes: 8 * GiB });
    expect(a?.memory.schedulableBytes).toBe(56 * GiB);
  });

  test('vCPU capacity is cores x ratio, and threads count only when the cluster counts threads as cores', () => {
    const h = host('a', { cpu: { sockets: 2, coresPerSocket: 8, threadsPerCore: 2 } });
    expect(hostCapacities(cluster([h], []), { ...defaults, vcpuRatio: 2 })[0]?.vcpus.capacity).toBe(32);
    expect(hostCapacities(cluster([h], [], { threadsAsCores: true }), { ...defaults, vcpuRatio: 2 })[0]?.vcpus.capacity).toBe(64);
  });

  test('when the engine reports less max_scheduling_memory than the formula leaves, then the engine figure wins', () => {
    const inv = cluster([host('a', { memoryGiB: 64, maxSchedulingMemoryBytes: 10 * GiB })], [vm('v', 'a', { memoryGiB: 45 })]);
    const [a] = hostCapacities(inv, defaults);
    expect(a?.memory.source).toBe('max_scheduling_memory');
    expect(a?.memory.schedulableBytes).toBe(55 * GiB);
    expect(a?.memory.freeBytes).toBe(10 * GiB);
  });

  test('when the engine reports more max_scheduling_memory than the policy allows, then the formula (and reserve) win', () => {
    const inv = cluster([host('a', { memoryGiB: 64, maxSchedulingMemoryBytes: 30 * GiB })], [vm('v', 'a', { memoryGiB: 45 })]);
    const [a] = hostCapacities(inv, { ...defaults, hostMemoryReserveBytes: 4 * GiB });
    expect(a?.memory.source).toBe('formula');
    expect(a?.memory.freeBytes).toBe(15 * GiB);
  });

  test('running, starting, paused and migrating VMs hold resources; down, suspended and locked ones do not', () => {
    const holds = ['up', 'powering_up', 'wait_for_launch', 'paused', 'migrating', 'unknown'] as const;
    const free = ['down', 'suspended', 'image_locked'] as const;
    for (const status of holds) expect(occupiesHost(vm('x', 'a', { status }))).toBe(true);
    for (const status of free) expect(occupiesHost(vm('x', 'a', { status }))).toBe(false);
    expect(occupiesHost(vm('x', null, { status: 'up' }))).toBe(false);
  });
});
