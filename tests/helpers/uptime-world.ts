import { HOST_TROUBLE_CODES } from '../../server/domain/host-health';
import { ENGINE_EVENT as E } from '../../server/domain/engine-event-codes';
/**
 * A bridge on the engine simulator's manual clock: the bridge's clock is the simulator's, so a ten-minute failover
 * plays out in milliseconds and every figure is exact to the second. Orders are provisioned by the real worker.
 */
import request from 'supertest';
import { type EngineEvent, type RunningSimulator, startSimulator } from '../../ovirt-simulator';
import type { Clock } from '../../server/clock';
import { sendWebhook } from './billing';
import type { DatabaseKind } from './databases';
import { planBody } from './plans';
import { engineTarget } from './simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from './test-app';

export const UPTIME_ENV = {
  JOB_POLL_MS: '10',
  JOB_LEASE_MS: '5000',
  JOB_BACKOFF_BASE_MS: '10',
  JOB_BACKOFF_CAP_MS: '100',
  PROVISION_POLL_MS: '10',
  VM_NAME_PREFIX: 'vps-',
};

export const BILLING_AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

export interface UptimeWorld {
  sim: RunningSimulator;
  t: TestApp;
  clock: Clock;
  /** Advances simulated time in steps until `check` answers, letting the worker run between steps. */
  until<T>(check: () => Promise<T | undefined | false>, stepMs?: number, maxSteps?: number): Promise<T>;
  /** Orders a VPS and waits (in simulated time) until it is active; returns the host it runs on. */
  order(billingServiceId: string, clientId: string): Promise<string>;
  /**
   * Cuts the power of `host` and waits until the engine has restarted `vmName` elsewhere; returns the engine's own
   * record of it: the host's first sign of trouble and the VM's last VDS_INITIATED_RUN_VM (up again).
   */
  failOver(host: string, vmName: string): Promise<{ trouble: EngineEvent; backUp: EngineEvent }>;
  close(): Promise<void>;
}

const pause = () => new Promise((r) => setTimeout(r, 5));

export async function startUptimeWorld(
  kind: DatabaseKind,
  options: { startTime?: number; scenario?: string; env?: Record<string, string> } = {},
): Promise<UptimeWorld> {
  const sim = await startSimulator({
    clock: 'manual',
    scenario: options.scenario ?? 'demo',
    startTime: options.startTime ?? Date.UTC(2026, 10, 2, 0, 0, 0),
  });
  const clock: Clock = { now: () => new Date(sim.control.clock.now()) };
  const t = await createTestApp(kind, { engine: engineTarget(sim), clock, env: { ...UPTIME_ENV, ...options.env } });
  await request(t.app)
    .post('/api/v1/admin/plans')
    .set('Authorization', t.adminAuth)
    .send(
      planBody({
        product_id: '7',
        ha: { enabled: true, priority: 100 },
        sla: {
          target_percent: 99.99,
          credit_tiers: [
            { below_percent: 99.99, credit_percent: 5 },
            { below_percent: 99.9, credit_percent: 10 },
            { below_percent: 99, credit_percent: 25 },
          ],
        },
      }),
    )
    .expect(201);
  t.container.worker.start();

  const until: UptimeWorld['until'] = async (check, stepMs = 1000, maxSteps = 2000) => {
    for (let i = 0; i < maxSteps; i++) {
      const value = await check();
      if (value) return value;
      sim.control.advance(stepMs);
      await pause();
    }
    throw new Error(`condition not met within ${maxSteps} steps of ${stepMs} simulated ms`);
  };

  const order = async (billingServiceId: string, clientId: string) => {
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: billingServiceId, client_id: clientId, product_id: '7', hostname: `vps${billingServiceId}.example.net` },
    }).expect(202);
    const svc = await until(async () => {
      const res = await request(t.app).get(`/api/v1/services/${billingServiceId}`).set('Authorization', BILLING_AUTH);
      return res.body.actual_state === 'active' ? (res.body as { vm: { host: string } }) : undefined;
    });
    return svc.vm.host;
  };

  const failOver = async (host: string, vmName: string) => {
    const failAt = sim.control.clock.now();
    sim.control.failHost(host, 'power_loss');
    await until(async () => {
      const vm = [...sim.world.vms.values()].find((v) => v.name === vmName);
      return vm?.status === 'up' && vm.hostId !== undefined && sim.world.hosts.get(vm.hostId)?.name !== host;
    });
    const events = sim.world.events;
    const trouble = events.find((e) => e.time >= failAt && !e.vm && e.host?.name === host && HOST_TROUBLE_CODES.has(e.code));
    const backUp = events.filter((e) => e.vm?.name === vmName && e.code === E.VDS_INITIATED_RUN_VM).pop();
    if (!trouble || !backUp) throw new Error(`the engine logged no failover of ${vmName} from ${host}`);
    return { trouble, backUp };
  };

  return {
    sim,
    t,
    clock,
    until,
    order,
    failOver,
    close: async () => {
      await t.close();
      await sim.close();
    },
  };
}
