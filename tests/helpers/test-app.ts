/**
 * A real app over a real, migrated database: what integration suites drive with supertest.
 */
import type { Express } from 'express';
import { createApp } from '../../server/app';
import type { Clock } from '../../server/clock';
import { type Config, loadConfig } from '../../server/config';
import { type Container, createContainer } from '../../server/container';
import { migrateLatest } from '../../server/db/migrate';
import { createLogger, type Logger } from '../../server/logger';
import type { EngineTarget } from '../../server/ovirt';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases';

export const TEST_SECRETS = {
  SESSION_SECRET: 'test-session-secret-0123456789abcdef-XYZ',
  BILLING_API_KEY: 'test-billing-api-key-0123456789abcdef-XYZ',
  WEBHOOK_SECRET: `whsec_${Buffer.from('test-webhook-secret-32-bytes-long!').toString('base64')}`,
  SECRETS_KEY: '5ec2e75c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012',
};

/**
 * Suites send thousands of requests (and many refused ones on purpose) from 127.0.0.1, so the per-address limits are
 * off here; tests/integration/abuse-limits.test.ts switches them on with low values.
 */
const LIMITS_OFF = { RATE_LIMIT_WEBHOOKS: '0', RATE_LIMIT_API: '0', RATE_LIMIT_AUTH_FAILURES: '0' };

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://bridge.test',
    ...TEST_SECRETS,
    ...LIMITS_OFF,
    ...overrides,
  });
}

export interface TestApp {
  app: Express;
  container: Container;
  db: TestDatabase;
  /** A valid admin bearer header value. */
  adminAuth: string;
  close(): Promise<void>;
}

export async function createTestApp(
  kind: DatabaseKind,
  options: { env?: Record<string, string>; clock?: Clock; logger?: Logger; engine?: EngineTarget } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(kind);
  const config = testConfig({ DATABASE_URL: db.url, ...options.env });
  const container = createContainer(config, {
    knex: db.knex,
    clock: options.clock,
    logger: options.logger ?? createLogger('silent'),
    engine: options.engine,
  });
  await migrateLatest(db.knex);
  return {
    app: createApp(container),
    container,
    db,
    adminAuth: `Bearer ${container.adminTokens.sign('test-admin')}`,
    close: async () => {
      container.periodic.stop();
      await container.worker.stop(0);
      await container.eventSync?.stop();
      await container.ovirt?.close();
      await db.drop();
    },
  };
}
