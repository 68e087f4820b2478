import {
  ENGINE_HOST_GUEST_OVERHEAD_BYTES,
  ENGINE_RESERVED_MEMORY_BYTES,
  hostCapacities,
  occupiesHost,
  schedulingMemoryBytes,
  vmOverheadBytes,
} from '../../../server/capacity';
import { cluster, GiB, host, vm } from './cluster-builder';

const defaults = { hostMemoryReserveBytes: 0, vcpuRatio: 4 };
const MiB = 1024 * 1024;
/** The engine's reserved memory (321 MiB) and per-host guest overhead (65 MiB), VDSM's defaults. */
const ENGINE_HOLD = 386 * MiB;
/** A 45 GiB, 2-vCPU VM as the engine counts it: + 90 MiB page tables, 64 fixed, 16 video, 2 x 8 vCPU, 8 I/O thread. */
const VM45 = 45 * GiB + (90 + 64 + 16 + 16 + 8) * MiB;

describe('host capacity', () => {
  test('when the cluster over-commits memory, then schedulable memory is physical x percent / 100 less what the engine holds back', () => {
    const inv = cluster([host('a', { memoryGiB: 64 })], [vm('v', 'a', { memoryGiB: 45 })], { memoryOverCommitPercent: 150 });
    const [a] = hostCapacities(inv, defaults);
    expect(a?.memory.schedulableBytes).toBe(96 * GiB - ENGINE_HOLD);
    expect(a?.memory.committedBytes).toBe(VM45);
    expect(a?.memory.freeBytes).toBe(96 * GiB - ENGINE_HOLD - VM45);
  });

  test('each VM counts with the engine overhead: memory/512 + 64 MiB + 16 MiB video + 8 MiB per vCPU + 8 MiB I/O thread', () => {
    expect(schedulingMemoryBytes({ memoryBytes: 5 * GiB, vcpus: 3 })).toBe(5 * GiB + (10 + 64 + 16 + 24 + 8) * MiB);
    expect(vmOverheadBytes(4 * GiB, 1)).toBe((8 + 64 + 16 + 8 + 8) * MiB);
    expect(ENGINE_RESERVED_MEMORY_BYTES + ENGINE_HOST_GUEST_OVERHEAD_BYTES).toBe(ENGINE_HOLD);
  });

  test('when a per-host reserve is configured, then it is taken off the schedulable memory', () => {
    const inv = cluster([host('a', { memoryGiB: 64 })], []);
    const [a] = hostCapacities(inv, { ...defaults, hostMemoryReserveBytes: 8 * GiB });
    expect(a?.memory.schedulableBytes).toBe(56 * GiB - ENGINE_HOLD);
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
    expect(a?.memory.schedulableBytes).toBe(VM45 + 10 * GiB);
    expect(a?.memory.freeBytes).toBe(10 * GiB);
  });

  test('when the engine reports more max_scheduling_memory than the policy allows, then the formula (and reserve) win', () => {
    const inv = cluster([host('a', { memoryGiB: 64, maxSchedulingMemoryBytes: 30 * GiB })], [vm('v', 'a', { memoryGiB: 45 })]);
    const [a] = hostCapacities(inv, { ...defaults, hostMemoryReserveBytes: 4 * GiB });
    expect(a?.memory.source).toBe('formula');
    expect(a?.memory.freeBytes).toBe(60 * GiB - ENGINE_HOLD - VM45);
  });

  test('running, starting, paused and migrating VMs hold resources; down, suspended and locked ones do not', () => {
    const holds = ['up', 'powering_up', 'wait_for_launch', 'paused', 'migrating', 'unknown'] as const;
    const free = ['down', 'suspended', 'image_locked'] as const;
    for (const status of holds) expect(occupiesHost(vm('x', 'a', { status }))).toBe(true);
    for (const status of free) expect(occupiesHost(vm('x', 'a', { status }))).toBe(false);
    expect(occupiesHost(vm('x', null, { status: 'up' }))).toBe(false);
  });
});
