/**
 * Process entry: config → database (version check, migrations) → engine → HTTP → banner; SIGTERM drains.
 */
import { createApp } from './app';
import { bannerLines, type BannerFacts } from './banner';
import { ConfigError, loadConfig, readProcessEnvironment } from './config';
import { createContainer } from './container';
import { migrateLatest } from './db/migrate';
import { assertSupportedServer, UnsupportedDatabaseError } from './db/version-check';
import { startHttpServer } from './http-server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readProcessEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`oVirt HA Bridge cannot start.\n${err.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw err;
  }

  const container = createContainer(config);
  const { logger } = container;
  let databaseVersion: string;
  let migrationsApplied: string[];
  try {
    databaseVersion = await assertSupportedServer(container.knex);
    migrationsApplied = await migrateLatest(container.knex);
  } catch (err) {
    await container.close().catch(() => undefined);
    if (err instanceof UnsupportedDatabaseError) {
      console.error(`oVirt HA Bridge cannot start: ${err.message}`);
    } else {
      console.error(`oVirt HA Bridge cannot start: the database is not usable: ${(err as Error).message}`);
    }
    process.exit(1);
  }

  const engine: BannerFacts['engine'] = config.ovirt.url ? { kind: 'configured', url: config.ovirt.url } : { kind: 'none' };

  const running = await startHttpServer(createApp(container), {
    host: config.host,
    port: config.port,
    graceMs: config.shutdownGraceMs,
    logger,
    beforeClose: () => container.readiness.startDraining(),
    cleanup: () => container.close(),
  });

  const adminToken = config.generatedSecrets.includes('SESSION_SECRET') ? container.adminTokens.sign('banner', 3600) : undefined;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${running.port}`;
  console.log(bannerLines(config, { url, databaseVersion, engine, migrationsApplied, adminToken }).join('\n'));

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    running.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  console.error('oVirt HA Bridge failed to start:', err);
  process.exit(1);
});
