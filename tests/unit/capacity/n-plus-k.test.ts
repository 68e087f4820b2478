import fc from 'fast-check';
import { checkNPlusK, combinationCount } from '../../../server/capacity';
import { blogCluster, cluster, GiB, host, vm } from './cluster-builder';
import { randomCluster } from './generators';
import { refNPlusK, refState } from './reference-model';

/** The write-up's cluster plus `extra` more 5 GiB HA VMs per host. */
function pushed(extra: [number, number, number]) {
  const inv = blogCluster(150);
  extra.forEach((n, i) => {
    for (let j = 0; j < n; j++) inv.vms.push(vm(`more-${i + 1}-${j + 1}`, `node0${i + 1}`, { memoryGiB: 5, vcpus: 1, ha: 50 }));
  });
  return inv;
}

describe('N+1 on the write-up cluster (3 x 32 cores / 64 GiB, 45 GiB and 25 vCPUs per host)', () => {
  test('with the "bit of overselling" (150 % memory over-commit), N+1 holds', () => {
    const v = checkNPlusK(blogCluster(150));
    expect(v).toMatchObject({ status: 'holds', holds: true, method: 'exact', combinations: 3, scenariosChecked: 3, failureCount: 0 });
    expect(v.message).toBe(
      'N+1 holds: whichever host fails, its HA VMs restart on the remaining up hosts (all 3 cases checked). The heaviest case, ' +
        'node01, needs 46.1 GiB and 25 vCPUs restarted.',
    );
  });

  test('without over-commit the two survivors have 2 x 19 GiB for 45 GiB, so N+1 fails, naming the host and what is missing', () => {
    const v = checkNPlusK(blogCluster(100));
    expect(v.status).toBe('fails');
    expect(v.failureCount).toBe(3);
    expect(v.failures[0]).toEqual({
      failedHosts: [{ id: 'h-node01', name: 'node01' }],
      // Three 5 GiB VMs with the engine's overhead (122 + 122 + 114 MiB).
      shortfall: { vmCount: 3, memoryBytes: 15 * GiB + 358 * 1024 ** 2, vcpus: 8 },
    });
    expect(v.worst?.vms.filter((o) => o.outcome === 'not_restarted').map((o) => o.vmName)).toEqual(['vps-1-3', 'vps-1-6', 'vps-1-9']);
    expect(v.message).toBe('N+1 fails: if node01 fails, 3 HA VMs (15.4 GiB, 8 vCPUs) find no host with room. 3 of 3 cases fail.');
  });

  test('pushed to 9 more 5 GiB VMs N+1 still holds; one more on node03 and it fails (each VM with the engine overhead)', () => {
    expect(checkNPlusK(pushed([4, 3, 2])).status).toBe('holds');
    const v = checkNPlusK(pushed([4, 3, 3]));
    expect(v.status).toBe('fails');
    expect(v.failures.map((f) => f.failedHosts[0]?.name)).toEqual(['node01', 'node02', 'node03']);
    expect(v.failures[0]?.shortfall).toEqual({ vmCount: 1, memoryBytes: 5 * GiB + 114 * 1024 ** 2, vcpus: 2 });
  });

  test('on bare memory 4, 4 and 3 more looked safe; the engine would leave two VMs of node01 down, and so does the model', () => {
    const v = checkNPlusK(pushed([4, 4, 3]));
    expect(v.status).toBe('fails');
    expect(v.failures[0]?.shortfall.vmCount).toBe(2);
  });

  test('the vCPU ratio is part of the verdict: at 1 vCPU per core, 25 vCPUs do not fit in 2 x 7', () => {
    const v = checkNPlusK(blogCluster(150), { vcpuRatio: 1 });
    expect(v.status).toBe('fails');
    expect(v.worst?.vms.some((o) => o.outcome === 'not_restarted' && o.reason === 'vcpus')).toBe(true);
  });
});

describe('N+2', () => {
  const four = (perHost: number, sizeGiB: number) =>
    cluster(
      ['node01', 'node02', 'node03', 'node04'].map((n) => host(n)),
      ['node01', 'node02', 'node03', 'node04'].flatMap((h) =>
        Array.from({ length: perHost }, (_, j) => vm(`${h}-vm${j}`, h, { memoryGiB: sizeGiB })),
      ),
    );

  test('when two failed hosts fit on the other two, then N+2 holds (all 6 pairs checked)', () => {
    const v = checkNPlusK(four(3, 4), { k: 2 });
    expect(v).toMatchObject({ k: 2, status: 'holds', method: 'exact', combinations: 6, scenariosChecked: 6 });
  });

  test('when N+1 holds but two failures leave 4 VMs out, then N+2 fails naming the pair', () => {
    const inv = four(6, 6);
    expect(checkNPlusK(inv, { k: 1 }).status).toBe('holds');
    const v = checkNPlusK(inv, { k: 2 });
    expect(v.status).toBe('fails');
    expect(v.failureCount).toBe(6);
    expect(v.failures[0]).toEqual({
      failedHosts: [
        { id: 'h-node01', name: 'node01' },
        { id: 'h-node02', name: 'node02' },
      ],
      shortfall: { vmCount: 4, memoryBytes: 24 * GiB + 4 * 116 * 1024 ** 2, vcpus: 8 },
    });
    expect(v.message).toBe(
      'N+2 fails: if node01 and node02 fail together, 4 HA VMs (24.5 GiB, 8 vCPUs) find no host with room. 6 of 6 cases fail.',
    );
  });

  test('when there are no more up hosts than k, then nothing survives and any HA VM makes it fail', () => {
    const inv = cluster([host('a'), host('b')], [vm('v', 'a')]);
    expect(checkNPlusK(inv, { k: 2 }).status).toBe('fails');
    expect(checkNPlusK(cluster([host('a'), host('b')], [vm('v', 'a', { ha: false })]), { k: 2 }).status).toBe('holds');
    expect(checkNPlusK(cluster([host('a', { status: 'down' })], [])).status).toBe('fails');
  });
});

describe('the conservative bound above the enumeration limit', () => {
  test('a roomy 40-host cluster is proven N+3 by the bound (9,880 combinations > 5,000)', () => {
    const names = Array.from({ length: 40 }, (_, i) => `h${String(i).padStart(2, '0')}`);
    const inv = cluster(
      names.map((n) => host(n, { memoryGiB: 256 })),
      names.flatMap((h) => Array.from({ length: 10 }, (_, j) => vm(`${h}-${j}`, h, { memoryGiB: 4 + (j % 3) }))),
    );
    const v = checkNPlusK(inv, { k: 3 });
    expect(combinationCount(40, 3)).toBe(9880);
    expect(v).toMatchObject({ status: 'holds', method: 'bound', combinations: 9880 });
    expect(v.bound?.proven).toBe(true);
    expect(v.message).toMatch(
      /^N\+3 holds by a conservative bound \(9,880 combinations of 3 hosts are more than the 5,000 checked one by one\)/,
    );
  });

  test('when the bound cannot prove it and the heavy cases pass, the verdict is unproven, never holds', () => {
    const inv = cluster(
      [host('a'), host('b'), host('c')],
      [
        vm('big', 'a', { memoryGiB: 32 }),
        ...Array.from({ length: 20 }, (_, j) => vm(`b${j}`, 'b', { memoryGiB: 1 })),
        ...Array.from({ length: 20 }, (_, j) => vm(`c${j}`, 'c', { memoryGiB: 1 })),
      ],
    );
    expect(checkNPlusK(inv).status).toBe('holds');
    const v = checkNPlusK(inv, { enumerationLimit: 0 });
    expect(v).toMatchObject({ status: 'unproven', holds: false, method: 'bound', failureCount: 0 });
    expect(v.message).toMatch(/^N\+1 could not be proven/);
  });

  test('when a heavy case really fails, the bound verdict is fails with that case', () => {
    const v = checkNPlusK(blogCluster(100), { enumerationLimit: 0 });
    expect(v).toMatchObject({ status: 'fails', method: 'bound' });
    expect(v.failures[0]?.failedHosts.map((h) => h.name)).toEqual(['node01']);
  });

  test('property: forced onto the bound, the verdict never says holds when the exact enumeration fails', () => {
    let proven = 0;
    fc.assert(
      fc.property(randomCluster(), fc.integer({ min: 1, max: 3 }), ({ inv }, k) => {
        const exact = checkNPlusK(inv, { k, enumerationLimit: 1e9 });
        const bound = checkNPlusK(inv, { k, enumerationLimit: 0 });
        if (bound.upHostCount > 0) expect(bound.method).toBe('bound');
        expect(exact.holds).toBe(refNPlusK(refState(inv), k));
        if (bound.status === 'holds') {
          proven += 1;
          expect(exact.status).toBe('holds');
        }
        if (bound.status === 'fails') expect(exact.status).toBe('fails');
      }),
      { numRuns: 500 },
    );
    // The bound is cautious, not useless: it proves a fair share of these tight random clusters.
    expect(proven).toBeGreaterThan(25);
  });
});
