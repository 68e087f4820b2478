/**
 * `npm run --silent client-link -- <service id>` prints a one-time link that opens that service's page in the client
 * area as its customer: what the billing panel does from its client area, for a trial without a
 * panel. The link works once, within a minute, on the service at PUBLIC_URL sharing this database.
 */
import { systemClock } from '../clock';
import { ConfigError, loadConfig, readProcessEnvironment } from '../config';
import { createKnex } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { AppError } from '../errors';
import { ServicesRepository } from '../repositories/services';
import { SsoTokensRepository } from '../repositories/sso-tokens';
import { ClientSso, SSO_LINK_TTL_MS } from '../use-cases/client-sso';

const USAGE = 'usage: npm run --silent client-link -- <billing service id>   (npm run start must share the database)';

async function main(): Promise<number> {
  const billingServiceId = process.argv[2];
  if (!billingServiceId || billingServiceId.startsWith('-') || process.argv.length > 3) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig(readProcessEnvironment());
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    return 1;
  }
  const knex = createKnex(config.database);
  try {
    await migrateLatest(knex);
    const services = new ServicesRepository(knex);
    const service = await services.findByBillingServiceId(billingServiceId);
    if (!service) {
      const known = (await services.list({ limit: 5 })).map((s) => s.billingServiceId);
      console.error(
        `No service ${billingServiceId} in this database.` +
          (known.length ? ` Some that exist: ${known.join(', ')}.` : ' Order one first (README, "Try it in five minutes").'),
      );
      return 1;
    }
    const sso = new ClientSso({ services, tokens: new SsoTokensRepository(knex), clock: systemClock, publicUrl: config.publicUrl });
    const { url } = await sso.mint(billingServiceId, service.clientId);
    console.error(
      `One-time link for client ${service.clientId}, service ${billingServiceId} (valid once, for ${SSO_LINK_TTL_MS / 1000} s):`,
    );
    process.stdout.write(`${url}\n`);
    return 0;
  } catch (err) {
    console.error(err instanceof AppError ? err.message : `The link could not be made: ${(err as Error).message}`);
    return 1;
  } finally {
    await knex.destroy();
  }
}

main().then((code) => process.exit(code));
