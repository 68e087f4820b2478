/** What the one-time link tables (client area and admin console) share: a token is used once, and only before it expires. */
import type { Knex } from 'knex';

/**
 * Marks the token used and returns the `columns` of its row, in one conditional update, so two clicks racing on the
 * same link cannot both succeed. Undefined when the token is unknown, used or expired.
 */
export async function consumeToken<Row>(
  knex: Knex,
  table: string,
  tokenHash: string,
  now: Date,
  columns: readonly string[],
): Promise<Row | undefined> {
  return knex.transaction(async (trx) => {
    const changed = await trx(table)
      .where({ token_hash: tokenHash })
      .whereNull('used_at')
      .andWhere('expires_at', '>', now)
      .update({ used_at: now });
    if (changed !== 1) return undefined;
    return (await trx(table)
      .where({ token_hash: tokenHash })
      .first(...columns)) as Row | undefined;
  });
}
