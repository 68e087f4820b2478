import { vmOverheadMib } from '../../../ovirt-simulator/world/memory';
import { GIB, MIB } from '../../../ovirt-simulator/world/model';
import { hostNamed, manualSim, vmNamed } from './support';

/** One 16 GiB host and one VM of `vmGiB`, optionally with the host's VDSM figures changed. */
function world(vmGiB: number, host: { reservedMemoryMiB?: number; guestOverheadMiB?: number } = {}) {
  return manualSim({
    scenario: {
      name: 'one',
      dataCenters: [
        {
          name: 'Default',
          storageDomains: [{ name: 'nfs', storageType: 'nfs', sizeGiB: 100 }],
          clusters: [{ name: 'Default', hosts: [{ name: 'host1', memoryGiB: 16, ...host }] }],
        },
      ],
      vms: [{ name: 'vm1', cluster: 'Default', memoryGiB: vmGiB, cpu: { sockets: 1, cores: 2, threads: 1 }, status: 'up', host: 'host1' }],
    },
  });
}

describe('the engine memory arithmetic', () => {
  it('a VM costs its memory/512 + 64 MiB + 16 MiB video + 8 MiB per vCPU + 8 MiB per I/O thread (x86, VGA, 1 I/O thread)', () => {
    expect(vmOverheadMib({ memoryBytes: 4 * GIB, topology: { sockets: 1, cores: 2, threads: 1 } })).toBe(8 + 64 + 16 + 16 + 8);
  });

  it('max_scheduling_memory is physical − VDSM reserved (321) − guest overhead (65) − each VM with its overhead', () => {
    const sim = world(4);
    expect(sim.engine.scheduler.maxSchedulingMemory(hostNamed(sim, 'host1'))).toBe((16384 - 321 - 65 - (4096 + 112)) * MIB);
  });

  it('the scenario knobs set the host reserved memory and guest overhead', () => {
    const sim = world(4, { reservedMemoryMiB: 1024, guestOverheadMiB: 0 });
    expect(sim.engine.scheduler.maxSchedulingMemory(hostNamed(sim, 'host1'))).toBe((16384 - 1024 - (4096 + 112)) * MIB);
  });

  it('the Memory filter asks for the memory with overhead: a VM of exactly the free memory does not start', () => {
    const sim = world(4);
    const free = sim.engine.scheduler.maxSchedulingMemory(hostNamed(sim, 'host1'));
    const vm = vmNamed(sim, 'vm1');
    const probe = { ...vm, id: 'probe', hostId: undefined, status: 'down' as const, memoryBytes: free };
    expect(sim.engine.scheduler.pick(probe).host).toBeUndefined();
    const fits = { ...probe, memoryBytes: free - vmOverheadMib({ memoryBytes: free, topology: vm.topology }) * MIB - MIB };
    expect(sim.engine.scheduler.pick(fits).host?.name).toBe('host1');
  });
});
