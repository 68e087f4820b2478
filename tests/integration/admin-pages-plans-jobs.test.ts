/**
 * The console's plan and job pages through supertest: every POST refuses a missing CSRF token and changes nothing,
 * a bad form answers 400 (a taken product id 409) naming the field beside its input, unknown ids are 404, and a job
 * that is not dead cannot be retried (409).
 */
import { createServer } from 'node:net';
import type { Knex } from 'knex';
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { seedPlan, seedService } from '../helpers/seed';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** The plan form as a browser posts it. */
function planForm(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const form: Record<string, string | undefined> = {
    product_id: '7',
    name: 'VPS HA M',
    template: 'debian-12',
    cluster: 'Default',
    vcpus: '2',
    memory_mib: '4096',
    ha_enabled: '1',
    ha_priority: 'high',
    ha_priority_exact: '',
    sla_target_percent: '99.9',
    tier_below_0: '99.9',
    tier_credit_0: '5',
    tier_below_1: '99.5',
    tier_credit_1: '10',
    tier_below_2: '',
    tier_credit_2: '',
    sla_time_zone: 'Europe/Amsterdam',
    sla_unknown_counts_as_down: '1',
    failover_gate: 'enforce',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The <input> (or <select>) with this id, as rendered. */
function control(html: string, id: string): string {
  const m = new RegExp(`<(?:input|select)[^>]*\\bid="${id}"[^>]*>`).exec(html);
  if (!m) throw new Error(`no control #${id}`);
  return m[0];
}

async function planCount(knex: Knex): Promise<number> {
  return Number((await knex('plans').count({ n: '*' }).first())?.n ?? 0);
}

describe.each(databaseKinds)('admin console plan and job pages on %s', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const createPlan = async (overrides: Record<string, string | undefined> = {}) => {
    const { agent, csrf } = await signedInAgent(t.app);
    const res = await agent
      .post('/admin/plans')
      .type('form')
      .send({ ...planForm(overrides), _csrf: csrf });
    return { agent, csrf, res };
  };

  /** A job that died for good, through the queue as a worker would leave it. */
  const deadJob = async (message = 'no handler for job kind "mystery"') => {
    await t.container.jobs.enqueue({ kind: 'mystery' });
    const claimed = await t.container.jobs.claim('test-worker');
    if (!claimed) throw new Error('nothing claimed');
    await t.container.jobs.fail(claimed.job.id, claimed.token, { message, permanent: true });
    return claimed.job.id;
  };

  test('when a valid form is posted, then the plan is stored as the API would store it and the list shows it', async () => {
    const { agent, res } = await createPlan({ ha_priority_exact: '  ' });
    expect(res.status).toBe(303);
    const plan = (await t.container.plans.list())[0]!;
    expect(res.headers.location).toBe(`/admin/plans?done=created&plan=${plan.id}`);
    expect(plan).toMatchObject({
      productId: '7',
      ha: { enabled: true, priority: 100 },
      sla: {
        targetPercent: 99.9,
        timeZone: 'Europe/Amsterdam',
        unknownCountsAsDown: true,
        creditTiers: [
          { belowPercent: 99.9, creditPercent: 5 },
          { belowPercent: 99.5, creditPercent: 10 },
        ],
      },
      failoverGate: 'enforce',
    });
    const list = await agent.get(res.headers.location as string).expect(200);
    expect(list.text).toContain('Plan “VPS HA M” created.');
    expect(list.text).toContain('on · high');
    expect(list.text).toContain('priority 100');
    expect(list.text).toContain('below 99.5 % → 10 %');
  });

  test('when the exact priority is filled, then it wins over the named level; unchecked boxes are false', async () => {
    await createPlan({
      ha_priority: 'high',
      ha_priority_exact: '75',
      sla_unknown_counts_as_down: undefined,
      ha_enabled: undefined,
      failover_gate: 'warn',
    });
    expect((await t.container.plans.list())[0]).toMatchObject({
      ha: { enabled: false, priority: 75 },
      sla: { unknownCountsAsDown: false },
      failoverGate: 'warn',
    });
  });

  test('when a plan’s SLA rules are ticked, then the plan keeps them and the edit form shows them ticked', async () => {
    const { agent } = await createPlan({ sla_contact_loss_counts_as_down: '1', sla_unannounced_admin_stops_excluded: '1' });
    const plan = (await t.container.plans.list())[0]!;
    expect(plan.sla).toMatchObject({ contactLossCountsAsDown: true, unannouncedAdminStopsExcluded: true });
    const form = await agent.get(`/admin/plans/${plan.id}/edit`).expect(200);
    expect(form.text).toMatch(/id="sla_contact_loss_counts_as_down"[^>]* checked/);
    expect(form.text).toMatch(/id="sla_unannounced_admin_stops_excluded"[^>]* checked/);
  });

  test('when a form is invalid, then 400 names each field beside its input, keeps what was typed, and stores nothing', async () => {
    const { res } = await createPlan({ name: 'Kept name', memory_mib: '100', vcpus: '', tier_below_0: '99.95', tier_credit_1: 'ten' });
    expect(res.status).toBe(400);
    expect(await planCount(t.db.knex)).toBe(0);
    expect(res.text).toContain('The plan was not saved');
    expect(control(res.text, 'memory_mib')).toContain('aria-invalid="true"');
    expect(control(res.text, 'memory_mib')).toContain('aria-describedby="memory_mib-hint memory_mib-error"');
    expect(res.text).toContain('<p class="field-error" id="memory_mib-error">must be at least 256</p>');
    expect(res.text).toContain('<p class="field-error" id="vcpus-error">is required</p>');
    expect(res.text).toContain('<p class="field-error" id="tier_credit_1-error">must be a number</p>');
    expect(res.text).toContain('href="#memory_mib">Memory (MiB): must be at least 256</a>');
    expect(control(res.text, 'name')).toContain('value="Kept name"');
    expect(control(res.text, 'tier_credit_1')).toContain('value="ten"');
    // The engine is not configured in this app: names are typed, and the page says why.
    expect(res.text).toContain('No oVirt engine is configured');
    expect(control(res.text, 'template')).toContain('type="text"');
  });

  test('when a credit tier sits above the target, then the service rule is shown beside that tier', async () => {
    const { res } = await createPlan({ tier_below_0: '', tier_credit_0: '', tier_below_2: '99.95', tier_credit_2: '20' });
    expect(res.status).toBe(400);
    expect(control(res.text, 'tier_below_2')).toContain('aria-invalid="true"');
    expect(res.text).toContain('<p class="field-error" id="tier_below_2-error">must not be above the SLA target of 99.9%</p>');
  });

  test('when the product id is taken, then 409 says so beside it', async () => {
    const { agent, csrf } = await createPlan();
    const res = await agent
      .post('/admin/plans')
      .type('form')
      .send({ ...planForm({ name: 'Other' }), _csrf: csrf })
      .expect(409);
    expect(res.text).toContain('<p class="field-error" id="product_id-error">A plan for billing product 7 already exists.</p>');
    expect(await planCount(t.db.knex)).toBe(1);
  });

  test('when a plan is edited, then the form shows its values and a save replaces it', async () => {
    const { agent, csrf } = await createPlan({ ha_priority_exact: '75' });
    const id = (await t.container.plans.list())[0]!.id;
    const form = await agent.get(`/admin/plans/${id}/edit`).expect(200);
    expect(control(form.text, 'ha_priority_exact')).toContain('value="75"');
    expect(control(form.text, 'sla_time_zone')).toContain('value="Europe/Amsterdam"');
    const bad = await agent
      .post(`/admin/plans/${id}`)
      .type('form')
      .send({ ...planForm({ ha_priority_exact: '101' }), _csrf: csrf })
      .expect(400);
    expect(bad.text).toContain('<p class="field-error" id="ha_priority_exact-error">must be 0-100</p>');
    const saved = await agent
      .post(`/admin/plans/${id}`)
      .type('form')
      .send({ ...planForm({ name: 'VPS HA L', memory_mib: '8192' }), _csrf: csrf })
      .expect(303);
    expect(saved.headers.location).toBe(`/admin/plans?done=saved&plan=${id}`);
    expect(await t.container.plans.get(id)).toMatchObject({ name: 'VPS HA L', memoryMib: 8192, ha: { priority: 100 } });
  });

  test('when a plan is deleted after the confirmation page, then it is gone; a plan in use is refused with 409', async () => {
    const { agent, csrf } = await createPlan();
    const id = (await t.container.plans.list())[0]!.id;
    const confirm = await agent.get(`/admin/plans/${id}/delete`).expect(200);
    expect(confirm.text).toContain('Delete plan “VPS HA M”?');
    await seedService(t.db.knex, { billingServiceId: 's1', clientId: 'c1', planId: id, actualState: 'active' });
    const refused = await agent.post(`/admin/plans/${id}/delete`).type('form').send({ _csrf: csrf }).expect(409);
    expect(refused.text).toContain(`Plan ${id} is used by 1 service; move or terminate them before deleting the plan.`);
    expect(await planCount(t.db.knex)).toBe(1);
    await t.db.knex('services').delete();
    const done = await agent.post(`/admin/plans/${id}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    expect(done.headers.location).toBe(`/admin/plans?done=deleted&plan=${id}`);
    expect(await planCount(t.db.knex)).toBe(0);
  });

  test('when a POST comes without the CSRF token, then 403 and nothing changes', async () => {
    const { agent, csrf } = await createPlan();
    const plan = (await t.container.plans.list())[0]!;
    const dead = await deadJob();
    for (const [path, body] of [
      ['/admin/plans', planForm({ product_id: '8' })],
      [`/admin/plans/${plan.id}`, planForm({ name: 'Changed' })],
      [`/admin/plans/${plan.id}/delete`, {}],
      [`/admin/jobs/${dead}/retry`, {}],
      [`/admin/jobs/${dead}/discard`, {}],
    ] as const) {
      await agent.post(path).type('form').send(body).expect(403);
      await agent
        .post(path)
        .type('form')
        .send({ ...body, _csrf: `${csrf.slice(1)}x` })
        .expect(403);
    }
    expect(await t.container.plans.list()).toEqual([plan]);
    expect(await t.container.jobs.get(dead)).toMatchObject({ state: 'dead' });
  });

  test('when a plan or job id is unknown or not an id, then 404', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    for (const path of [
      '/admin/plans/999/edit',
      '/admin/plans/999/delete',
      '/admin/plans/abc/edit',
      '/admin/jobs/999',
      '/admin/jobs/0',
      '/admin/jobs/x1',
    ]) {
      const res = await agent.get(path).set('Accept', 'text/html').expect(404);
      expect(res.text).toContain('Page not found');
    }
    for (const path of ['/admin/plans/999', '/admin/plans/999/delete', '/admin/jobs/999/retry', '/admin/jobs/999/discard']) {
      await agent
        .post(path)
        .type('form')
        .send({ ...planForm(), _csrf: csrf })
        .expect(404);
    }
  });

  test('when a job is dead, then the list shows it with its service and error, and it can be retried or discarded', async () => {
    const plan = await seedPlan(t.db.knex, { productId: 'p', template: 't', cluster: 'c', vcpus: 1, memoryMib: 512, ha: { priority: 1 } });
    const row = (await seedService(t.db.knex, { billingServiceId: '3001', clientId: 'c1', planId: plan.id, actualState: 'failed' })).id;
    await t.container.jobs.enqueue({ kind: 'reconcile', serviceRowId: row });
    const claimed = (await t.container.jobs.claim('w'))!;
    await t.container.jobs.fail(claimed.job.id, claimed.token, {
      message: `template "t" not found in the engine; ${'x'.repeat(300)} END`,
      permanent: true,
    });
    const id = claimed.job.id;
    const { agent, csrf } = await signedInAgent(t.app);

    const list = await agent.get('/admin/jobs?state=dead').expect(200);
    expect(list.text).toContain(`href="/admin/jobs/${id}">#${id}</a>`);
    expect(list.text).toContain('<a href="/admin/services/3001">3001</a>');
    expect(list.text).toContain('template &quot;t&quot; not found in the engine');
    expect(list.text).not.toContain('END');
    expect(list.text).toMatch(/aria-current="page">dead <span class="tab-count">1<\/span>/);
    const page = await agent.get(`/admin/jobs/${id}`).expect(200);
    expect(page.text).toContain(' END</pre>');

    const retried = await agent
      .post(`/admin/jobs/${id}/retry`)
      .type('form')
      .send({ _csrf: csrf, return_to: '/admin/jobs?state=dead' })
      .expect(303);
    expect(retried.headers.location).toBe(`/admin/jobs?state=dead&done=retried&job=${id}`);
    expect(await t.container.jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await agent.get(retried.headers.location as string)).text).toContain(`Job ${id} is queued again with fresh attempts.`);

    // Queued now: neither retry nor discard applies.
    const again = await agent.post(`/admin/jobs/${id}/retry`).type('form').send({ _csrf: csrf }).expect(409);
    expect(again.text).toContain(`Job ${id} is queued; only dead or cancelled jobs can be retried.`);
    await agent.post(`/admin/jobs/${id}/discard`).type('form').send({ _csrf: csrf }).expect(409);

    const other = await deadJob();
    const discarded = await agent
      .post(`/admin/jobs/${other}/discard`)
      .type('form')
      .send({ _csrf: csrf, return_to: 'https://evil.example/' })
      .expect(303);
    expect(discarded.headers.location).toBe(`/admin/jobs/${other}?done=discarded&job=${other}`);
    expect(await t.container.jobs.get(other)).toMatchObject({ state: 'cancelled' });
    expect(await t.container.jobs.countByState()).toMatchObject({ dead: 0 });
  });

  test('when jobs fill more than a page, then "older" pages by id and the filters hold', async () => {
    await t.container.jobs.enqueueMany(Array.from({ length: 60 }, () => ({ kind: 'callback' })));
    await t.container.jobs.enqueue({ kind: 'housekeeping' });
    const { agent } = await signedInAgent(t.app);
    const first = await agent.get('/admin/jobs?state=queued&kind=callback').expect(200);
    // Handlebars escapes = and & in attributes; a browser reads them back.
    const older = /href="([^"]+)">Older jobs/
      .exec(first.text)?.[1]
      ?.replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(older).toMatch(/^\/admin\/jobs\?state=queued&kind=callback&before_id=\d+$/);
    const second = await agent.get(older!).expect(200);
    expect((second.text.match(/<th scope="row"/g) ?? []).length).toBe(10);
    expect(second.text).not.toContain('Older jobs');
    expect(second.text).toContain('Newest jobs');
    expect(second.text).not.toContain('<code>housekeeping</code>');
    await agent.get('/admin/jobs?state=exploded').set('Accept', 'text/html').expect(400);
    await agent.get('/admin/jobs?kind=&state=').expect(200);
  });

  test('when the engine cannot be reached, then the plan form still opens, with typed names and the reason', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = await createTestApp(kind, {
      engine: {
        url: `http://127.0.0.1:${port}/ovirt-engine`,
        username: 'admin@internal',
        password: 'x',
        timeoutMs: 1000,
        maxInFlight: 2,
        readRetries: 0,
      },
    });
    try {
      await createAdmin(down);
      const { agent } = await signedInAgent(down.app);
      const res = await agent.get('/admin/plans/new').expect(200);
      expect(res.text).toMatch(
        /The engine’s templates and clusters could not be read \(cannot reach the engine.+\), so type their names by hand\./,
      );
      expect(control(res.text, 'cluster')).toContain('type="text"');
    } finally {
      await down.close();
    }
  });
});
