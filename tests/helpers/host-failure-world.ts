/**
 * A host failure that takes several of our services down: plans with HA priority 100, 50 and 1,
 * two orders on each, the host running most of them loses power, and the engine restarts them elsewhere by priority.
 * Used by the /admin/incidents tests (integration on both databases, and Chromium).
 */
import request from 'supertest';
import { sendWebhook } from './billing';
import type { DatabaseKind } from './databases';
import { planBody } from './plans';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from './uptime-world';

export interface HostFailureWorld {
  w: UptimeWorld;
  failedHost: string;
  /** Billing service ids on the failed host. */
  hit: string[];
}

export async function startHostFailureWorld(kind: DatabaseKind): Promise<HostFailureWorld> {
  const w = await startUptimeWorld(kind);
  const sync = w.t.container.eventSync!;
  await sync.tick();
  // Product 7 (priority 100) comes with the world; 8 and 9 are Medium and Low.
  for (const [product, priority, name] of [
    ['8', 50, 'VPS HA Medium'],
    ['9', 1, 'VPS HA Low'],
  ] as const) {
    await request(w.t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', w.t.adminAuth)
      .send(planBody({ product_id: product, name, memory_mib: 2048, ha: { enabled: true, priority } }))
      .expect(201);
  }
  const orders = [
    ['6001', '7'],
    ['6002', '8'],
    ['6003', '9'],
    ['6004', '7'],
    ['6005', '8'],
    ['6006', '9'],
  ] as const;
  for (const [id, product] of orders) {
    await sendWebhook(w.t.app, {
      type: 'service.create',
      data: { service_id: id, client_id: '70', product_id: product, hostname: `vps${id}.example.net` },
    }).expect(202);
  }
  const hosts = await w.until(async () => {
    const all = await Promise.all(
      orders.map(
        async ([id]) =>
          (await request(w.t.app).get(`/api/v1/services/${id}`).set('Authorization', BILLING_AUTH)).body as {
            actual_state: string;
            vm: { host: string };
          },
      ),
    );
    return all.every((s) => s.actual_state === 'active') ? all.map((s) => s.vm.host) : undefined;
  });
  await sync.tick();
  const counts = new Map<string, number>();
  for (const h of hosts) counts.set(h, (counts.get(h) ?? 0) + 1);
  const failedHost = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const hit = orders.filter((_, i) => hosts[i] === failedHost).map(([id]) => id);
  w.sim.control.advance(3600_000);
  await sync.tick();
  w.sim.control.failHost(failedHost, 'power_loss');
  await w.until(async () =>
    hit.every((id) => {
      const vm = [...w.sim.world.vms.values()].find((v) => v.name === `vps-${id}`);
      return vm?.status === 'up' && vm.hostId !== undefined && w.sim.world.hosts.get(vm.hostId)?.name !== failedHost;
    }),
  );
  w.sim.control.advance(30_000);
  await sync.tick();
  return { w, failedHost, hit };
}
