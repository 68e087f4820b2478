/** fast-check generators of small, tight clusters for the brute-force comparisons. */
import fc from 'fast-check';
import { cluster, host, vm } from './cluster-builder';

/** 2-6 hosts (some not up), 0-6 VMs each, sizes that make packing tight. */
export function randomCluster() {
  const hostArb = fc.record({
    memoryGiB: fc.integer({ min: 8, max: 48 }),
    cores: fc.integer({ min: 1, max: 8 }),
    // One host in five is in maintenance.
    up: fc.integer({ min: 0, max: 4 }).map((n) => n !== 0),
    vms: fc.array(
      fc.record({
        memoryGiB: fc.integer({ min: 1, max: 16 }),
        vcpus: fc.integer({ min: 1, max: 8 }),
        ha: fc.oneof(fc.constant(false as const), fc.constantFrom(0, 1, 50, 100)),
      }),
      { maxLength: 6 },
    ),
  });
  return fc
    .record({ hosts: fc.array(hostArb, { minLength: 2, maxLength: 6 }), overCommit: fc.constantFrom(100, 150, 200) })
    .map(({ hosts, overCommit }) => {
      const hs = hosts.map((h, i) => host(`n${i}`, { memoryGiB: h.memoryGiB, cores: h.cores, status: h.up ? 'up' : 'maintenance' }));
      const vms = hosts.flatMap((h, i) =>
        h.vms.map((v, j) => vm(`vm${i}-${j}`, `n${i}`, { memoryGiB: v.memoryGiB, vcpus: v.vcpus, ha: v.ha })),
      );
      return { inv: cluster(hs, vms, { memoryOverCommitPercent: overCommit }) };
    });
}
