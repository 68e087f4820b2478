/**
 * Process entry: config → database (version check, migrations) → engine → HTTP → banner; SIGTERM drains.
 */
import { createApp } from './app';
import { bannerLines, type BannerFacts } from './banner';
import { ConfigError, loadConfig, readProcessEnvironment } from './config';
import { configuredEngine, createContainer } from './container';
import { migrateLatest } from './db/migrate';
import { assertSupportedServer, UnsupportedDatabaseError } from './db/version-check';
import { type DemoEngine, seedDemoPools, startDemoEngine } from './demo-engine';
import { type RunningServer, startHttpServer } from './http-server';

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

  // No engine configured outside production: run the bundled simulator so the whole service can be tried.
  let demo: DemoEngine | undefined;
  const real = configuredEngine(config);
  if (!real && !config.isProduction) {
    try {
      demo = await startDemoEngine(config);
    } catch (err) {
      if (!isAddressInUse(err)) throw err;
      console.error(
        `oVirt HA Bridge cannot start: port ${config.simulator.port} (SIMULATOR_PORT, the bundled simulator) is already in use. ` +
          'Stop what holds it, or set SIMULATOR_PORT=0 for any free port.',
      );
      process.exit(1);
    }
  }
  const container = createContainer(config, { engine: real ?? demo?.target });
  const { logger } = container;
  // Handlers go in before anything is printed: a supervisor that reads the banner and at once sends SIGTERM must get a
  // drain, not the default kill. A signal during start-up (migrations included) is held until the server exists.
  let running: RunningServer | undefined = undefined;
  let stopSignal: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (!running) return;
    running.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopSignal = signal;
    stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let databaseVersion: string;
  let migrationsApplied: string[];
  try {
    databaseVersion = await assertSupportedServer(container.knex);
    migrationsApplied = await migrateLatest(container.knex);
  } catch (err) {
    await container.close(0).catch(() => undefined);
    await demo?.simulator.close();
    if (err instanceof UnsupportedDatabaseError) {
      console.error(`oVirt HA Bridge cannot start: ${err.message}`);
    } else {
      console.error(`oVirt HA Bridge cannot start: the database is not usable: ${(err as Error).message}`);
    }
    process.exit(1);
  }

  // The bundled simulator's demo gets address pools, so the first order shows a VPS with an address of its own.
  if (demo) await seedDemoPools(container.ipPools, demo.scenario);

  const engine: BannerFacts['engine'] = real
    ? { kind: 'configured', url: real.url }
    : demo
      ? {
          kind: 'simulator',
          url: demo.simulator.url,
          scenario: demo.scenario,
          controlUrl: demo.simulator.controlUrl,
          controlToken: demo.simulator.controlToken,
        }
      : { kind: 'none' };
  if (config.jobs.workerEnabled) {
    container.worker.start();
    container.periodic.start();
  }
  if (config.events.syncEnabled) container.eventSync?.start();

  try {
    running = await startHttpServer(createApp(container), {
      host: config.host,
      port: config.port,
      graceMs: config.shutdownGraceMs,
      logger,
      maxHeaderBytes: config.http.maxHeaderBytes,
      beforeClose: () => container.readiness.startDraining(),
      cleanup: async () => {
        await container.close();
        await demo?.simulator.close();
      },
    });
  } catch (err) {
    if (!isAddressInUse(err)) throw err;
    // One line, not a stack: the usual cause is a second `npm start`.
    await container.close(0).catch(() => undefined);
    await demo?.simulator.close();
    console.error(
      `oVirt HA Bridge cannot start: ${config.host}:${config.port} is already in use (another npm start?). Stop it, or set PORT in .env to a free port.`,
    );
    process.exit(1);
  }

  if (stopSignal) {
    stop(stopSignal);
    return;
  }
  const adminToken = config.generatedSecrets.includes('SESSION_SECRET') ? container.adminTokens.sign('banner', 3600) : undefined;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${running.port}`;
  console.log(bannerLines(config, { url, databaseVersion, engine, migrationsApplied, adminToken }).join('\n'));
}

function isAddressInUse(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

main().catch((err: unknown) => {
  console.error('oVirt HA Bridge failed to start:', err);
  process.exit(1);
});
