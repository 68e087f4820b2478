/**
 * `npm run admin -- <command>` manages admin console accounts in the configured database (migrations applied first):
 *   create <email>        asks for a password twice (or reads one line from stdin when it is not a terminal)
 *   set-password <email>  the same, and signs that admin out everywhere
 *   delete <email>
 *   list
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../clock';
import { ConfigError, loadConfig, readProcessEnvironment } from '../config';
import { createKnex } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { AppError, ValidationError } from '../errors';
import { AdminLoginFailuresRepository } from '../repositories/admin-login-failures';
import { AdminSessionsRepository } from '../repositories/admin-sessions';
import { AdminUsersRepository } from '../repositories/admin-users';
import { AdminAccounts, MIN_PASSWORD_LENGTH } from '../use-cases/admin-accounts';

const USAGE = 'usage: npm run admin -- create <email> | set-password <email> | delete <email> | list';

/** One line from stdin; on a terminal, asked for without echo. */
function readSecret(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const input = process.stdin;
    if (!input.isTTY) {
      const rl = createInterface({ input });
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        rl.close();
        resolve(line);
      });
      rl.once('close', () => {
        if (!answered) resolve('');
      });
      return;
    }
    process.stdout.write(prompt);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

async function askPassword(): Promise<string> {
  const first = await readSecret(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  if (process.stdin.isTTY) {
    const again = await readSecret('Password again: ');
    if (again !== first) throw new ValidationError([{ field: 'password', message: 'the two entries differ' }]);
  }
  return first;
}

async function main(): Promise<number> {
  const [command, email] = process.argv.slice(2);
  if (!command || (command !== 'list' && !email)) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(readProcessEnvironment());
  const knex = createKnex(config.database);
  try {
    await migrateLatest(knex);
    const accounts = new AdminAccounts({
      users: new AdminUsersRepository(knex),
      sessions: new AdminSessionsRepository(knex),
      failures: new AdminLoginFailuresRepository(knex),
      clock: systemClock,
      options: config.admin,
    });
    switch (command) {
      case 'create': {
        const user = await accounts.create(email as string, await askPassword());
        console.log(`Admin ${user.email} created. Sign in at ${config.publicUrl}/admin/login`);
        return 0;
      }
      case 'set-password':
        await accounts.setPassword(email as string, await askPassword());
        console.log(`Password of ${email} changed; its sessions were signed out.`);
        return 0;
      case 'delete':
        await accounts.remove(email as string);
        console.log(`Admin ${email} deleted.`);
        return 0;
      case 'list':
        for (const u of await accounts.list())
          console.log(`${u.email}\tcreated ${u.createdAt.toISOString()}\tlast sign-in ${u.lastLoginAt?.toISOString() ?? 'never'}`);
        return 0;
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    await knex.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else if (err instanceof ValidationError) console.error(err.problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    else if (err instanceof AppError) console.error(err.message);
    else console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
