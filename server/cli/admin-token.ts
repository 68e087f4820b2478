/**
 * `npm run --silent admin-token [-- --subject NAME --ttl SECONDS]` prints an admin API token (default: one hour),
 * signed with SESSION_SECRET, for scripts and first setup. Only the token goes to stdout.
 */
import { systemClock } from '../clock';
import { AdminTokens } from '../auth/admin-tokens';
import { ConfigError, loadConfig, readProcessEnvironment } from '../config';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

try {
  const config = loadConfig(readProcessEnvironment());
  if (config.generatedSecrets.includes('SESSION_SECRET')) {
    console.error(
      'SESSION_SECRET is not set, so a token signed now would not match the running service.\n' +
        'Set SESSION_SECRET in .env (or the environment) for both the service and this command, e.g.\n' +
        '  echo "SESSION_SECRET=$(openssl rand -hex 32)" >> .env\n' +
        'A service started without it prints a one-hour admin token in its start banner.',
    );
    process.exit(1);
  }
  const ttl = Number(option('--ttl') ?? 3600);
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 86_400) {
    console.error('--ttl must be a whole number of seconds between 60 and 86400');
    process.exit(2);
  }
  const subject = option('--subject') ?? 'cli';
  process.stdout.write(`${new AdminTokens(config.secrets.session, systemClock).sign(subject, ttl)}\n`);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : String(err));
  process.exit(1);
}
