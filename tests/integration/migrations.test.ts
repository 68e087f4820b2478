import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR, migrateLatest, rollbackAll } from '../../server/db/migrate';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

const files = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.ts'))
  .sort();

describe.each(databaseKinds)('migrations on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('every migration file is named YYYYMMDDHHMMSS_snake_case.ts', () => {
    for (const f of files) expect(f).toMatch(/^\d{14}_[a-z0-9_]+\.ts$/);
  });

  test('when all run up from empty, down to empty and up again, then each step leaves the expected tables', async () => {
    const applied = await migrateLatest(db.knex);
    expect(applied).toEqual(files);
    for (const table of ['plans', 'services', 'webhook_deliveries', 'jobs']) expect(await db.knex.schema.hasTable(table)).toBe(true);

    const reverted = await rollbackAll(db.knex);
    expect([...reverted].sort()).toEqual(files);
    for (const table of ['plans', 'services', 'webhook_deliveries', 'jobs']) expect(await db.knex.schema.hasTable(table)).toBe(false);

    expect(await migrateLatest(db.knex)).toEqual(files);
    expect(await migrateLatest(db.knex)).toEqual([]);
  });

  test('when the schema is up, then the database enforces the plan reference of services', async () => {
    const now = new Date();
    // Raw on purpose: the database itself must refuse the row, with nothing of the application in front of it.
    await expect(
      db.knex('services').insert({
        billing_service_id: 's1',
        client_id: 'c',
        plan_id: 999,
        desired_state: 'active',
        actual_state: 'pending',
        created_at: now,
        updated_at: now,
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/FOREIGN|ER_NO_REFERENCED_ROW/) });
  });
});
