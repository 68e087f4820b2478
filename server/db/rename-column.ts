import { isMysql, type Knex } from './knex';

/**
 * Renames a column together with the names derived from it, so the schema reads the same as one created with the new
 * name: knex's index names (`<table>_<columns>_index` / `_unique`) and, on MySQL/MariaDB, the foreign key constraint
 * (`<table>_<column>_foreign`) and the index MySQL made for it. SQLite keeps its foreign key's constraint name, which
 * nothing reads. Used by migrations, forwards and back (swap `from` and `to`).
 *
 * A rename is not additive: instances of the previous release read the old name, so an upgrade that runs one needs
 * every instance stopped while it runs (README, "Operating it").
 */
export interface RenamedIndex {
  /** Columns after the rename, in order. */
  columns: string[];
  unique?: boolean;
}

export interface ColumnRename {
  table: string;
  from: string;
  to: string;
  /** knex-named indexes that contain the column, their columns given with the new name. */
  indexes?: RenamedIndex[];
  /** A foreign key on the column: the table it references (by id) and its ON DELETE rule. */
  foreignKey?: { references: string; onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL' };
}

const indexName = (table: string, columns: string[], unique?: boolean) =>
  `${table}_${columns.join('_')}_${unique ? 'unique' : 'index'}`.toLowerCase();

export async function renameColumn(knex: Knex, r: ColumnRename): Promise<void> {
  const before = (cols: string[]) => cols.map((c) => (c === r.to ? r.from : c));
  const mysql = isMysql(knex);
  if (mysql && r.foreignKey) await knex.raw('ALTER TABLE ?? DROP FOREIGN KEY ??', [r.table, `${r.table}_${r.from}_foreign`]);
  await knex.raw('ALTER TABLE ?? RENAME COLUMN ?? TO ??', [r.table, r.from, r.to]);
  for (const ix of r.indexes ?? []) {
    const oldName = indexName(r.table, before(ix.columns), ix.unique);
    const newName = indexName(r.table, ix.columns, ix.unique);
    if (mysql) {
      await knex.raw('ALTER TABLE ?? RENAME INDEX ?? TO ??', [r.table, oldName, newName]);
    } else {
      // SQLite has no RENAME INDEX; its RENAME COLUMN already moved the index to the new column name.
      await knex.raw('DROP INDEX ??', [oldName]);
      const cols = ix.columns.map(() => '??').join(', ');
      await knex.raw(`CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ?? ON ?? (${cols})`, [newName, r.table, ...ix.columns]);
    }
  }
  if (mysql && r.foreignKey) {
    const fk = `${r.table}_${r.to}_foreign`;
    // The index MySQL made for the old constraint keeps its name unless another index already served it.
    const [auto] = (await knex.raw('SHOW INDEX FROM ?? WHERE Key_name = ?', [r.table, `${r.table}_${r.from}_foreign`])) as [unknown[]];
    if (auto.length > 0) await knex.raw('ALTER TABLE ?? RENAME INDEX ?? TO ??', [r.table, `${r.table}_${r.from}_foreign`, fk]);
    await knex.raw(`ALTER TABLE ?? ADD CONSTRAINT ?? FOREIGN KEY (??) REFERENCES ?? (id) ON DELETE ${r.foreignKey.onDelete}`, [
      r.table,
      fk,
      r.to,
      r.foreignKey.references,
    ]);
  }
}

/** The same rename backwards, for `down`. */
export function reversed(r: ColumnRename): ColumnRename {
  const back = (cols: string[]) => cols.map((c) => (c === r.to ? r.from : c));
  return { ...r, from: r.to, to: r.from, indexes: r.indexes?.map((ix) => ({ ...ix, columns: back(ix.columns) })) };
}
