/** `npm run admin`: a new admin is made from the command line, and can then sign in to the console. */
import path from 'node:path';
import argon2 from 'argon2';
import { parseDatabaseUrl } from '../../server/config';
import { createKnex } from '../../server/db/knex';
import { startTs, tempDir } from '../helpers/spawn';

function runWithInput(args: string[], env: Record<string, string>, input: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = startTs('server/cli/admin.ts', env, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('npm run admin', () => {
  const db = `sqlite:${path.join(tempDir(), 'admins.sqlite')}`;
  const env = { DATABASE_URL: db, NODE_ENV: 'development', LOG_LEVEL: 'silent' };

  test('when an admin is created with a password on stdin, then it is stored as an argon2id hash, and a second create is refused', async () => {
    const made = await runWithInput(['create', 'Alice@Example.net'], env, 'a long enough password\n');
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('Admin alice@example.net created.');

    const knex = createKnex(parseDatabaseUrl(db));
    try {
      const row = await knex('admin_users').where({ email: 'alice@example.net' }).first();
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await argon2.verify(row.password_hash, 'a long enough password')).toBe(true);
    } finally {
      await knex.destroy();
    }

    const again = await runWithInput(['create', 'alice@example.net'], env, 'another long password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');
  }, 60_000);

  test('when the password is short or the command is unknown, then it says why and stores nothing', async () => {
    const short = await runWithInput(['create', 'bob@example.net'], env, 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password: must be at least 12 characters');
    const list = await runWithInput(['list'], env, '');
    expect(list.stdout).not.toContain('bob@example.net');
    const usage = await runWithInput(['frobnicate', 'x'], env, '');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run admin --');
  }, 60_000);
});
