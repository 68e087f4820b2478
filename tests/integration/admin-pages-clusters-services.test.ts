/**
 * The console's cluster and service pages over HTTP (supertest), on both databases: Retry of a failed service (CSRF,
 * wrong state, unknown service, and the real thing on the simulator), the services search and its pages, 404s for
 * unknown clusters and services, a what-if naming an unknown host, and the pages without an engine or with a failing one.
 */
import type { RunningSimulator } from '../../ovirt-simulator';
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { eventually, sendWebhook } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';
import request from 'supertest';

const ENV = { ...FAST_JOBS, CAPACITY_CACHE_MS: '0' };

describe.each(databaseKinds)('admin cluster and service pages on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;
  let signedIn: Awaited<ReturnType<typeof signedInAgent>>;

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await createTestApp(kind, { engine: engineTarget(sim), env: ENV });
    await createAdmin(t);
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: '7', ha: { enabled: true, priority: 100 } }))
      .expect(201);
    t.container.worker.start();
    signedIn = await signedInAgent(t.app);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const state = async (billingServiceId: string) =>
    (await t.container.repos.services.findByBillingServiceId(billingServiceId))?.actualState;
  const order = async (billingServiceId: string) => {
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: billingServiceId, client_id: '55', product_id: '7', hostname: `vps${billingServiceId}.example.net` },
    }).expect(202);
  };
  /** An order the engine refuses once (400 on create): the service ends `failed`, its job dead. */
  const failedOrder = async (billingServiceId: string) => {
    sim.control.addFault({ kind: 'error', status: 400, method: 'POST', path: '/api/vms', times: 1 });
    await order(billingServiceId);
    // The service is marked failed before its job's own outcome is written: wait for both, so later snapshots hold.
    await eventually(
      async () => (await state(billingServiceId)) === 'failed' && (await reconcileJobs(billingServiceId)).every((j) => j.state === 'dead'),
    );
  };
  const reconcileJobs = async (billingServiceId: string) => {
    const service = await t.container.repos.services.findByBillingServiceId(billingServiceId);
    return t.container.jobs.list({ serviceRowId: service?.id, kind: 'reconcile' });
  };

  test('when Retry is posted without the CSRF token, then it is refused (403) and nothing is queued', async () => {
    await failedOrder('6001');
    const before = await reconcileJobs('6001');
    const res = await signedIn.agent.post('/admin/services/6001/retry').type('form').send({});
    expect(res.status).toBe(403);
    const forged = await signedIn.agent.post('/admin/services/6001/retry').type('form').send({ _csrf: 'not-the-token-0000000000000' });
    expect(forged.status).toBe(403);
    expect(await reconcileJobs('6001')).toEqual(before);
    expect(await state('6001')).toBe('failed');
  });

  test('when an admin retries a failed service, then provisioning runs again and the VPS becomes active', async () => {
    await failedOrder('6002');
    const page = await signedIn.agent.get('/admin/services/6002').expect(200);
    expect(page.text).toContain('Retry provisioning');
    expect(page.text).toContain('The engine refused the VM');

    const res = await signedIn.agent.post('/admin/services/6002/retry').type('form').send({ _csrf: signedIn.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/services/6002?done=retry');
    const after = await signedIn.agent.get(res.headers.location as string).expect(200);
    expect(after.text).toContain('Provisioning was queued again');
    expect(after.text).not.toContain('Retry provisioning');

    await eventually(async () => (await state('6002')) === 'active');
    const service = await t.container.repos.services.findByBillingServiceId('6002');
    expect(service).toMatchObject({ lastError: null, vmName: 'vps-6002' });
    expect([...sim.world.vms.values()].filter((v) => v.name === 'vps-6002')).toHaveLength(1);
    const jobs = await reconcileJobs('6002');
    expect(jobs.map((j) => j.state).sort()).toEqual(['dead', 'succeeded']);
  });

  test('when Retry is posted for a service that has not failed, then it is a conflict (409) and nothing is queued', async () => {
    await order('6003');
    await eventually(async () => (await state('6003')) === 'active');
    const before = await reconcileJobs('6003');
    const res = await signedIn.agent
      .post('/admin/services/6003/retry')
      .type('form')
      .send({ _csrf: signedIn.csrf })
      .set('Accept', 'text/html');
    expect(res.status).toBe(409);
    expect(res.text).toContain('Service 6003 is active; only a failed service can be retried.');
    expect(await reconcileJobs('6003')).toEqual(before);
  });

  test('an unknown service is 404 for its page and for Retry', async () => {
    expect((await signedIn.agent.get('/admin/services/nope-404').set('Accept', 'text/html')).status).toBe(404);
    const res = await signedIn.agent.post('/admin/services/nope-404/retry').type('form').send({ _csrf: signedIn.csrf });
    expect(res.status).toBe(404);
  });

  test('the services search finds by id, client and part of a hostname, filters by state, and pages by 50', async () => {
    const now = new Date();
    await t.container.repos.services.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        billingServiceId: `bulk-${i}`,
        clientId: '900',
        planId: 1,
        hostname: `node${i}.bulk_test.example`,
        desiredState: 'active' as const,
        lastEventAt: null,
      })),
      now,
    );
    const rows = (html: string) => (html.match(/<tr>\s*<th scope="row"><a href="\/admin\/services\//g) ?? []).length;

    const first = await signedIn.agent.get('/admin/services?q=900').expect(200);
    expect(rows(first.text)).toBe(50);
    expect(first.text).toContain('1–50 of 60');
    expect(first.text).toContain('href="/admin/services?q&#x3D;900&amp;page&#x3D;2"');
    const second = await signedIn.agent.get('/admin/services?q=900&page=2').expect(200);
    expect(rows(second.text)).toBe(10);

    // `_` is a character to match, not LIKE's wildcard.
    expect((await signedIn.agent.get('/admin/services?q=bulk_test').expect(200)).text).toContain('1–50 of 60');
    expect(rows((await signedIn.agent.get('/admin/services?q=bulkxtest').expect(200)).text)).toBe(0);
    expect(rows((await signedIn.agent.get('/admin/services?q=node7.').expect(200)).text)).toBe(1);
    expect(rows((await signedIn.agent.get('/admin/services?q=6003').expect(200)).text)).toBe(1);
    const failed = await signedIn.agent.get('/admin/services?state=failed').expect(200);
    expect(failed.text).toContain('6001');
    expect(failed.text).not.toContain('6003');
    expect((await signedIn.agent.get('/admin/services?state=sleeping').set('Accept', 'text/html')).status).toBe(400);
    expect((await signedIn.agent.get('/admin/services?page=0').set('Accept', 'text/html')).status).toBe(400);
  });

  test('an unknown cluster is 404; a what-if naming an unknown host is 400 and says which', async () => {
    expect((await signedIn.agent.get('/admin/clusters/Nope').set('Accept', 'text/html')).status).toBe(404);
    expect((await signedIn.agent.get('/admin/clusters/Nope/what-if?hosts=host1').set('Accept', 'text/html')).status).toBe(404);
    const bad = await signedIn.agent.get('/admin/clusters/Default/what-if?hosts=host1,host9').set('Accept', 'text/html');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('There is no host host9 in cluster Default.');
    expect(bad.text).toContain('name="hosts" value="host1"');
    const good = await signedIn.agent.get('/admin/clusters/Default/what-if?hosts=host1&hosts=host2').expect(200);
    expect(good.text).toMatch(/If host1 and host2 fail/);
  });

  test('when the engine fails, then the pages say so with its status instead of a 500', async () => {
    const rule = sim.control.addFault({ kind: 'error', status: 500, method: 'GET', path: '/api/clusters*' });
    try {
      const list = await signedIn.agent.get('/admin/clusters');
      expect(list.status).toBe(503);
      expect(list.text).toContain('The oVirt engine could not be read');
      const one = await signedIn.agent.get('/admin/clusters/Default');
      expect(one.status).toBe(503);
      expect(one.text).toContain('The oVirt engine could not be read');
      const headroom = await signedIn.agent.get('/admin/clusters/headroom');
      expect(headroom.status).toBe(200);
      expect(headroom.text).toContain('This cluster could not be counted');
    } finally {
      sim.control.removeFault(rule.id);
    }
  });
});

describe('admin cluster pages without an engine', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await createAdmin(t);
  });
  afterAll(async () => t?.close());

  test('each page says plainly that no engine is configured', async () => {
    const { agent } = await signedInAgent(t.app);
    for (const [path, status] of [
      ['/admin/clusters', 200],
      ['/admin/clusters/headroom', 200],
      ['/admin/clusters/Default', 503],
      ['/admin/clusters/Default/what-if?hosts=host1', 503],
    ] as const) {
      const res = await agent.get(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(res.text).toContain('No oVirt engine is configured');
    }
  });
});
