/**
 * The newcomer's walk, as an operator runs it: the start banner names the bundled simulator's
 * control URL and token and the client-link command; `npm run client-link -- <id>` prints a one-time link that opens
 * the customer's page; a port already in use stops the start with one line, no stack trace.
 */
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app';
import { createContainer } from '../../server/container';
import { migrateLatest } from '../../server/db/migrate';
import { createLogger } from '../../server/logger';
import { sendWebhook } from '../helpers/billing';
import { planBody } from '../helpers/plans';
import { runTs, startTs, tempDir, waitForOutput } from '../helpers/spawn';
import { testConfig } from '../helpers/test-app';

describe('the newcomer walk', () => {
  test('when the service starts with the bundled simulator, then the banner names its control URL and token, and the client-link command', async () => {
    const dir = tempDir();
    const child = startTs('server/main.ts', { PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${path.join(dir, 'bridge.sqlite')}` });
    const banner = await waitForOutput(child, /Admin token.*\n/);
    const control = /Simulator\s+control (http:\/\/127\.0\.0\.1:\d+\/__sim)\s+\(Authorization: Bearer (\S+)\)/.exec(banner);
    expect(control).not.toBeNull();
    expect(banner).toContain(`curl -X POST -H 'Authorization: Bearer ${control?.[2]}' ${control?.[1]}/hosts/host1/fail`);
    expect(banner).toMatch(/VM check\s+every 60 s, one list of our VMs/);
    expect(banner).toContain('npm run --silent client-link -- <service id>');
    // The control URL really drives the simulator.
    const state = await fetch(`${control?.[1]}/state`, { headers: { Authorization: `Bearer ${control?.[2]}` } });
    expect(state.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  test('when the port is already in use, then the start stops with one clear line and no stack trace', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const res = await runTs('server/main.ts', {
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: `sqlite:${path.join(tempDir(), 'bridge.sqlite')}`,
      });
      expect(res.code).toBe(1);
      const lines = res.stderr.trim().split('\n');
      expect(lines).toEqual([
        `oVirt HA Bridge cannot start: 127.0.0.1:${port} is already in use (another npm start?). Stop it, or set PORT in .env to a free port.`,
      ]);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  test('when client-link is run for a service, then it prints a one-time link that opens that customer\u2019s page once', async () => {
    const url = `sqlite:${path.join(tempDir(), 'bridge.sqlite')}`;
    const env = { DATABASE_URL: url, PUBLIC_URL: 'http://bridge.test' };
    const container = createContainer(testConfig(env), { logger: createLogger('silent') });
    try {
      await migrateLatest(container.knex);
      const app = createApp(container);
      await request(app)
        .post('/api/v1/admin/plans')
        .set('Authorization', `Bearer ${container.adminTokens.sign('t')}`)
        .send(planBody())
        .expect(201);
      await sendWebhook(app, {
        type: 'service.create',
        data: { service_id: '1001', client_id: '55', product_id: '7', hostname: 'vps1001.example.net' },
      }).expect(202);

      const res = await runTs('server/cli/client-link.ts', env, ['1001']);
      expect(res.code).toBe(0);
      const link = res.stdout.trim();
      expect(link).toMatch(/^http:\/\/bridge\.test\/client\/sso\?token=[A-Za-z0-9_-]{43}$/);
      expect(res.stderr).toContain('client 55, service 1001');
      const path1 = new URL(link).pathname + new URL(link).search;
      const opened = await request(app).get(path1).expect(303);
      expect(opened.headers.location).toBe('/client/services/1001');
      await request(app).get(path1).expect(410);

      const unknown = await runTs('server/cli/client-link.ts', env, ['9999']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No service 9999 in this database. Some that exist: 1001.');
      expect((await runTs('server/cli/client-link.ts', env, [])).code).toBe(2);
    } finally {
      await container.close(0);
    }
  });
});
