/** Migration 20261206120000: incident steps stored as sentences become facts that read the same, and `down` puts them back. */
import { migrateLatest, migrationConfig } from '../../server/db/migrate';
import { reportStep } from '../../server/domain/incident-report';
import { IncidentsRepository } from '../../server/repositories/incidents';
import { stepText } from '../../server/http/presenters/incident-text';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';
import { insertServices } from '../helpers/ip-pools';

const NAME = '20261206120000_convert_incident_text_steps_to_facts.ts';
const T0 = Date.UTC(2026, 10, 3, 3, 12, 4);

/** An HA restart as the first version stored it, and one step a later version added as a fact. */
const STORED = [
  { at: T0, text: 'Host host 2 stopped responding to the engine' },
  { at: T0 + 86_000, text: 'Host host 2 was powered off by its power management (fenced); your VPS was marked down' },
  { at: T0 + 90_000, text: 'Your VPS failed; the engine queued it for an automatic restart' },
  { at: T0 + 100_000, kind: 'restart_failed', hosts: ['h3'], count: 2 },
  { at: T0 + 153_000, text: 'Your VPS is running again on host h3' },
];

describe.each(databaseKinds)('incident steps migration on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
    await db.knex.migrate.down({ ...migrationConfig(), name: NAME });
  });
  afterAll(async () => {
    await db.drop();
  });

  test('when old sentences are migrated, then they are facts reading the same words, and down puts back what was stored', async () => {
    const [serviceRowId] = await insertServices(db.knex, 1, 'mig');
    const now = new Date(T0 + 200_000);
    // Raw on purpose: the row as the versions before this migration wrote it, whatever today's repository writes.
    await db.knex('incidents').insert({
      service_row_id: serviceRowId,
      opened_by: '1:1',
      cause: 'ha_restart',
      started_at: new Date(T0),
      ended_at: new Date(T0 + 153_000),
      failed_host: 'host 2',
      restart_host: 'h3',
      steps: JSON.stringify(STORED),
      created_at: now,
      updated_at: now,
    });
    const read = async () => (await new IncidentsRepository(db.knex).listForService(serviceRowId!))[0]!.steps;
    const words = async (hostNames: boolean) => (await read()).map((s) => stepText(reportStep(s, hostNames)));
    const shownBefore = await words(true);

    await db.knex.migrate.up({ ...migrationConfig(), name: NAME });
    const steps = await read();
    expect(steps.map((s) => ('kind' in s ? s.kind : s.text))).toEqual([
      'host_not_responding',
      'host_fenced',
      'Your VPS failed; the engine queued it for an automatic restart',
      'restart_failed',
      'running_again',
    ]);
    expect(steps[0]).toMatchObject({ hosts: ['host 2'] });
    expect(await words(true)).toEqual(shownBefore);
    // As the regex rewriting of stored sentences told them before the migration.
    expect(await words(false)).toEqual([
      'The host running your VPS stopped responding to the engine',
      'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      'Your VPS failed; the engine queued it for an automatic restart',
      'A restart attempt failed; the engine keeps trying (2 attempts so far)',
      'Your VPS is running again',
    ]);

    await db.knex.migrate.down({ ...migrationConfig(), name: NAME });
    expect(await read()).toEqual(STORED);
    await db.knex.migrate.up({ ...migrationConfig(), name: NAME });
  });
});
