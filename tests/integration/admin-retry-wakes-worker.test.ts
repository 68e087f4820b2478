/**
 * An admin's retry starts its job at once, whichever face it comes from: the JSON admin API, the console's job page,
 * or the console's Retry of a failed service. Each goes through one use case that wakes this instance's worker, so the
 * job does not wait for the worker's next poll (a minute away here).
 */
import request from 'supertest';
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { eventually } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Well under the poll: a job run within this was woken for, not polled for. */
const PROMPTLY_MS = 5000;

describe.each(databaseKinds)('admin retries wake the worker on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind, { env: { JOB_POLL_MS: '60000' } });
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A housekeeping job that died; its handler needs only the database, so once retried it succeeds. */
  const deadHousekeeping = async (): Promise<number> => {
    await t.container.jobs.enqueue({ kind: 'housekeeping' });
    const claimed = await t.container.jobs.claim('test-worker');
    if (!claimed) throw new Error('nothing claimed');
    await t.container.jobs.fail(claimed.job.id, claimed.token, { message: 'database away', permanent: true });
    return claimed.job.id;
  };
  /** The worker polls once at start and finds nothing due; its next poll is a minute away. */
  const startIdleWorker = async (): Promise<void> => {
    t.container.worker.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  const succeeded = (id: number) => eventually(async () => (await t.container.jobs.get(id))?.state === 'succeeded', PROMPTLY_MS);

  test('when a dead job is retried through the JSON admin API, then it runs at once', async () => {
    const id = await deadHousekeeping();
    await startIdleWorker();
    const res = await request(t.app).post(`/api/v1/admin/jobs/${id}/retry`).set('Authorization', t.adminAuth).expect(200);
    expect(res.body).toMatchObject({ id, state: 'queued', attempts: 0 });
    await succeeded(id);
  });

  test('when a dead job is retried on the console, then it runs at once', async () => {
    const id = await deadHousekeeping();
    const { agent, csrf } = await signedInAgent(t.app);
    await startIdleWorker();
    await agent.post(`/admin/jobs/${id}/retry`).type('form').send({ _csrf: csrf }).expect(303);
    await succeeded(id);
  });

  test('when a failed service is retried on the console, then its reconcile job is taken up at once', async () => {
    await request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody()).expect(201);
    const plan = (await t.container.plans.list())[0]!;
    const now = new Date();
    const [service] = await t.container.repos.services.insertMany(
      [
        {
          billingServiceId: '7001',
          clientId: '900',
          planId: plan.id,
          hostname: 'retry.example',
          desiredState: 'active',
          lastEventAt: null,
        },
      ],
      now,
    );
    await t.container.repos.services.update(service!.id, { actualState: 'failed', lastError: 'the engine refused the VM' }, now);
    const { agent, csrf } = await signedInAgent(t.app);
    await startIdleWorker();
    await agent.post('/admin/services/7001/retry').type('form').send({ _csrf: csrf }).expect(303);
    // Without an engine the reconcile job has no handler and dies on its first attempt: what matters is that the
    // worker took it up at once.
    const [job] = await t.container.jobs.list({ serviceRowId: service!.id, limit: 1 });
    expect(job).toMatchObject({ kind: 'reconcile' });
    await eventually(async () => ((await t.container.jobs.get(job!.id))?.attempts ?? 0) > 0, PROMPTLY_MS);
  });
});
