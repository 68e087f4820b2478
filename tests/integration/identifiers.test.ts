/**
 * Issue 21: identifiers compare exactly on every database. MariaDB's default collation folds case, so before the
 * utf8mb4_bin migrations a second webhook id or billing service id that differed only in case collided with the first
 * (503 for ever) and a read by `svc-1` found `Svc-1`. Each test here failed on MariaDB before them; SQLite always
 * compared exactly.
 */
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { AdminSessionsRepository } from '../../server/repositories/admin-sessions';
import { SsoTokensRepository } from '../../server/repositories/sso-tokens';
import { type CallbackSink, eventually, sendWebhook, startCallbackSink } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { seedAdminUser } from '../helpers/seed';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

const BILLING_AUTH = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describe.each(databaseKinds)('identifiers that differ only in case on %s', (kind) => {
  describe('webhooks, reads and tokens', () => {
    let t: TestApp;
    beforeEach(async () => {
      // No engine and no worker: these tests are about what is recorded and found.
      t = await createTestApp(kind);
      await request(t.app)
        .post('/api/v1/admin/plans')
        .set('Authorization', t.adminAuth)
        .send(planBody({ product_id: '7' }))
        .expect(201);
    });
    afterEach(async () => {
      await t.close();
    });

    const status = (billingServiceId: string) =>
      request(t.app).get(`/api/v1/services/${billingServiceId}`).set('Authorization', BILLING_AUTH);

    test('when two webhook ids differ only in case, then both are accepted and recorded, and each redelivery gets its own answer', async () => {
      // Arrange
      const first = { id: 'msg_CaseTest1', type: 'service.create', data: { service_id: '801', client_id: '55', product_id: '7' } };
      const second = { id: 'msg_casetest1', type: 'service.create', data: { service_id: '802', client_id: '55', product_id: '7' } };

      // Act
      const a = await sendWebhook(t.app, first);
      const b = await sendWebhook(t.app, second);

      // Assert
      expect([a.status, b.status]).toEqual([202, 202]);
      expect([a.body.service_id, b.body.service_id]).toEqual(['801', '802']);
      const ids = (await t.db.knex('webhook_deliveries').orderBy('id').select('webhook_id')).map(
        (r: { webhook_id: string }) => r.webhook_id,
      );
      expect(ids).toEqual(['msg_CaseTest1', 'msg_casetest1']);
      const again = await sendWebhook(t.app, second);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(b.body);
      expect(Number((await t.db.knex('services').count({ n: '*' }).first())?.n)).toBe(2);
    });

    test('when svc-1 is ordered after Svc-1 by another client, then both are services of their own, and each read answers its own record', async () => {
      // Arrange
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'Svc-1', client_id: 'c-Alice', product_id: '7' } }).expect(
        202,
      );

      // Act
      const res = await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'svc-1', client_id: 'c-bob', product_id: '7' } });

      // Assert
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ applied: true, service_id: 'svc-1' });
      expect((await status('svc-1').expect(200)).body).toMatchObject({ service_id: 'svc-1', client_id: 'c-bob' });
      expect((await status('Svc-1').expect(200)).body).toMatchObject({ service_id: 'Svc-1', client_id: 'c-Alice' });
      expect((await status('SVC-1')).status).toBe(404);
      const rows = await t.db.knex('services').orderBy('id').select('billing_service_id', 'client_id');
      expect(rows).toEqual([
        { billing_service_id: 'Svc-1', client_id: 'c-Alice' },
        { billing_service_id: 'svc-1', client_id: 'c-bob' },
      ]);
      expect(Number((await t.db.knex('jobs').count({ n: '*' }).first())?.n)).toBe(2);
    });

    test('when two billing products differ only in case, then they are two plans and an order gets its own', async () => {
      await request(t.app)
        .post('/api/v1/admin/plans')
        .set('Authorization', t.adminAuth)
        .send(planBody({ product_id: 'Gold', name: 'Gold' }))
        .expect(201);
      await request(t.app)
        .post('/api/v1/admin/plans')
        .set('Authorization', t.adminAuth)
        .send(planBody({ product_id: 'gold', name: 'gold', vcpus: 4 }))
        .expect(201);

      await sendWebhook(t.app, { type: 'service.create', data: { service_id: '803', client_id: '55', product_id: 'gold' } }).expect(202);

      expect((await status('803').expect(200)).body).toMatchObject({ product_id: 'gold' });
    });

    test('when a token hash differs from a stored one only in case, then it finds nothing', async () => {
      // Our hashes are lower-case hex, so this cannot come from a real link; it shows the columns compare exactly.
      const now = new Date();
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: '804', client_id: '55', product_id: '7' } }).expect(202);
      const serviceRowId = Number((await t.db.knex('services').where({ billing_service_id: '804' }).first('id')).id);
      const tokens = new SsoTokensRepository(t.db.knex);
      const hash = 'ab'.repeat(32);
      await tokens.insert(
        { tokenHash: hash, serviceRowId: serviceRowId, clientId: '55', expiresAt: new Date(now.getTime() + 60_000) },
        now,
      );
      expect(await tokens.consume(hash.toUpperCase(), now)).toBeUndefined();
      expect(await tokens.consume(hash, now)).toEqual({ serviceRowId, clientId: '55' });

      const { id: adminUserId } = await seedAdminUser(t.db.knex, { email: 'ops@example.net', passwordHash: 'x' }, now);
      const sessions = new AdminSessionsRepository(t.db.knex);
      const expiresAt = new Date(now.getTime() + 3_600_000);
      await sessions.insert({ tokenHash: hash, adminUserId: Number(adminUserId), csrfToken: 'csrf-a', expiresAt }, now);
      await sessions.insert({ tokenHash: hash.toUpperCase(), adminUserId: Number(adminUserId), csrfToken: 'csrf-B', expiresAt }, now);
      expect((await sessions.findByTokenHash(hash))?.csrfToken).toBe('csrf-a');
      expect((await sessions.findByTokenHash(hash.toUpperCase()))?.csrfToken).toBe('csrf-B');
      expect(await sessions.findByTokenHash(`${hash.slice(0, 60)}AbAb`)).toBeUndefined();
    });
  });

  describe('provisioning', () => {
    let sim: RunningSimulator;
    let sink: CallbackSink;
    let t: TestApp;
    beforeEach(async () => {
      sim = await startTestSimulator({ scenario: 'demo' });
      sink = await startCallbackSink();
      t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_JOBS, BILLING_CALLBACK_URL: sink.url } });
      await request(t.app)
        .post('/api/v1/admin/plans')
        .set('Authorization', t.adminAuth)
        .send(planBody({ product_id: '7' }))
        .expect(201);
      t.container.worker.start();
    });
    afterEach(async () => {
      await t.close();
      await sink.close();
      await sim.close();
    });

    const untilActive = (billingServiceId: string) =>
      eventually(async () => {
        const res = await request(t.app).get(`/api/v1/services/${billingServiceId}`).set('Authorization', BILLING_AUTH);
        return res.body.actual_state === 'active' ? res.body : undefined;
      });

    test('when svc-1 is ordered after Svc-1, then each gets its own VM (vps-Svc-1, vps-svc-1) and its own callback', async () => {
      await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'Svc-1', client_id: 'c-Alice', product_id: '7' } }).expect(
        202,
      );
      await untilActive('Svc-1');

      await sendWebhook(t.app, { type: 'service.create', data: { service_id: 'svc-1', client_id: 'c-bob', product_id: '7' } }).expect(202);
      const bob = await untilActive('svc-1');
      const alice = await untilActive('Svc-1');

      expect(bob).toMatchObject({ service_id: 'svc-1', client_id: 'c-bob', vm: { name: 'vps-svc-1' } });
      expect(alice).toMatchObject({ service_id: 'Svc-1', client_id: 'c-Alice', vm: { name: 'vps-Svc-1' } });
      expect(bob.vm.id).not.toBe(alice.vm.id);
      const names = [...sim.world.vms.values()].map((v) => v.name).filter((n) => n.toLowerCase() === 'vps-svc-1');
      expect(names.sort()).toEqual(['vps-Svc-1', 'vps-svc-1']);
      const active = await eventually(async () => {
        const got = sink.received.filter((r) => r.body.type === 'service.active').map((r) => r.body.data.service_id);
        return got.length === 2 ? got : undefined;
      });
      expect(active).toEqual(['Svc-1', 'svc-1']);
    });
  });
});
