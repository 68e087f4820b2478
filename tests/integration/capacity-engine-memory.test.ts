import request from 'supertest';
import type { RunningSimulator, ScenarioInput } from '../../ovirt-simulator';
import { engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 19 item 8: the simulator now reports `max_scheduling_memory` with the engine's arithmetic (reserved memory,
 * guest overhead, each VM's overhead), so here the bridge's capacity figures meet the numbers a real engine reports,
 * on the write-up's cluster (3 hosts of 32 cores / 64 GiB, 45 GiB and 25 vCPUs per host, 150 % over-commit).
 */
const MiB = 1024 * 1024;
const HOSTS = ['node01', 'node02', 'node03'];

/** The write-up's cluster, plus `extra[i]` more 5 GiB, 1-vCPU HA VMs on host i. */
function blogScenario(extra: [number, number, number] = [0, 0, 0]): ScenarioInput {
  const cpu = (n: number) => ({ sockets: 1, cores: n, threads: 1 });
  const vms = HOSTS.flatMap((host, i) => [
    ...Array.from({ length: 9 }, (_, j) => ({
      name: `vps-${i + 1}-${j + 1}`,
      cluster: 'Default',
      memoryGiB: 5,
      cpu: cpu(j < 7 ? 3 : 2),
      ha: { enabled: true, priority: [100, 50, 1][j % 3] ?? 50 },
      status: 'up' as const,
      host,
    })),
    ...Array.from({ length: extra[i] ?? 0 }, (_, j) => ({
      name: `more-${i + 1}-${j + 1}`,
      cluster: 'Default',
      memoryGiB: 5,
      cpu: cpu(1),
      ha: { enabled: true, priority: 50 },
      status: 'up' as const,
      host,
    })),
  ]);
  return {
    name: 'write-up',
    dataCenters: [
      {
        name: 'Default',
        storageDomains: [{ name: 'nfs-data', storageType: 'nfs', address: 'nfs', path: '/d', sizeGiB: 2048 }],
        clusters: [
          {
            name: 'Default',
            memoryOverCommitPercent: 150,
            hosts: HOSTS.map((name, i) => ({
              name,
              memoryGiB: 64,
              cpu: { sockets: 2, cores: 16, threads: 1 },
              powerManagement: { enabled: true, agents: [{ type: 'ipmilan', address: `10.0.0.${i + 11}` }] },
            })),
          },
        ],
      },
    ],
    vms,
  };
}

describe('capacity figures against the engine arithmetic (write-up cluster)', () => {
  let sim: RunningSimulator | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await sim?.close();
    t = undefined;
    sim = undefined;
  });

  const start = async (extra?: [number, number, number]) => {
    sim = await startTestSimulator({ scenario: blogScenario(extra), clock: 'manual' });
    t = await createTestApp('sqlite', { engine: engineTarget(sim), env: { CAPACITY_CACHE_MS: '0' } });
    return { sim, t };
  };

  /** Fails node01 in the engine and returns the HA VMs of node01 that run again elsewhere ten minutes later. */
  const failover = (s: RunningSimulator): string[] => {
    const node01 = s.world.findHost('node01');
    const mine = [...s.world.vms.values()].filter((v) => v.hostId === node01?.id && v.ha.enabled).map((v) => v.name);
    s.control.failHost('node01', 'power_loss');
    s.control.advance(10 * 60_000);
    return [...s.world.vms.values()]
      .filter((v) => mine.includes(v.name) && v.status === 'up' && v.hostId !== node01?.id)
      .map((v) => v.name)
      .sort();
  };

  const whatIf = async (app: TestApp) => {
    const res = await request(app.app).get('/api/v1/admin/clusters/Default/what-if?hosts=node01').set('Authorization', app.adminAuth);
    expect(res.status).toBe(200);
    const names = (outcome: string) =>
      res.body.vms
        .filter((v: { outcome: string }) => v.outcome === outcome)
        .map((v: { vm_name: string }) => v.vm_name)
        .sort();
    return { restarted: names('restarted') as string[], notRestarted: names('not_restarted') as string[] };
  };

  test('when the engine reports max_scheduling_memory, then it is physical x 150 % less reserved, guest overhead and each VM with its overhead', async () => {
    const { sim: s } = await start();
    const read = await request(s.apiUrl)
      .get('/hosts?search=name%3Dnode01')
      .auth('admin@internal', 'ovirt')
      .set('Accept', 'application/json');
    const host = (read.body as { host: Array<{ max_scheduling_memory: string }> }).host[0];
    // Nine 5 GiB VMs: 10 MiB page tables + 64 + 16 video + 8 per vCPU + 8 I/O thread each (7 x 122 + 2 x 114 MiB).
    const committed = 65 + 9 * 5120 + 7 * 122 + 2 * 114;
    expect(host?.max_scheduling_memory).toBe(String((65536 * 1.5 - committed - 321) * MiB));
  });

  test('when N+1 holds by the bridge, then the engine restarts every HA VM of a failed host', async () => {
    const { sim: s, t: app } = await start();
    const readiness = await request(app.app).get('/api/v1/admin/clusters/Default/readiness').set('Authorization', app.adminAuth);
    const capacity = readiness.body.findings.find((f: { check: string }) => f.check === 'failover_capacity');
    expect(capacity.status).toBe('ok');
    const predicted = await whatIf(app);
    expect(predicted.notRestarted).toEqual([]);
    expect(failover(s)).toEqual(predicted.restarted);
  });

  test(
    'at the headroom the bridge computes (9 more 5 GiB HA VPS) the engine still restarts everything; one more and it leaves the VM ' +
      'the bridge names down',
    async () => {
      const { t: app } = await start([4, 3, 2]);
      const predicted = await whatIf(app);
      expect(predicted.notRestarted).toEqual([]);
      expect(failover(sim as RunningSimulator)).toEqual(predicted.restarted);
      await t?.close();
      await sim?.close();

      const next = await start([4, 3, 3]);
      const short = await whatIf(next.t);
      expect(short.notRestarted).toEqual(['vps-1-9']);
      expect(failover(next.sim)).toEqual(short.restarted);
    },
  );

  test('on bare memory 4, 4 and 3 more looked safe; the engine leaves two VMs down, and the bridge says so', async () => {
    const { sim: s, t: app } = await start([4, 4, 3]);
    const predicted = await whatIf(app);
    expect(predicted.notRestarted).toHaveLength(2);
    expect(failover(s)).toEqual(predicted.restarted);
  });
});
