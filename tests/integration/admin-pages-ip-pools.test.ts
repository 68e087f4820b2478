import { ManualClock } from '../../server/clock';
import { createAdmin, csrfOf, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { insertServices } from '../helpers/ip-pools';
import { createTestApp, type TestApp } from '../helpers/test-app';

const pool = {
  name: 'pub-v4',
  cluster: 'Default',
  network: 'ovirtmgmt',
  cidr: '192.0.2.0/24',
  gateway: '192.0.2.1',
  dns: '192.0.2.53',
  dns_search: 'example.com',
  ranges: '192.0.2.10 - 192.0.2.19',
  prefix_per_service: '',
  quarantine_minutes: '60',
};

describe.each(databaseKinds)('admin console IP pool pages on %s', (kind) => {
  let t: TestApp;
  const clock = new ManualClock('2026-12-06T10:00:00.000Z');

  beforeEach(async () => {
    clock.set('2026-12-06T10:00:00.000Z');
    t = await createTestApp(kind, { clock });
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  test('when an admin creates a pool with the form, then it is listed with its usage bar and holders show on its page', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    const empty = await agent.get('/admin/ip-pools').expect(200);
    expect(empty.text).toContain('No IP pools yet');
    expect(empty.text).toContain('href="/admin/ip-pools" aria-current="page"');

    const created = await agent
      .post('/admin/ip-pools')
      .type('form')
      .send({ ...pool, _csrf: csrf });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe('/admin/ip-pools?done=created&pool=pub-v4');

    const [s] = await insertServices(t.db.knex, 1, 'cust');
    const got = await t.container.ipAllocation.allocateNow({ serviceRowId: s!, billingServiceId: 'cust-1', cluster: 'Default' });

    const list = await agent.get('/admin/ip-pools?done=created&pool=pub-v4').expect(200);
    expect(list.text).toContain('Pool \u201cpub-v4\u201d created.');
    expect(list.text).toContain('1 of 10 addresses held');
    expect(list.text).toMatch(/class="seg seg-used" x="0%" y="0" width="10%"/);

    const page = await agent.get('/admin/ip-pools/pub-v4').expect(200);
    expect(page.text).toContain(`<code>${got.ipv4!.address}</code>`);
    expect(page.text).toContain('href="/admin/services/cust-1"');
    expect(page.text).toContain('2026-12-06 10:00:00 UTC');
    expect(page.text).toContain('cannot be deleted');
  });

  test('when the form is refused, then it shows again with what was typed and why, and nothing is stored', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    const res = await agent
      .post('/admin/ip-pools')
      .type('form')
      .send({ ...pool, gateway: '198.51.100.1', _csrf: csrf });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The pool was not saved');
    expect(res.text).toContain('gateway must be inside 192.0.2.0/24');
    expect(res.text).toContain('value="198.51.100.1"');
    expect(await t.db.knex('ip_pools').select('id')).toEqual([]);

    await agent
      .post('/admin/ip-pools')
      .type('form')
      .send({ ...pool, _csrf: csrf })
      .expect(303);
    const overlap = await agent
      .post('/admin/ip-pools')
      .type('form')
      .send({ ...pool, name: 'again', _csrf: csrf });
    expect(overlap.status).toBe(409);
    expect(overlap.text).toContain('overlaps pool pub-v4');
  });

  test('when an admin edits and deletes a pool, then the change is stored and the pool goes; a post without CSRF is refused', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    await agent
      .post('/admin/ip-pools')
      .type('form')
      .send({ ...pool, _csrf: csrf })
      .expect(303);

    const form = await agent.get('/admin/ip-pools/pub-v4/edit').expect(200);
    expect(form.text).toContain('192.0.2.10 - 192.0.2.19');
    await agent
      .post('/admin/ip-pools/pub-v4')
      .type('form')
      .send({ ...pool, ranges: '192.0.2.10-192.0.2.29', _csrf: csrfOf(form.text) })
      .expect(303);
    expect((await t.container.ipPools.get('pub-v4')).usage.size).toBe(20);

    await agent.post('/admin/ip-pools/pub-v4/delete').type('form').send({}).expect(403);
    await agent.post('/admin/ip-pools/pub-v4/delete').type('form').send({ _csrf: csrf }).expect(303);
    expect(await t.db.knex('ip_pools').select('id')).toEqual([]);
    await agent.get('/admin/ip-pools/pub-v4').expect(404);
  });
});
