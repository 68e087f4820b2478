import { migrateLatest } from '../../server/db/migrate';
import { MaintenanceWindowsRepository } from '../../server/repositories/maintenance-windows';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

describe.each(databaseKinds)('maintenance windows repository on %s', (kind) => {
  let db: TestDatabase;
  let repo: MaintenanceWindowsRepository;
  const now = new Date('2026-12-06T10:00:00.000Z');

  beforeEach(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
    repo = new MaintenanceWindowsRepository(db.knex);
  });
  afterEach(async () => {
    await db.drop();
  });

  const announce = (startsAt: string, endsAt: string, scope: { clusters: string[] } | { hosts: string[] } = { clusters: ['Default'] }) =>
    repo.insert(
      { title: `w ${startsAt}`, startsAt: new Date(startsAt), endsAt: new Date(endsAt), scope, message: 'm' },
      'admin@example.com',
      now,
    );

  test('when a window is inserted, then it reads back with its scope, times to the millisecond and no cancellation', async () => {
    const w = await announce('2026-12-10T02:00:00.123Z', '2026-12-10T04:00:00.000Z', { hosts: ['host 1', 'hôte-2'] });

    expect(await repo.findById(w.id)).toEqual({
      id: w.id,
      title: 'w 2026-12-10T02:00:00.123Z',
      startsAt: new Date('2026-12-10T02:00:00.123Z'),
      endsAt: new Date('2026-12-10T04:00:00.000Z'),
      scope: { hosts: ['host 1', 'hôte-2'] },
      message: 'm',
      createdBy: 'admin@example.com',
      createdAt: now,
      cancelledAt: null,
    });
    expect(await repo.findById(w.id + 100)).toBeUndefined();
  });

  test('when windows are listed for a range, then those meeting it come (cancelled too), those touching only its edges do not', async () => {
    const a = await announce('2026-12-10T00:00:00.000Z', '2026-12-10T02:00:00.000Z');
    const b = await announce('2026-12-10T03:00:00.000Z', '2026-12-10T05:00:00.000Z');
    const c = await announce('2026-12-10T06:00:00.000Z', '2026-12-10T07:00:00.000Z');
    await repo.cancel(b.id, now);

    const ids = (await repo.listOverlapping(new Date('2026-12-10T02:00:00.000Z'), new Date('2026-12-10T06:00:00.000Z'))).map((w) => w.id);
    expect(ids).toEqual([b.id]);
    const all = (await repo.listOverlapping(new Date('2026-12-10T01:00:00.000Z'), new Date('2026-12-10T06:30:00.000Z'))).map((w) => w.id);
    expect(all).toEqual([a.id, b.id, c.id]);
  });

  test('when a window is cancelled twice, then it keeps the first time and upcoming leaves it out', async () => {
    const past = await announce('2026-12-01T00:00:00.000Z', '2026-12-01T02:00:00.000Z');
    const running = await announce('2026-12-06T09:00:00.000Z', '2026-12-06T11:00:00.000Z');
    const later = await announce('2026-12-08T00:00:00.000Z', '2026-12-08T02:00:00.000Z');
    const cancelled = await announce('2026-12-07T00:00:00.000Z', '2026-12-07T02:00:00.000Z');

    const first = await repo.cancel(cancelled.id, now);
    const second = await repo.cancel(cancelled.id, new Date('2026-12-06T12:00:00.000Z'));
    expect(first?.cancelledAt).toEqual(now);
    expect(second?.cancelledAt).toEqual(now);
    expect(await repo.cancel(9999, now)).toBeUndefined();

    expect((await repo.listUpcoming(now)).map((w) => w.id)).toEqual([running.id, later.id]);
    expect((await repo.list()).map((w) => w.id)).toEqual([later.id, cancelled.id, running.id, past.id]);
  });
});
