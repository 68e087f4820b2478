/**
 * Incident notices on the simulator's clock: a host failure tells each VPS's panel once that its
 * outage opened and once that it ended, and the provider once that the host failed (not once per VPS); a crash is
 * told too; the customer's own shutdown and the panel's suspension are told nothing.
 */
import { type CallbackSink, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

interface Notice {
  type: string;
  data: Record<string, unknown> & { service_id?: string; incident?: Record<string, unknown> };
}

describe.each(databaseKinds)('incident notices on %s', (kind) => {
  let w: UptimeWorld;
  let sink: CallbackSink;

  beforeAll(async () => {
    sink = await startCallbackSink();
    w = await startUptimeWorld(kind, { env: { BILLING_CALLBACK_URL: sink.url } });
    await w.t.container.eventSync!.tick();
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    await sink?.close();
  });

  const tick = () => w.t.container.eventSync!.tick();
  /**
   * Like the world's `until`, with more real time between simulated seconds: on MariaDB a job's round trips take
   * long enough that the world's pace ran the engine's clock past the provisioning timeouts now and then.
   */
  const patiently = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 600; i++) {
      if (await check()) return;
      w.sim.control.advance(1000);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('condition not met within 600 simulated seconds');
  };
  const stateOf = async (billingServiceId: string) =>
    (
      (await w.t.db.knex('services').where({ billing_service_id: billingServiceId }).first('actual_state')) as
        { actual_state: string } | undefined
    )?.actual_state;
  const order = async (billingServiceId: string, clientId: string) => {
    await sendWebhook(w.t.app, {
      type: 'service.create',
      data: { service_id: billingServiceId, client_id: clientId, product_id: '7', hostname: `vps${billingServiceId}.example.net` },
    }).expect(202);
    await patiently(async () => (await stateOf(billingServiceId)) === 'active').catch(async (err: unknown) => {
      const row = await w.t.db.knex('services').where({ billing_service_id: billingServiceId }).first('actual_state', 'last_error');
      const jobs = await w.t.db.knex('jobs').whereNot('state', 'succeeded').select('kind', 'state', 'last_error', 'attempts');
      const hosts = [...w.sim.world.hosts.values()].map((h) => `${h.name}:${h.status}`).join(' ');
      throw new Error(
        `${String(err)}; ${JSON.stringify(row)}; hosts ${hosts}; jobs ${JSON.stringify(jobs.filter((j: { kind: string }) => j.kind !== 'callback'))}`,
      );
    });
    return hostName(vmOf(`vps-${billingServiceId}`).hostId)!;
  };
  /** Runs the sweep the periodic task runs, through the worker, and waits for it. */
  const sweep = async () => {
    const { knex } = w.t.db;
    await w.t.container.jobs.enqueue({ kind: 'incident_notices' });
    w.t.container.worker.wake();
    for (let i = 0; i < 400; i++) {
      const open = await knex('jobs').where({ kind: 'incident_notices' }).whereIn('state', ['queued', 'running']).first('id');
      if (!open) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the notice sweep did not finish');
  };
  const notices = async (): Promise<Notice[]> =>
    ((await w.t.db.knex('jobs').where({ kind: 'callback' }).orderBy('id').select('payload')) as Array<{ payload: string }>)
      .map((r) => JSON.parse(r.payload) as Notice)
      .filter((n) => n.type.startsWith('service.incident_') || n.type === 'cluster.host_failed');
  const vmOf = (name: string) => [...w.sim.world.vms.values()].find((v) => v.name === name)!;
  const hostName = (id: string | undefined) => (id ? w.sim.world.hosts.get(id)?.name : undefined);

  test('when a host fails under two VPS, then each panel hears opened then resolved once, and the provider hears host_failed once with both', async () => {
    const host = await order('3001', '71');
    // A second VPS on the same host, if the engine put it there; else the test still covers one.
    await order('3002', '72');
    await tick();
    const onHost = ['vps-3001', 'vps-3002'].filter((n) => hostName(vmOf(n).hostId) === host);
    w.sim.control.advance(3600_000);
    await tick();

    w.sim.control.failHost(host, 'power_loss');
    // Until the engine marks the VMs as lost: the incidents are open.
    await w.until(async () => {
      await tick();
      await sweep();
      return (await notices()).filter((n) => n.type === 'service.incident_opened').length >= onHost.length;
    }, 2000);
    await w.until(async () => onHost.every((n) => vmOf(n).status === 'up' && hostName(vmOf(n).hostId) !== host));
    w.sim.control.advance(60_000);
    await tick();
    await sweep();
    await sweep();
    w.sim.control.advance(15 * 60_000);
    await sweep();

    const all = await notices();
    for (const name of onHost) {
      const sid = name.slice('vps-'.length);
      expect(all.filter((n) => n.data.service_id === sid).map((n) => n.type)).toEqual([
        'service.incident_opened',
        'service.incident_resolved',
      ]);
    }
    const opened = all.find((n) => n.type === 'service.incident_opened' && n.data.service_id === '3001')!;
    expect(opened.data).toMatchObject({ service_id: '3001', client_id: '71', hostname: 'vps3001.example.net' });
    expect(opened.data.incident).toMatchObject({ ended_at: null, counts_against_sla: true });
    expect(String(opened.data.incident!.summary)).toMatch(/failed at \d\d:\d\d:\d\d/);
    const resolved = all.find((n) => n.type === 'service.incident_resolved' && n.data.service_id === '3001')!;
    expect(resolved.data.incident).toMatchObject({ id: opened.data.incident!.id, cause: 'ha_restart', counts_against_sla: true });
    expect(resolved.data.incident!.ended_at).toEqual(expect.any(String));
    expect(resolved.data.incident!.downtime_seconds).toBeGreaterThan(60);

    const hostFailed = all.filter((n) => n.type === 'cluster.host_failed');
    expect(hostFailed).toHaveLength(1);
    expect(hostFailed[0]!.data).toEqual({
      host,
      clusters: ['Default'],
      failed_at: opened.data.incident!.started_at,
      services_affected: onHost.length,
      services_restarted: onHost.length,
      services_still_down: 0,
    });
    expect(hostFailed[0]!.data).not.toHaveProperty('service_id');
    // What the panel received: each notice once, signed like every callback (the signature's timestamp is the
    // simulator's clock here, so the sink's five-minute check against the real clock cannot pass; the header is there).
    await w.until(async () => sink.received.filter((r) => r.body.type === 'cluster.host_failed').length === 1, 100);
    const got = sink.received.filter((r) => r.body.type.startsWith('service.incident_') || r.body.type === 'cluster.host_failed');
    expect(got.every((r) => /^v1,/.test(r.headers['webhook-signature'] ?? ''))).toBe(true);
    expect(got.map((r) => r.body.type).sort()).toEqual(all.map((n) => n.type).sort());
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(got.length);
    // The host back, so later orders find room for N+1.
    w.sim.control.restoreHost(host);
    w.sim.control.advance(10 * 60_000);
    await tick();
  }, 120_000);

  test('when a VPS is shut down from inside, or suspended by the panel, then no notice goes', async () => {
    await order('3003', '73');
    await order('3004', '74');
    await tick();
    const before = (await notices()).length;

    w.sim.control.guestShutdownVm('vps-3003');
    await w.until(async () => vmOf('vps-3003').status === 'down');
    await sendWebhook(w.t.app, { type: 'service.suspend', data: { service_id: '3004' } }).expect(202);
    await patiently(async () => (await stateOf('3004')) === 'suspended');
    w.sim.control.advance(60_000);
    await tick();
    await sweep();
    w.sim.control.advance(60_000);
    await sweep();

    const causes = (await w.t.db
      .knex('incidents')
      .join('services', 'services.id', 'incidents.service_row_id')
      .whereIn('services.billing_service_id', ['3003', '3004'])
      .select('cause')) as Array<{ cause: string }>;
    expect(causes.map((c) => c.cause).sort()).toEqual(['customer', 'planned']);
    expect((await notices()).length).toBe(before);
  }, 120_000);

  test('when a VPS crashes and HA restarts it, then its panel hears of it (opened or resolved once each), the provider nothing', async () => {
    await order('3005', '75');
    await tick();
    const hostFailuresBefore = (await notices()).filter((n) => n.type === 'cluster.host_failed').length;

    w.sim.control.crashVm('vps-3005');
    await w.until(async () => vmOf('vps-3005').status === 'up', 1000);
    await tick();
    await sweep();
    await sweep();

    const mine = (await notices()).filter((n) => n.data.service_id === '3005');
    expect(mine.map((n) => n.type)).toEqual(['service.incident_resolved']);
    expect(mine[0]!.data.incident).toMatchObject({ cause: 'crash', counts_against_sla: true });
    expect((await notices()).filter((n) => n.type === 'cluster.host_failed')).toHaveLength(hostFailuresBefore);
  }, 120_000);
});
