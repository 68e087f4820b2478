/** Admin console sign-in: sessions, CSRF, the sign-in limit, and no state change on GET. */
import { createServer, type Server } from 'node:http';
import argon2 from 'argon2';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/app';
import { ManualClock } from '../../server/clock';
import { createContainer } from '../../server/container';
import { createKnex } from '../../server/db/knex';
import { createLogger } from '../../server/logger';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createAdmin, csrfOf, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, type TestApp, testConfig } from '../helpers/test-app';

/** One listening server per app, so parallel requests share it (supertest would start one per request). */
function listening(app: Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(app).listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe.each(databaseKinds)('admin console sign-in on %s', (kind) => {
  let t: TestApp;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock('2026-12-01T10:00:00Z');
    t = await createTestApp(kind, { clock, env: { ADMIN_IDLE_MINUTES: '30', ADMIN_LOGIN_MAX_FAILURES: '3' } });
    await createAdmin(t);
  });
  afterEach(async () => {
    await t.close();
  });

  test('when a page is asked for without a session, then the browser goes to the sign-in page and back afterwards', async () => {
    const res = await request(t.app).get('/admin/jobs?state=dead').expect(303);
    expect(res.headers.location).toBe('/admin/login?next=%2Fadmin%2Fjobs%3Fstate%3Ddead');
    const agent = request.agent(t.app);
    const form = await agent.get(String(res.headers.location)).expect(200);
    expect(form.text).toContain('value="/admin/jobs?state&#x3D;dead"');
    const signIn = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, _csrf: csrfOf(form.text), next: '/admin/jobs?state=dead' })
      .expect(303);
    expect(signIn.headers.location).toBe('/admin/jobs?state=dead');
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/ohb_admin=[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
  });

  test('when the next page is another site, then sign-in ignores it', async () => {
    const agent = request.agent(t.app);
    const form = await agent.get('/admin/login?next=https://evil.example').expect(200);
    const res = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, _csrf: csrfOf(form.text), next: '//evil.example/admin' })
      .expect(303);
    expect(res.headers.location).toBe('/admin');
  });

  test('when the password is wrong or the account unknown, then the same words answer, and the limit locks the account with Retry-After', async () => {
    const agent = request.agent(t.app);
    const attempt = async (email: string, password: string) => {
      const form = await agent.get('/admin/login');
      return agent
        .post('/admin/login')
        .type('form')
        .send({ email, password, _csrf: csrfOf(form.text) });
    };
    const wrong = await attempt(ADMIN_EMAIL, 'not the password at all');
    const unknown = await attempt('nobody@example.net', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('The email or password is wrong.');
    expect(unknown.text).toContain('The email or password is wrong.');
    await attempt(ADMIN_EMAIL, 'again wrong password');
    await attempt(ADMIN_EMAIL, 'third wrong password');
    const locked = await attempt(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.text).toMatch(/Too many failed sign-ins/);
    clock.advance(16 * 60_000);
    expect((await attempt(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(303);
  });

  test(
    'when 200 sign-ins arrive at once on two instances, 199 wrong and the right one last, then only the limit of passwords is ' +
      'checked and the rest, the right one too, are 429',
    async () => {
      // A second instance on the same database: its own pool on MariaDB; on SQLite (one process only) the same handle.
      const knex2 = kind === 'mysql' ? createKnex(t.db.target) : t.db.knex;
      const second = createApp(
        createContainer(testConfig({ DATABASE_URL: t.db.url, ADMIN_IDLE_MINUTES: '30', ADMIN_LOGIN_MAX_FAILURES: '3' }), {
          knex: knex2,
          clock,
          logger: createLogger('silent'),
        }),
      );
      const servers = await Promise.all([t.app, second].map(listening));
      const verify = jest.spyOn(argon2, 'verify');
      try {
        const form = await request(servers[0] as Server)
          .get('/admin/login')
          .expect(200);
        const loginCookie = String(form.headers['set-cookie']).split(';')[0] as string;
        const passwords = [...Array.from({ length: 199 }, (_, i) => `wrong password number ${i}`), ADMIN_PASSWORD];
        const answers = await Promise.all(
          passwords.map((password, i) =>
            request(servers[i % 2] as Server)
              .post('/admin/login')
              .set('Cookie', loginCookie)
              .type('form')
              .send({ email: ADMIN_EMAIL, password, _csrf: csrfOf(form.text) }),
          ),
        );
        const statuses = answers.map((a) => a.status);
        expect(statuses.filter((s) => s === 401)).toHaveLength(3);
        expect(statuses.filter((s) => s === 429)).toHaveLength(197);
        expect(statuses[199]).toBe(429);
        expect(verify).toHaveBeenCalledTimes(3);
        expect(Number((await t.db.knex('admin_login_failures').count({ n: '*' }).first())?.n)).toBe(3);
        clock.advance(16 * 60_000);
        const again = await request(servers[1] as Server)
          .get('/admin/login')
          .expect(200);
        await request(servers[1] as Server)
          .post('/admin/login')
          .set('Cookie', String(again.headers['set-cookie']).split(';')[0] as string)
          .type('form')
          .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, _csrf: csrfOf(again.text) })
          .expect(303);
        // Housekeeping drops the lock rows (one for the account, one for the address) once the window has passed.
        expect(Number((await t.db.knex('admin_login_locks').count({ n: '*' }).first())?.n)).toBe(2);
        clock.advance(16 * 60_000);
        await t.container.adminAccounts.purge();
        expect(Number((await t.db.knex('admin_login_locks').count({ n: '*' }).first())?.n)).toBe(0);
      } finally {
        verify.mockRestore();
        await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
        if (knex2 !== t.db.knex) await knex2.destroy();
      }
    },
    60_000,
  );

  test('when the sign-in form comes without its token, then it is refused and no session is made', async () => {
    const res = await request(t.app).post('/admin/login').type('form').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(403);
    expect(res.headers['set-cookie']?.toString() ?? '').not.toContain('ohb_admin=');
  });

  test('when a signed-in form posts without the CSRF token or with another one, then 403 and nothing changes', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    await agent.post('/admin/logout').type('form').send({}).expect(403);
    await agent
      .post('/admin/logout')
      .type('form')
      .send({ _csrf: 'x'.repeat(32) })
      .expect(403);
    await agent.get('/admin').expect(200);
    await agent.post('/admin/logout').type('form').send({ _csrf: csrf }).expect(303);
  });

  test('when an admin signs out, then the old cookie no longer opens anything', async () => {
    const { agent, csrf } = await signedInAgent(t.app);
    const cookie = (await agent.get('/admin')).request.cookies;
    await agent.post('/admin/logout').type('form').send({ _csrf: csrf }).expect(303);
    await request(t.app).get('/admin').set('Cookie', cookie).expect(303);
    expect(await t.db.knex('admin_sessions').count({ n: '*' }).first()).toMatchObject({ n: expect.anything() });
    expect(Number((await t.db.knex('admin_sessions').count({ n: '*' }).first())?.n)).toBe(0);
  });

  test('when a session sits idle past the timeout, then it ends', async () => {
    const { agent } = await signedInAgent(t.app);
    clock.advance(29 * 60_000);
    await agent.get('/admin').expect(200);
    clock.advance(31 * 60_000);
    await agent.get('/admin').expect(303);
  });

  test('when the JSON admin API is called, then bearer tokens work as before and the console cookie is not enough', async () => {
    await request(t.app).get('/api/v1/admin/plans').set('Authorization', t.adminAuth).expect(200);
    const { agent } = await signedInAgent(t.app);
    await agent.get('/api/v1/admin/plans').expect(401);
  });
});
