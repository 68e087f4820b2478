/**
 * Issue 21, item 21: a suspend job killed after the VM shut down but before it recorded `suspended` ended, once an
 * unsuspend followed, in a `service.unsuspended` callback with no `service.suspended` before it. The panel hears each
 * transition the VPS really went through, in order. The kill is simulated where it hurts: the write that records
 * `suspended` never happens and the job's lease is left to expire, as after a SIGKILL.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { LeaseLostError } from '../../server/jobs/job-errors';
import { type CallbackSink, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

describe.each(databaseKinds)('a suspend killed midway on %s', (kind) => {
  let sim: RunningSimulator;
  let sink: CallbackSink;
  let t: TestApp;

  beforeEach(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    sink = await startCallbackSink();
    t = await createTestApp(kind, {
      engine: engineTarget(sim),
      env: { ...FAST_JOBS, PROVISION_SHUTDOWN_TIMEOUT_MS: '2000', BILLING_CALLBACK_URL: sink.url },
    });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7' }))
      .expect(201);
  });
  afterEach(async () => {
    await t.close();
    await sink.close();
    await sim.close();
  });

  /** Runs jobs to their end, one at a time, as one worker would, until none is left waiting (a retry included). */
  async function drain(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (await t.container.worker.runOne()) continue;
      if ((await t.container.jobs.countByState()).queued === 0) return;
      if (Date.now() > deadline) throw new Error('jobs still waiting after 30 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const vm = (billingServiceId: string) => [...sim.world.vms.values()].find((v) => v.name === `vps-${billingServiceId}`);
  const told = (billingServiceId: string) =>
    sink.received.filter((r) => r.body.data.service_id === billingServiceId).map((r) => r.body.type);
  const actualState = async (billingServiceId: string) =>
    ((await t.db.knex('services').where({ billing_service_id: billingServiceId }).first('actual_state')) as { actual_state: string })
      .actual_state;

  async function activeService(billingServiceId: string): Promise<void> {
    await sendWebhook(t.app, { type: 'service.create', data: { service_id: billingServiceId, client_id: '55', product_id: '7' } }).expect(
      202,
    );
    await drain();
    expect(told(billingServiceId)).toEqual(['service.active']);
  }

  /**
   * Runs the suspend job and kills it at `at`: after the VM is down and before `suspended` is recorded, or before the
   * shutdown reached the engine. Nothing the dead instance would not have written is written; its lease stays.
   */
  async function suspendKilled(billingServiceId: string, at: 'before_record' | 'before_shutdown'): Promise<void> {
    const repo = t.container.repos.services;
    const ovirt = t.container.ovirt!;
    const update = repo.update.bind(repo);
    const shutdown = ovirt.shutdownVmWithin.bind(ovirt);
    let dead = false;
    repo.update = async (...args: Parameters<typeof update>) => {
      if (dead || (at === 'before_record' && args[1].actualState === 'suspended')) {
        dead = true;
        throw new LeaseLostError(0);
      }
      return update(...args);
    };
    ovirt.shutdownVmWithin = async (...args: Parameters<typeof shutdown>) => {
      if (at === 'before_shutdown') {
        dead = true;
        throw new LeaseLostError(0);
      }
      return shutdown(...args);
    };
    try {
      await sendWebhook(t.app, { type: 'service.suspend', data: { service_id: billingServiceId, reason: 'overdue' } }).expect(202);
      await t.container.worker.runOne();
    } finally {
      repo.update = update;
      ovirt.shutdownVmWithin = shutdown;
    }
    expect(dead).toBe(true);
    expect(await actualState(billingServiceId)).toBe('suspending');
    expect(await t.container.jobs.list({ state: 'running' })).toHaveLength(1);
  }

  /** The dead instance's lease runs out and a live one takes its job back. */
  async function leaseExpires(): Promise<void> {
    await t.db
      .knex('jobs')
      .where({ state: 'running' })
      .update({ lease_expires_at: new Date(Date.now() - 1000) });
    expect(await t.container.jobs.reapExpired()).toBe(1);
  }

  test('when an unsuspend follows a suspend killed after the VM went down, then the panel hears suspended, then unsuspended', async () => {
    await activeService('2101');
    await suspendKilled('2101', 'before_record');
    expect(vm('2101')?.status).toBe('down');

    await sendWebhook(t.app, { type: 'service.unsuspend', data: { service_id: '2101' } }).expect(202);
    await leaseExpires();
    await drain();

    expect(told('2101')).toEqual(['service.active', 'service.suspended', 'service.unsuspended']);
    expect(await actualState('2101')).toBe('active');
    expect(vm('2101')?.status).toBe('up');
  });

  test('when the killed suspend is taken back and finds the VM already down, then it still records suspended and tells the panel once', async () => {
    await activeService('2102');
    await suspendKilled('2102', 'before_record');

    await leaseExpires();
    await drain();

    expect(told('2102')).toEqual(['service.active', 'service.suspended']);
    expect(await actualState('2102')).toBe('suspended');
  });

  test('when a terminate follows a suspend killed after the VM went down, then the panel hears suspended, then terminated', async () => {
    await activeService('2103');
    await suspendKilled('2103', 'before_record');

    await sendWebhook(t.app, { type: 'service.terminate', data: { service_id: '2103' } }).expect(202);
    await leaseExpires();
    await drain();

    expect(told('2103')).toEqual(['service.active', 'service.suspended', 'service.terminated']);
    expect(vm('2103')).toBeUndefined();
  });

  test(
    'when a suspend was killed before the VM went down and an unsuspend follows, then the VPS never left active and the panel hears ' +
      'nothing more',
    async () => {
      await activeService('2104');
      await suspendKilled('2104', 'before_shutdown');
      expect(vm('2104')?.status).toBe('up');

      await sendWebhook(t.app, { type: 'service.unsuspend', data: { service_id: '2104' } }).expect(202);
      await leaseExpires();
      await drain();

      expect(told('2104')).toEqual(['service.active']);
      expect(await actualState('2104')).toBe('active');
      expect(vm('2104')?.status).toBe('up');
    },
  );
});
