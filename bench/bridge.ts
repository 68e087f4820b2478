/**
 * The service as the benchmarks run it: composed like server/main.ts (config → container → migrations → HTTP on a
 * loopback port), on a SQLite file in a temporary directory (WAL, as the embedded default runs) or on a fresh
 * MySQL/MariaDB database that is dropped afterwards. Built from server/ directly rather than from tests/helpers, so the
 * benches measure the production composition (file database, request logging) and not the test one (`:memory:`,
 * silent logger).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import pino from 'pino';
import { createApp } from '../server/app';
import { loadConfig, parseDatabaseUrl, redactUrl } from '../server/config';
import { type Container, createContainer } from '../server/container';
import { migrateLatest } from '../server/db/migrate';
import { assertSupportedServer } from '../server/db/version-check';
import { startHttpServer, type RunningServer } from '../server/http-server';
import { createLogger } from '../server/logger';
import type { EngineTarget } from '../server/ovirt';

export type DatabaseKind = 'sqlite' | 'mysql';

export interface BenchDatabase {
  kind: DatabaseKind;
  /** DATABASE_URL for the service. */
  url: string;
  /** The URL without its password, for the report. */
  label: string;
  /** Removes the SQLite file or drops the MySQL database. */
  drop(): Promise<void>;
}

/** A scratch directory for SQLite files and request logs, removed at the end of the run. */
export function createWorkspace(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `obh-bench-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh, empty database. MySQL/MariaDB comes from `mysqlUrl` (TEST_MYSQL_URL): a new schema on that server, so a
 * bench never touches data of the tests or of another run.
 */
export async function createBenchDatabase(kind: DatabaseKind, workspace: string, mysqlUrl: string | undefined): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const file = path.join(workspace, `bridge-${randomBytes(3).toString('hex')}.sqlite`);
    const url = `sqlite:${file}`;
    return {
      kind,
      url,
      label: url,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  if (!mysqlUrl) throw new Error('TEST_MYSQL_URL is not set');
  const server = parseDatabaseUrl(mysqlUrl);
  if (server.client !== 'mysql') throw new Error('TEST_MYSQL_URL must be a mysql:// URL');
  const name = `obh_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = () =>
    knexFactory({
      client: 'mysql2',
      connection: { host: server.host, port: server.port, user: server.user, password: server.password },
      pool: { min: 0, max: 1 },
    });
  const creator = admin();
  try {
    await creator.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  } finally {
    await creator.destroy();
  }
  const url = new URL(mysqlUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    label: redactUrl(url.toString()),
    drop: async () => {
      const dropper = admin();
      try {
        await dropper.raw('DROP DATABASE IF EXISTS ??', [name]);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

export interface RunningBridge {
  container: Container;
  server: RunningServer;
  port: number;
  /** `Bearer …` for the admin API. */
  adminAuth: string;
  webhookSecret: string;
  databaseVersion: string;
  /** Stops HTTP, the worker and the pool; the database itself stays (drop it with BenchDatabase.drop). */
  close(): Promise<void>;
}

export interface BridgeOptions {
  db: BenchDatabase;
  /** Extra environment for loadConfig (JOB_CONCURRENCY, PROVISION_POLL_MS, BILLING_CALLBACK_URL, …). */
  env?: Record<string, string>;
  engine?: EngineTarget;
  /** Request and job logs go to this file at this level ('info' as in production; 'silent' to leave them out). */
  logFile: string;
  logLevel: string;
}

/** Starts the service on 127.0.0.1 (a free port) over a migrated database, with fresh secrets for this run. */
export async function startBridge(o: BridgeOptions): Promise<RunningBridge> {
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const config = loadConfig({
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://bridge.bench',
    DATABASE_URL: o.db.url,
    WEBHOOK_SECRET: webhookSecret,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    BILLING_API_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: o.logLevel,
    // Benches drive thousands of requests from 127.0.0.1: the per-address limits would measure themselves.
    RATE_LIMIT_WEBHOOKS: '0',
    RATE_LIMIT_API: '0',
    RATE_LIMIT_AUTH_FAILURES: '0',
    ...o.env,
  });
  // Asynchronous file writes, as pino to a redirected stdout would do in production; the file is thrown away.
  const destination = pino.destination({ dest: o.logFile, sync: false, mkdir: true });
  const container = createContainer(config, { logger: createLogger(config.log.level, destination), engine: o.engine });
  const databaseVersion = await assertSupportedServer(container.knex);
  await migrateLatest(container.knex);
  const server = await startHttpServer(createApp(container), {
    host: config.host,
    port: config.port,
    graceMs: 5000,
    logger: container.logger,
    cleanup: () => container.close(5000),
  });
  return {
    container,
    server,
    port: server.port,
    adminAuth: `Bearer ${container.adminTokens.sign('bench')}`,
    webhookSecret,
    databaseVersion,
    close: async () => {
      await server.shutdown('bench finished');
      // Not ended: requests a client gave up on may still finish and log after the shutdown; the file is scratch.
      try {
        destination.flushSync();
      } catch {
        /* not open yet: nothing buffered */
      }
    },
  };
}

/** Maps a billing product to a plan through the admin API, as an admin would. */
/** An IP pool through the admin API, as an admin would add one. */
export async function createPool(bridge: RunningBridge, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/api/v1/admin/ip-pools`, {
    method: 'POST',
    headers: { Authorization: bridge.adminAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`creating the IP pool failed: ${res.status} ${await res.text()}`);
}

export async function createPlan(bridge: RunningBridge, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${bridge.port}/api/v1/admin/plans`, {
    method: 'POST',
    headers: { Authorization: bridge.adminAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`creating the plan failed: ${res.status} ${await res.text()}`);
}
