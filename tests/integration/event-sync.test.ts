/**
 * Event ingestion against the simulator: events lost to the engine's purge become unknown time (never up), an engine
 * that restarted its ids is read on without counting anything twice, and on MySQL/MariaDB the lead moves to another
 * instance when the leader dies, without losing or double-counting events.
 */
import request from 'supertest';
import { createContainer, type Container } from '../../server/container';
import { createKnex } from '../../server/db/knex';
import { PositionMovedError } from '../../server/events/event-sync';
import { eventLockName } from '../../server/events/leadership';
import { VM_CODES } from '../../server/domain/timeline';
import { createLogger } from '../../server/logger';
import { eventually } from '../helpers/billing';
import { databaseKinds, mysqlUrl } from '../helpers/databases';
import { engineTarget } from '../helpers/simulator';
import { testConfig } from '../helpers/test-app';
import { BILLING_AUTH, startUptimeWorld, UPTIME_ENV, type UptimeWorld } from '../helpers/uptime-world';

const uptime = (w: UptimeWorld, id: string) =>
  request(w.t.app).get(`/api/v1/services/${id}/uptime`).set('Authorization', BILLING_AUTH).expect(200);
const vmNamed = (w: UptimeWorld, name: string) => [...w.sim.world.vms.values()].find((v) => v.name === name);
/** Events about our VMs that the incident builder reads (the ingester keeps exactly these). */
const ourEvents = (w: UptimeWorld) => w.sim.world.events.filter((e) => e.vm?.name?.startsWith('vps-') && VM_CODES.has(e.code)).length;

describe.each(databaseKinds)('event sync on %s', (kind) => {
  let w: UptimeWorld;
  beforeEach(async () => {
    w = await startUptimeWorld(kind);
  }, 60_000);
  afterEach(async () => {
    await w.close();
  });

  test('when the engine purged events the bridge had not read, then that time is unknown unless the VM provably ran throughout', async () => {
    const sync = w.t.container.eventSync!;
    await sync.tick();
    await w.order('4001', '55');
    await w.order('4002', '55');
    await w.order('4003', '55');
    await sync.tick();
    w.sim.control.advance(3600_000);
    await sync.tick();

    // The bridge is away; meanwhile 4001 crashes and is restarted, and the engine's cleanup deletes those events.
    const gapFrom = w.sim.control.clock.now();
    w.sim.control.advance(60_000);
    w.sim.control.crashVm('vps-4001');
    await w.until(async () => vmNamed(w, 'vps-4001')?.status === 'up');
    w.sim.control.advance(60_000);
    w.sim.control.purgeEvents({ upToIndex: w.sim.world.peekNextEventIndex() - 1 });
    w.sim.control.advance(60_000);
    w.sim.control.guestShutdownVm('vps-4002');
    w.sim.control.advance(30_000);
    const result = await sync.tick();

    expect(result?.gap).toBeDefined();
    expect(result?.gap?.from.getTime()).toBe(gapFrom);
    const first = await uptime(w, '4001');
    expect(first.body.incidents).toEqual([
      expect.objectContaining({
        cause: 'unknown',
        counts_as: 'unknown',
        started_at: new Date(gapFrom).toISOString(),
        ended_at: result?.gap?.to.toISOString(),
      }),
    ]);
    const unknownSeconds = Math.round((result!.gap!.to.getTime() - gapFrom) / 1000);
    expect(first.body.windows['24h'].unknown_seconds).toBe(unknownSeconds);
    expect(first.body.windows['24h'].uptime_percent).toBeLessThan(100);

    // Down now: what it did in the gap cannot be proved, so it is unknown until the engine saw it stop (it was
    // running just before), then the customer's own shutdown.
    const second = await uptime(w, '4002');
    const shutdown = w.sim.world.events.find((e) => e.vm?.name === 'vps-4002' && e.code === 61);
    expect(second.body.incidents).toEqual([
      expect.objectContaining({ cause: 'customer', counts_as: 'excluded', ended_at: null }),
      expect.objectContaining({
        cause: 'unknown',
        started_at: new Date(gapFrom).toISOString(),
        ended_at: new Date(shutdown?.time ?? 0).toISOString(),
      }),
    ]);

    // Up since before the gap (its start time says so): nothing is recorded.
    const third = await uptime(w, '4003');
    expect(third.body.incidents).toEqual([]);
    expect(third.body.windows['24h']).toMatchObject({ unknown_seconds: 0, uptime_percent: 100 });
  }, 60_000);

  test('when the engine restarts its event ids, then the new sequence is read and nothing is counted twice', async () => {
    const sync = w.t.container.eventSync!;
    await sync.tick();
    await w.order('4101', '55');
    await sync.tick();
    w.sim.control.advance(600_000);
    await sync.tick();
    const storedBefore = Number((await w.t.db.knex('engine_events').count({ n: '*' }).first())?.n);

    w.sim.control.restartEventIds(1);
    w.sim.control.crashVm('vps-4101');
    await w.until(async () => vmNamed(w, 'vps-4101')?.status === 'up');
    w.sim.control.advance(5000);
    const result = await sync.tick();
    expect(result?.idRestart).toBe(true);
    await sync.tick();
    await sync.tick();

    const res = await uptime(w, '4101');
    expect(res.body.incidents.map((i: { cause: string }) => i.cause)).toEqual(['crash']);
    const position = await w.t.db.knex('event_sync').first('generation', 'last_index');
    expect(Number(position.generation)).toBe(2);
    expect(Number(position.last_index)).toBe(w.sim.world.peekNextEventIndex() - 1);
    const storedAfter = Number((await w.t.db.knex('engine_events').count({ n: '*' }).first())?.n);
    expect(storedAfter - storedBefore).toBe(ourEvents(w));
  }, 60_000);
});

(mysqlUrl ? describe : describe.skip)('event leadership on MySQL/MariaDB', () => {
  let w: UptimeWorld;
  let b: Container;
  beforeEach(async () => {
    // Host names are checked below; customers see them only when the provider shows them (the default hides them).
    w = await startUptimeWorld('mysql', { env: { CLIENT_HOST_NAMES: 'show' } });
    const config = testConfig({ DATABASE_URL: w.t.db.url, ...UPTIME_ENV });
    b = createContainer(config, {
      knex: createKnex(w.t.db.target),
      clock: w.clock,
      logger: createLogger('silent'),
      engine: engineTarget(w.sim),
    });
  }, 60_000);
  afterEach(async () => {
    await b.close(0);
    await w.close();
  });

  test('when the leader dies mid-failover, then the other instance takes the lead and reads on without losing or double-counting events', async () => {
    const a = w.t.container.eventSync!;
    const other = b.eventSync!;
    expect(await a.tick()).toBeDefined();
    expect(await other.tick()).toBeUndefined();

    const host = await w.order('4201', '55');
    await a.tick();
    w.sim.control.failHost(host, 'power_loss');
    w.sim.control.advance(90_000);
    await a.tick();

    // The leader's database connection dies with its process: the server releases the lock.
    const database = String((await b.knex.raw('SELECT DATABASE() AS db'))[0][0].db);
    const holder = await b.knex.raw('SELECT IS_USED_LOCK(?) AS id', [eventLockName(database)]);
    await b.knex.raw(`KILL ${Number(holder[0][0].id)}`);
    await w.until(async () => {
      const vm = vmNamed(w, 'vps-4201');
      return vm?.status === 'up' && w.sim.world.hosts.get(vm.hostId ?? '')?.name !== host;
    });
    w.sim.control.advance(10_000);
    // The server frees a killed connection's lock as the connection's thread ends: a moment, not an instant.
    await eventually(async () => (await other.tick()) !== undefined, 10_000, 50);
    expect(await a.tick()).toBeUndefined();

    const res = await uptime(w, '4201');
    expect(res.body.incidents).toEqual([expect.objectContaining({ cause: 'ha_restart', failed_host: host })]);
    const stored = Number((await w.t.db.knex('engine_events').whereNotNull('vm_name').count({ n: '*' }).first())?.n);
    expect(stored).toBe(ourEvents(w));
  }, 60_000);

  test('when two instances poll the same position at once, then one wins and the other changes nothing', async () => {
    const a = w.t.container.eventSync!;
    const other = b.eventSync!;
    await a.pollOnce();
    const host = await w.order('4301', '55');
    w.sim.control.failHost(host, 'power_loss');
    await w.until(
      async () => vmNamed(w, 'vps-4301')?.status === 'up' && w.sim.world.hosts.get(vmNamed(w, 'vps-4301')?.hostId ?? '')?.name !== host,
    );
    const results = await Promise.allSettled([a.pollOnce(), other.pollOnce()]);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PositionMovedError);
    await a.pollOnce();
    const incidents = await w.t.db.knex('incidents').select('cause');
    expect(incidents.map((i) => i.cause)).toEqual(['ha_restart']);
    const stored = Number((await w.t.db.knex('engine_events').whereNotNull('vm_name').count({ n: '*' }).first())?.n);
    expect(stored).toBe(ourEvents(w));
  }, 60_000);
});
