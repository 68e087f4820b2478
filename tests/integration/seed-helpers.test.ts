/** tests/helpers/seed.ts: what a test asks of a seed is what the repositories read back, on every database. */
import { migrateLatest } from '../../server/db/migrate';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import {
  PLAN_DEFAULTS,
  SEED_PRODUCT_ID,
  seedAdminUser,
  seedIncident,
  seedPlan,
  seedService,
  seedServiceAction,
  seedServices,
} from '../helpers/seed';

describe.each(databaseKinds)('seed helpers on %s', (kind) => {
  let db: TestDatabase;
  const now = new Date('2026-12-06T10:00:00.000Z');

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
  });
  afterEach(async () => {
    await db.drop();
  });

  test('when a plan is seeded with a few overrides, then it reads back as the defaults with those', async () => {
    const plan = await seedPlan(
      db.knex,
      { productId: 'p', cluster: 'Other', ha: { priority: 1 }, sla: { timeZone: 'Europe/Berlin' } },
      now,
    );
    expect(plan).toEqual({
      ...PLAN_DEFAULTS,
      id: expect.any(Number),
      productId: 'p',
      name: 'p',
      cluster: 'Other',
      ha: { enabled: true, priority: 1 },
      sla: { ...PLAN_DEFAULTS.sla, timeZone: 'Europe/Berlin' },
      createdAt: now,
      updatedAt: now,
    });
  });

  test('when services are seeded without a plan, then they share one made on first use, and later fields are written', async () => {
    const pending = await seedService(db.knex, {}, now);
    const active = await seedService(
      db.knex,
      { billingServiceId: '4821', clientId: '55', hostname: 'shop.example.org', actualState: 'active', vmHost: 'host3', activatedAt: now },
      now,
    );
    expect(pending).toMatchObject({ clientId: 'c1', desiredState: 'active', actualState: 'pending', vmHost: null, activatedAt: null });
    expect(active).toMatchObject({
      billingServiceId: '4821',
      clientId: '55',
      hostname: 'shop.example.org',
      actualState: 'active',
      vmHost: 'host3',
      activatedAt: now,
    });
    expect(active.planId).toBe(pending.planId);
    expect(await db.knex('plans').where({ product_id: SEED_PRODUCT_ID }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  test('when many services are seeded at once, then they come back in order with their ids and shared fields', async () => {
    const services = await seedServices(db.knex, 250, { prefix: 'vps', actualState: 'suspended', desiredState: 'suspended' }, now);
    expect(services.map((s) => s.billingServiceId)).toEqual(Array.from({ length: 250 }, (_, i) => `vps-${i + 1}`));
    expect(new Set(services.map((s) => s.id)).size).toBe(250);
    const stored = (await db.knex('services').select('id', 'billing_service_id', 'actual_state')) as Array<{
      id: number;
      billing_service_id: string;
      actual_state: string;
    }>;
    const byId = new Map(stored.map((r) => [Number(r.id), r]));
    for (const s of services) expect(byId.get(s.id)).toMatchObject({ billing_service_id: s.billingServiceId, actual_state: 'suspended' });
  });

  test('when an incident, an action and an admin are seeded, then each reads back as asked', async () => {
    const service = await seedService(db.knex, {}, now);
    const incident = await seedIncident(db.knex, service.id, { openedBy: '1:1', failedHost: 'host7', endedAt: null }, now);
    expect(incident).toEqual({
      id: expect.any(Number),
      serviceRowId: service.id,
      openedBy: '1:1',
      cause: 'ha_restart',
      startedAt: now.getTime() - 600_000,
      endedAt: null,
      failedHost: 'host7',
      restartHost: null,
      steps: [],
    });
    const action = await seedServiceAction(db.knex, service.id, { outcome: 'running' }, now);
    expect(action).toMatchObject({
      serviceRowId: service.id,
      action: 'reboot',
      actor: { kind: 'panel', name: 'panel' },
      outcome: 'running',
      requestedAt: now,
      startedAt: now,
      finishedAt: null,
    });
    expect(await seedAdminUser(db.knex, { email: 'ops@example.net' }, now)).toMatchObject({
      id: expect.any(Number),
      email: 'ops@example.net',
      createdAt: now,
    });
  });
});
