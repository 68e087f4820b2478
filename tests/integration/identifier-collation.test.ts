/**
 * Identifier columns compare exactly. On MySQL/MariaDB that is the utf8mb4_bin collation, set by the
 * 20261206004xxx migrations and by `identifierColumn()` for new ones; the test database is created
 * utf8mb4_unicode_ci (tests/helpers/databases.ts), like a server whose default folds case, so this proves the
 * migrations and not the server. On SQLite text compares with the BINARY collation unless a column says NOCASE.
 */
import { migrateLatest, migrationConfig } from '../../server/db/migrate';
import { identifierColumn, IDENTIFIER_COLLATION } from '../../server/db/columns';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/databases';

/** Every identifier column of the schema: billing ids, webhook ids, token hashes, engine VM ids and names, job keys. */
const IDENTIFIERS: Record<string, string[]> = {
  webhook_deliveries: ['webhook_id', 'billing_service_id'],
  services: ['billing_service_id', 'client_id', 'vm_id', 'vm_name'],
  plans: ['product_id'],
  sso_tokens: ['token_hash', 'client_id'],
  admin_sessions: ['token_hash', 'csrf_token'],
  jobs: ['dedupe_key', 'lease_token'],
  engine_events: ['vm_id', 'vm_name', 'host_id', 'correlation_id'],
};
const IDENTIFIER_PAIRS = Object.entries(IDENTIFIERS).flatMap(([table, columns]) => columns.map((column) => `${table}.${column}`));
/**
 * Later migrations that rename identifier columns: rolled back first, so the binary migrations roll back on the schema
 * they were written for, where both tables still named the billing id `service_id`.
 */
const LATER_RENAMES = [
  '20261206130100_rename_services_service_id_to_billing_service_id.ts',
  '20261206130200_rename_webhook_deliveries_service_id_to_billing_service_id.ts',
];
const PAIRS_THEN = IDENTIFIER_PAIRS.map((key) => key.replace(/^(services|webhook_deliveries)\.billing_service_id$/, '$1.service_id'));

/** The rule for columns added later: a string column named like an id, hash, key or token compares exactly. */
const LOOKS_LIKE_AN_IDENTIFIER = /(_id|_hash|_key|_token|^vm_name)$/;
/** Named like one, but never compared by the database: an argon2 hash string is checked by argon2 itself. */
const NOT_COMPARED = new Set(['admin_users.password_hash']);

const BINARY_MIGRATIONS = [
  '20261206004100_set_webhook_deliveries_ids_binary.ts',
  '20261206004200_set_services_ids_binary.ts',
  '20261206004300_set_plans_product_id_binary.ts',
  '20261206004400_set_sso_tokens_ids_binary.ts',
  '20261206004500_set_admin_sessions_tokens_binary.ts',
  '20261206004600_set_jobs_keys_binary.ts',
  '20261206004700_set_engine_events_ids_binary.ts',
];

interface ColumnInfo {
  key: string;
  type: string;
  nullable: string;
  default: string | null;
  comment: string;
  charset: string | null;
  collation: string | null;
  tableCollation: string;
}

/** Every column's full definition on MySQL/MariaDB, by `table.column`. */
async function mysqlColumns(db: TestDatabase): Promise<Map<string, ColumnInfo>> {
  const [rows] = (await db.knex.raw(
    `SELECT c.TABLE_NAME t, c.COLUMN_NAME c, c.COLUMN_TYPE type, c.IS_NULLABLE nullable, c.COLUMN_DEFAULT dflt, c.COLUMN_COMMENT comment,
            c.CHARACTER_SET_NAME charset, c.COLLATION_NAME collation, t.TABLE_COLLATION table_collation
       FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME NOT LIKE 'knex%'
      ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
  )) as [Array<Record<string, string | null>>];
  return new Map(
    rows.map((r) => [
      `${r.t}.${r.c}`,
      {
        key: `${r.t}.${r.c}`,
        type: String(r.type),
        nullable: String(r.nullable),
        default: r.dflt ?? null,
        comment: String(r.comment),
        charset: r.charset ?? null,
        collation: r.collation ?? null,
        tableCollation: String(r.table_collation),
      },
    ]),
  );
}

/** Every index on MySQL/MariaDB, one line per indexed column. */
async function mysqlIndexes(db: TestDatabase): Promise<string[]> {
  const [rows] = (await db.knex.raw(
    `SELECT CONCAT_WS(' ', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, IFNULL(SUB_PART, '-')) line
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT LIKE 'knex%'
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  )) as [Array<{ line: string }>];
  return rows.map((r) => r.line);
}

/** The CREATE statements SQLite keeps, tables and indexes. */
async function sqliteSchema(db: TestDatabase): Promise<string[]> {
  const rows = (await db.knex('sqlite_master').whereNot('name', 'like', 'knex%').orderBy('name').select('name', 'sql')) as Array<{
    name: string;
    sql: string | null;
  }>;
  return rows.map((r) => `${r.name}: ${r.sql ?? ''}`);
}

describe.each(databaseKinds)('identifier columns on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await migrateLatest(db.knex);
  });
  afterAll(async () => {
    await db.drop();
  });

  test('when the schema is up, then every identifier column compares exactly, and so does every column named like one', async () => {
    if (kind === 'sqlite') {
      const schema = await sqliteSchema(db);
      for (const table of Object.keys(IDENTIFIERS)) expect(schema.find((s) => s.startsWith(`${table}: `))).toBeDefined();
      expect(schema.filter((s) => /nocase|rtrim/i.test(s))).toEqual([]);
      return;
    }
    const columns = await mysqlColumns(db);
    for (const key of IDENTIFIER_PAIRS) expect({ key, collation: columns.get(key)?.collation }).toEqual({ key, collation: 'utf8mb4_bin' });
    // A new table or column named like an identifier, made without identifierColumn(), fails here.
    const named = [...columns.values()].filter(
      (c) =>
        c.charset !== null && !/text$/.test(c.type) && LOOKS_LIKE_AN_IDENTIFIER.test(c.key.split('.')[1] ?? '') && !NOT_COMPARED.has(c.key),
    );
    expect(named.filter((c) => !c.collation?.endsWith('_bin')).map((c) => `${c.key} ${c.collation}`)).toEqual([]);
  });

  test("when the binary migrations are rolled back and run again, then only the identifiers' collation moves between the table default and _bin", async () => {
    const latest = kind === 'mysql' ? await mysqlColumns(db) : undefined;
    const indexesLatest = kind === 'mysql' ? await mysqlIndexes(db) : await sqliteSchema(db);
    for (const name of [...LATER_RENAMES].reverse()) await db.knex.migrate.down({ ...migrationConfig(), name });
    const after = kind === 'mysql' ? await mysqlColumns(db) : undefined;
    const indexesAfter = kind === 'mysql' ? await mysqlIndexes(db) : await sqliteSchema(db);

    for (const name of [...BINARY_MIGRATIONS].reverse()) await db.knex.migrate.down({ ...migrationConfig(), name });

    if (kind === 'mysql') {
      const before = await mysqlColumns(db);
      for (const key of PAIRS_THEN) {
        const c = before.get(key) as ColumnInfo;
        // Restored to what the column had when created: the table's default (utf8mb4_general_ci here, knex creates
        // tables with the connection's utf8mb4), which compares case-insensitively.
        expect({ key, collation: c.collation }).toEqual({ key, collation: c.tableCollation });
        expect(c.collation).toMatch(/_ci$/);
      }
      // Nothing else moved: type, length, nullability, default, comment and charset of every column, and every index.
      const withoutCollation = (m: Map<string, ColumnInfo>) =>
        [...m.values()].map((c) => ({ ...c, collation: PAIRS_THEN.includes(c.key) ? '(identifier)' : c.collation }));
      expect(withoutCollation(before)).toEqual(withoutCollation(after as Map<string, ColumnInfo>));
      expect(await mysqlIndexes(db)).toEqual(indexesAfter);
    } else {
      // SQLite compares exactly already: the migrations change nothing there.
      expect(await sqliteSchema(db)).toEqual(indexesAfter);
    }

    expect(await migrateLatest(db.knex)).toEqual([...BINARY_MIGRATIONS, ...LATER_RENAMES]);
    if (kind === 'mysql') expect(await mysqlColumns(db)).toEqual(latest);
    expect(kind === 'mysql' ? await mysqlIndexes(db) : await sqliteSchema(db)).toEqual(indexesLatest);
  });

  test('when a new table uses identifierColumn(), then that column compares exactly', async () => {
    await db.knex.schema.createTable('identifier_probe', (t) => {
      t.increments('id').primary();
      identifierColumn(db.knex, t, 'ref_id', 64).notNullable().unique();
    });
    try {
      await db.knex('identifier_probe').insert([{ ref_id: 'svc-1' }, { ref_id: 'Svc-1' }]);
      expect(await db.knex('identifier_probe').where({ ref_id: 'svc-1' }).select('ref_id')).toEqual([{ ref_id: 'svc-1' }]);
      if (kind === 'mysql') expect((await mysqlColumns(db)).get('identifier_probe.ref_id')?.collation).toBe(IDENTIFIER_COLLATION);
    } finally {
      await db.knex.schema.dropTable('identifier_probe');
    }
  });
});
