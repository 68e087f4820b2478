/**
 * MariaDB goes away (connections dropped and refused, through a proxy we cut) while the panel sends orders: webhooks
 * answer 503 with Retry-After, never 500, nothing is half-written, readiness says so, and when the database is back
 * the same webhook is taken and the worker provisions it by itself.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { createApp } from '../../server/app';
import { parseDatabaseUrl } from '../../server/config';
import { createContainer, type Container } from '../../server/container';
import { createKnex } from '../../server/db/knex';
import { migrateLatest } from '../../server/db/migrate';
import { createLogger } from '../../server/logger';
import { eventually, sendWebhook } from '../helpers/billing';
import { createTestDatabase, mysqlUrl, type TestDatabase } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';
import { testConfig } from '../helpers/test-app';

(mysqlUrl ? describe : describe.skip)('a MariaDB outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let sim: RunningSimulator;
  let c: Container;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    await migrateLatest(db.knex);
    const direct = parseDatabaseUrl(db.url);
    if (direct.client !== 'mysql') throw new Error('mysql expected');
    proxy = await startTcpProxy(direct.host, direct.port);
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    sim = await startTestSimulator({ scenario: 'demo' });
    const config = testConfig({ DATABASE_URL: viaProxy.toString(), ...FAST_JOBS });
    c = createContainer(config, { knex: createKnex(config.database), engine: engineTarget(sim), logger: createLogger('silent') });
  }, 60_000);
  afterAll(async () => {
    await c?.close(0);
    await proxy?.close();
    await sim?.close();
    await db?.drop();
  });

  test(
    'when the database is away, then webhooks get 503 with Retry-After and nothing is written; when it is back, the order goes ' +
      'through by itself',
    async () => {
      const app = createApp(c);
      await request(app)
        .post('/api/v1/admin/plans')
        .set('Authorization', `Bearer ${c.adminTokens.sign('t')}`)
        .send(planBody())
        .expect(201);
      c.worker.start();

      await proxy.cut();
      const order = { id: 'msg_outage_1', type: 'service.create', data: { service_id: '7001', client_id: '55', product_id: '7' } };
      const refused = await sendWebhook(app, order);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body.error).toMatchObject({ code: 'service_unavailable', message: expect.stringMatching(/database is unavailable/) });
      expect(refused.text).not.toMatch(/ECONNREFUSED|Knex|mysql|SELECT/i);
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(await db.knex('services').count({ n: '*' }).first()).toEqual({ n: 0 });
      expect(await db.knex('webhook_deliveries').count({ n: '*' }).first()).toEqual({ n: 0 });

      await proxy.restore();
      // The panel retries the same delivery; the pool reconnects and the worker, which kept polling, picks it up.
      await eventually(async () => (await sendWebhook(app, order)).status === 202, 20_000, 200);
      await eventually(
        async () => (await db.knex('services').where({ billing_service_id: '7001' }).first())?.actual_state === 'active',
        30_000,
      );
      expect([...sim.world.vms.values()].filter((v) => v.name === 'vps-7001')).toHaveLength(1);
      await request(app).get('/readyz').expect(200);
    },
    90_000,
  );
});
