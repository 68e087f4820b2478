/**
 * Incident notices exactly once with three instances and a change of event leader: three
 * containers, each with its own connection pool on one MariaDB, all sweeping at once at every step; the leader reads
 * the host failure's start, stops, and another instance reads its end. Each VPS's panel hears opened and resolved once,
 * the provider hears host_failed once.
 */
import request from 'supertest';
import { type Container, createContainer } from '../../server/container';
import { SecretBox } from '../../server/crypto/secret-box';
import { createKnex, type Knex } from '../../server/db/knex';
import { createLogger } from '../../server/logger';
import { IncidentNoticesRepository } from '../../server/repositories/incident-notices';
import { CallbackService } from '../../server/use-cases/callbacks';
import { IncidentNotices } from '../../server/use-cases/incident-notices';
import { WebhookSigner } from '../../server/webhooks/signature';
import { type CallbackSink, sendWebhook, startCallbackSink } from '../helpers/billing';
import { mysqlUrl } from '../helpers/databases';
import { engineTarget } from '../helpers/simulator';
import { testConfig, TEST_SECRETS } from '../helpers/test-app';
import { startUptimeWorld, UPTIME_ENV, type UptimeWorld } from '../helpers/uptime-world';

interface Instance {
  container: Container;
  notices: IncidentNotices;
  knex?: Knex;
}

/** The sweep the periodic task runs, built for one instance as container.ts builds it. */
function noticesOf(c: Container, url: string): IncidentNotices {
  const logger = createLogger('silent');
  return new IncidentNotices({
    knex: c.knex,
    notices: new IncidentNoticesRepository(c.knex),
    services: c.repos.services,
    report: (service) => c.uptime.forService(service, undefined, c.config.client.hostNames),
    callbacks: new CallbackService({
      url,
      signer: new WebhookSigner(TEST_SECRETS.WEBHOOK_SECRET),
      jobs: c.jobs,
      secrets: new SecretBox(TEST_SECRETS.SECRETS_KEY),
      clock: c.clock,
      logger,
    }),
    clock: c.clock,
    logger,
  });
}

(mysqlUrl ? describe : describe.skip)('incident notices with three instances on one MariaDB', () => {
  let w: UptimeWorld;
  let sink: CallbackSink;
  const instances: Instance[] = [];

  beforeAll(async () => {
    sink = await startCallbackSink();
    w = await startUptimeWorld('mysql', { env: { BILLING_CALLBACK_URL: sink.url } });
    instances.push({ container: w.t.container, notices: noticesOf(w.t.container, sink.url) });
    for (let i = 0; i < 2; i++) {
      const knex = createKnex(w.t.db.target);
      const container = createContainer(testConfig({ DATABASE_URL: w.t.db.url, ...UPTIME_ENV, BILLING_CALLBACK_URL: sink.url }), {
        knex,
        clock: w.clock,
        engine: engineTarget(w.sim),
        logger: createLogger('silent'),
      });
      instances.push({ container, notices: noticesOf(container, sink.url), knex });
    }
  }, 60_000);
  afterAll(async () => {
    for (const i of instances.slice(1)) {
      await i.container.eventSync?.stop();
      await i.container.ovirt?.close();
      await i.knex?.destroy();
    }
    await w?.close();
    await sink?.close();
  });

  const vmOf = (name: string) => [...w.sim.world.vms.values()].find((v) => v.name === name)!;
  const hostName = (id: string | undefined) => (id ? w.sim.world.hosts.get(id)?.name : undefined);
  const stateOf = async (billingServiceId: string) =>
    (
      (await w.t.db.knex('services').where({ billing_service_id: billingServiceId }).first('actual_state')) as
        { actual_state: string } | undefined
    )?.actual_state;
  const step = async () => {
    w.sim.control.advance(1000);
    await new Promise((r) => setTimeout(r, 25));
  };
  /** Every instance sweeps at once, twice. */
  const sweepAll = async () => {
    for (let round = 0; round < 2; round++) await Promise.all(instances.map((i) => i.notices.sweep()));
  };
  const notices = async () =>
    ((await w.t.db.knex('jobs').where({ kind: 'callback' }).orderBy('id').select('payload')) as Array<{ payload: string }>)
      .map((r) => JSON.parse(r.payload) as { type: string; data: { service_id?: string } })
      .filter((n) => n.type.startsWith('service.incident_') || n.type === 'cluster.host_failed');

  test('when the leader reads a host failure, then hands over, then each notice is queued once', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    expect(await a.container.eventSync!.tick()).toBeDefined();
    for (const [sid, cid] of [
      ['4001', '81'],
      ['4002', '82'],
      ['4003', '83'],
    ]) {
      await sendWebhook(w.t.app, { type: 'service.create', data: { service_id: sid, client_id: cid, product_id: '7' } }).expect(202);
    }
    for (let i = 0; i < 600 && !(await Promise.all(['4001', '4002', '4003'].map(stateOf))).every((s) => s === 'active'); i++) await step();
    await a.container.eventSync!.tick();
    const host = hostName(vmOf('vps-4001').hostId)!;
    const onHost = ['4001', '4002', '4003'].filter((sid) => hostName(vmOf(`vps-${sid}`).hostId) === host);
    // The other instances cannot lead while A does.
    expect(await b.container.eventSync!.tick()).toBeUndefined();

    w.sim.control.failHost(host, 'power_loss');
    let opened = 0;
    for (let i = 0; i < 600 && opened < onHost.length; i++) {
      await step();
      await a.container.eventSync!.tick();
      await sweepAll();
      opened = (await notices()).filter((n) => n.type === 'service.incident_opened').length;
    }
    expect(opened).toBe(onHost.length);

    // The leader stops (as at a shutdown); B or C takes over, whichever asks first.
    await a.container.eventSync!.stop();
    const leads = await Promise.all([b.container.eventSync!.tick(), c.container.eventSync!.tick()]);
    expect(leads.filter((r) => r !== undefined)).toHaveLength(1);
    const leader = leads[0] !== undefined ? b : c;
    for (
      let i = 0;
      i < 900 && !onHost.every((sid) => vmOf(`vps-${sid}`).status === 'up' && hostName(vmOf(`vps-${sid}`).hostId) !== host);
      i++
    ) {
      await step();
      await leader.container.eventSync!.tick();
      await sweepAll();
    }
    for (let i = 0; i < 60; i++) await step();
    await leader.container.eventSync!.tick();
    await sweepAll();
    w.sim.control.advance(15 * 60_000);
    await sweepAll();

    const all = await notices();
    for (const sid of onHost)
      expect(all.filter((n) => n.data.service_id === sid).map((n) => n.type)).toEqual([
        'service.incident_opened',
        'service.incident_resolved',
      ]);
    expect(all.filter((n) => n.type === 'cluster.host_failed')).toHaveLength(1);
    expect(all.filter((n) => n.type === 'cluster.host_failed')[0]!.data).toMatchObject({
      host,
      services_affected: onHost.length,
      services_restarted: onHost.length,
    });
    expect(all).toHaveLength(onHost.length * 2 + 1);
    // The customers' reports agree: one incident per VPS on the host.
    const res = await request(w.t.app).get('/api/v1/services/4001/uptime').set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
    expect(res.body.incidents).toHaveLength(1);
  }, 300_000);
});
