import type { RunningSimulator } from '../../ovirt-simulator';
import { OvirtAuthError, OvirtError, OvirtNotFoundError, OvirtTimeoutError } from '../../server/ovirt';
import type { OvirtClient } from '../../server/ovirt/client';
import { clientFor, startTestSimulator } from '../helpers/simulator';

describe('oVirt client against the simulator', () => {
  let sim: RunningSimulator;
  let client: OvirtClient;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'ha-drill' });
    client = clientFor(sim);
  });
  afterEach(async () => {
    await client.close();
    await sim.close();
  });

  test('when the inventory is read, then every resource comes back typed', async () => {
    const info = await client.getEngineInfo();
    expect(info.productName).toMatch(/oVirt/);
    expect(info.version).toMatch(/^4\./);

    const [dc] = await client.listDataCenters();
    expect(dc).toBeDefined();
    expect(await client.getDataCenter(dc!.id)).toMatchObject({ id: dc!.id, local: false });

    const clusters = await client.listClusters();
    const cluster = await client.findClusterByName(clusters[0]!.name);
    expect(cluster).toEqual(clusters[0]);
    expect(await client.getCluster(cluster!.id)).toEqual(cluster);
    expect(cluster!.memoryOverCommitPercent).toBeGreaterThanOrEqual(100);
    expect(typeof cluster!.fencingPolicyEnabled).toBe('boolean');

    const hosts = await client.listHosts({ cluster: cluster!.name });
    expect(hosts.length).toBeGreaterThanOrEqual(3);
    const host = await client.getHost(hosts[0]!.id);
    expect(host).toMatchObject({ status: 'up', powerManagement: { enabled: true } });
    expect(host.memoryBytes).toBeGreaterThan(2 ** 30);
    expect(host.cpu.cores * host.cpu.sockets).toBeGreaterThan(1);
    expect((await client.listFenceAgents(host.id)).length).toBeGreaterThan(0);

    const domains = await client.listStorageDomains();
    expect(domains.some((d) => d.type === 'data' && d.shared)).toBe(true);
    const inDc = await client.listDataCenterStorageDomains(dc!.id);
    expect(inDc.find((d) => d.type === 'data')?.status).toBe('active');

    const templates = await client.listTemplates();
    const [tpl] = await client.findTemplatesByName(templates.find((t) => t.name !== 'Blank')!.name);
    expect(tpl?.memoryBytes).toBeGreaterThan(0);

    const vms = await client.listVms({ cluster: cluster!.name });
    expect(vms.length).toBeGreaterThan(0);
    const onHost = await client.listVms({ host: host.name });
    expect(onHost.every((v) => v.hostId === host.id)).toBe(true);
    expect(vms.some((v) => v.ha.enabled && v.ha.priority === 100)).toBe(true);
  });

  test('when a VM goes through its whole life, then each operation does what it says', async () => {
    const created = await client.createVm(
      {
        name: 'vps-test-1',
        cluster: 'Default',
        template: 'debian-12',
        memoryMib: 2048,
        vcpus: 2,
        ha: { enabled: true, priority: 50 },
        description: 'vps1.example.net',
        comment: 'ovirt-ha-bridge service=test-1 client=9',
      },
      { correlationId: 'svc-test-1-create' },
    );
    expect(created).toMatchObject({
      name: 'vps-test-1',
      status: 'image_locked',
      memoryBytes: 2048 * 2 ** 20,
      vcpus: 2,
      ha: { enabled: true, priority: 50 },
    });
    expect(await client.findVmByName('vps-test-1')).toMatchObject({ id: created.id });
    expect(await client.findVmByName('vps-none')).toBeUndefined();

    const down = await client.waitForVmCreated(created.id, { timeoutMs: 5000, pollMs: 20 });
    expect(down.status).toBe('down');

    await client.startVm(created.id);
    const up = await client.waitForVmStatus(created.id, ['up'], { timeoutMs: 5000, pollMs: 20 });
    expect(up.hostId).toBeDefined();
    const stats = await client.getVmStatistics(created.id);
    expect(stats.memoryInstalledBytes).toBe(2048 * 2 ** 20);

    const nextRun = await client.updateVm(created.id, { memoryMib: 4096, vcpus: 4 }, { nextRun: true });
    expect(nextRun.nextRunConfigurationExists).toBe(true);
    const ha = await client.updateVm(created.id, { ha: { enabled: true, priority: 100 } });
    expect(ha.ha.priority).toBe(100);

    await client.rebootVm(created.id);
    await client.waitForVmStatus(created.id, ['up'], { timeoutMs: 5000, pollMs: 20 });
    expect(await client.shutdownVmWithin(created.id, 5000, { pollMs: 20 })).toBe('shutdown');

    await client.startVm(created.id);
    await client.waitForVmStatus(created.id, ['up'], { timeoutMs: 5000, pollMs: 20 });
    await client.stopVm(created.id);
    await client.waitForVmStatus(created.id, ['down'], { timeoutMs: 5000, pollMs: 20 });
    await client.removeVm(created.id);
    await expect(client.getVm(created.id)).rejects.toBeInstanceOf(OvirtNotFoundError);
    expect(await client.findVm(created.id)).toBeUndefined();
    await expect(client.removeVm(created.id)).rejects.toBeInstanceOf(OvirtNotFoundError);

    const events = await client.events.eventsSince(0);
    const mine = events.filter((e) => e.correlationId === 'svc-test-1-create');
    expect(mine.map((e) => e.code)).toEqual(expect.arrayContaining([37]));
    expect(events.map((e) => e.index)).toEqual([...events.map((e) => e.index)].sort((a, b) => a - b));
  });

  test('when a name is taken or a VM is running, then typed conflicts say so', async () => {
    const [vm] = await client.listVms({ search: 'status=up' });
    await expect(
      client.createVm({
        name: vm!.name,
        cluster: 'Default',
        template: 'debian-12',
        memoryMib: 1024,
        vcpus: 1,
        ha: { enabled: false, priority: 0 },
      }),
    ).rejects.toMatchObject({
      kind: 'conflict',
      isNameInUse: true,
    });
    const err = await client.startVm(vm!.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OvirtError);
    expect((err as OvirtError).kind).toBe('conflict');
    await expect(
      client.createVm({
        name: 'x',
        cluster: 'Default',
        template: 'no-such-template',
        memoryMib: 1024,
        vcpus: 1,
        ha: { enabled: false, priority: 0 },
      }),
    ).rejects.toMatchObject({
      kind: 'not_found',
    });
  });

  test('when events are asked for since an index, then exactly the newer ones come, oldest first, across all pages', async () => {
    const before = await client.events.latestEventIndex();
    for (let i = 0; i < 30; i++) {
      await client.createVm({
        name: `ev-${i}`,
        cluster: 'Default',
        template: 'debian-12',
        memoryMib: 512,
        vcpus: 1,
        ha: { enabled: false, priority: 0 },
      });
    }
    const events = await client.events.eventsSince(before);
    expect(events.length).toBeGreaterThanOrEqual(30);
    expect(events[0]!.index).toBeGreaterThan(before);
    const indexes = events.map((e) => e.index);
    expect(new Set(indexes).size).toBe(indexes.length);
    // Creations keep completing in the background (events 53), so later polls only ever bring newer events.
    const last = indexes[indexes.length - 1]!;
    expect((await client.events.eventsSince(last)).every((e) => e.index > last)).toBe(true);
  });

  test('when a thousand calls run a hundred at a time, then one token serves them all', async () => {
    sim.control.metrics.reset();
    const fresh = clientFor(sim, { maxInFlight: 100 });
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 100 }, () => fresh.listClusters()));
    expect(sim.control.metrics.snapshot().tokenRequests).toBe(1);
    expect(fresh.tokenRequests).toBe(1);
    await fresh.close();
    expect(sim.control.metrics.snapshot().revokeRequests).toBe(1);
  });

  test('when the token expires, then it is renewed once and the calls succeed', async () => {
    await sim.close();
    sim = await startTestSimulator({ scenario: 'demo', clock: 'manual', tokenTtlSeconds: 60 });
    const c = clientFor(sim);
    await c.listHosts();
    sim.control.advance(61_000);
    const results = await Promise.all(Array.from({ length: 50 }, () => c.listHosts()));
    expect(results.every((r) => r.length === 3)).toBe(true);
    expect(sim.control.metrics.snapshot().tokenRequests).toBe(2);
    await c.close();
  });

  test('when the credentials are wrong, then a clear error names the engine and the user and holds no secret', async () => {
    const bad = clientFor(sim, { password: 'not-the-password-4711' });
    const err = (await bad.listHosts().catch((e: unknown) => e)) as OvirtAuthError;
    expect(err).toBeInstanceOf(OvirtAuthError);
    expect(err.message).toContain(sim.url);
    expect(err.message).toContain('admin@internal');
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(err)).not.toContain('not-the-password-4711');
    expect(String(err.stack)).not.toContain('not-the-password-4711');
  });

  test('when the engine answers 5xx or resets connections a few times, then reads still succeed within the retry budget', async () => {
    sim.control.addFault({ kind: 'error', status: 503, path: '/api/hosts', times: 2 });
    expect((await client.listHosts()).length).toBeGreaterThan(0);
    sim.control.addFault({ kind: 'reset', path: '/api/clusters', times: 2 });
    expect((await client.listClusters()).length).toBeGreaterThan(0);
    sim.control.addFault({ kind: 'latency', latencyMs: 100, path: '/api/datacenters', times: 1 });
    expect((await client.listDataCenters()).length).toBe(1);
  });

  test('when errors outlast the budget, then the read fails with a retryable typed error', async () => {
    sim.control.addFault({ kind: 'error', status: 500, path: '/api/hosts' });
    const err = (await client.listHosts().catch((e: unknown) => e)) as OvirtError;
    expect(err.kind).toBe('unavailable');
    expect(err.retryable).toBe(true);
  });

  test('when a write meets a 5xx, then it is not retried blindly', async () => {
    sim.control.addFault({ kind: 'error', status: 503, method: 'POST', path: '/api/vms', times: 1 });
    await expect(
      client.createVm({
        name: 'once',
        cluster: 'Default',
        template: 'debian-12',
        memoryMib: 512,
        vcpus: 1,
        ha: { enabled: false, priority: 0 },
      }),
    ).rejects.toMatchObject({ kind: 'unavailable' });
    expect(await client.findVmByName('once')).toBeUndefined();
  });

  test('when the engine hangs, then the call ends at its timeout', async () => {
    const impatient = clientFor(sim, { timeoutMs: 300, readRetries: 0 });
    sim.control.addFault({ kind: 'hang', path: '/api/hosts' });
    const started = Date.now();
    await expect(impatient.listHosts()).rejects.toBeInstanceOf(OvirtTimeoutError);
    expect(Date.now() - started).toBeLessThan(3000);
    await impatient.close();
  });

  test('when many calls are made at once, then the engine never sees more than the cap in flight', async () => {
    const capped = clientFor(sim, { maxInFlight: 4 });
    await capped.listHosts();
    sim.control.metrics.reset();
    sim.control.addFault({ kind: 'latency', latencyMs: 30, path: '/api/*' });
    await Promise.all(Array.from({ length: 40 }, () => capped.listClusters()));
    expect(sim.control.metrics.snapshot().maxInFlight).toBe(4);
    await capped.close();
  });
});
