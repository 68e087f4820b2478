/**
 * The migrated schema, table by table and column by column, against a snapshot kept in the repository
 * (tests/fixtures/schema/<dialect>.json). A change to the schema that comes without a migration (an edited migration
 * that already shipped, a column a repository needs but nobody created), or a migration whose effect nobody looked
 * at, fails here; after a deliberate change, `UPDATE_SCHEMA_SNAPSHOT=1 npx jest tests/integration/schema-snapshot`
 * rewrites the snapshot, to be read in review like any other diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrateLatest } from '../../server/db/migrate';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

type Column = { name: string; type: string; nullable: boolean; default: string | null; collation?: string | null };
type Schema = Record<string, Column[]>;

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'schema');

async function describeSchema(db: TestDatabase): Promise<Schema> {
  const schema: Schema = {};
  if (db.kind === 'sqlite') {
    const tables = (await db.knex.raw(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )) as Array<{ name: string }>;
    for (const { name } of tables) {
      const cols = (await db.knex.raw(`PRAGMA table_info(${JSON.stringify(name)})`)) as Array<{
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
      }>;
      schema[name] = cols.map((c) => ({ name: c.name, type: c.type.toLowerCase(), nullable: c.notnull === 0, default: c.dflt_value }));
    }
    return schema;
  }
  const [rows] = (await db.knex.raw(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, COLLATION_NAME AS collation
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
  )) as [Array<{ t: string; c: string; type: string; nullable: string; dflt: string | null; collation: string | null }>];
  for (const r of rows) {
    (schema[r.t] ??= []).push({ name: r.c, type: r.type, nullable: r.nullable === 'YES', default: r.dflt, collation: r.collation });
  }
  return schema;
}

describe.each(databaseKinds)('the migrated schema on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('when every migration has run, then every table and column is as in the snapshot', async () => {
    const schema = await describeSchema(db);
    const file = path.join(FIXTURES, `${kind}.json`);
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1') writeFileSync(file, `${JSON.stringify(schema, null, 1)}\n`);
    // A missing snapshot is a failure, not a first run: otherwise the test could pass without comparing anything.
    expect(existsSync(file)).toBe(true);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Schema;
    expect(Object.keys(schema)).toEqual(Object.keys(snapshot));
    for (const table of Object.keys(snapshot)) expect({ table, columns: schema[table] }).toEqual({ table, columns: snapshot[table] });
  });
});
