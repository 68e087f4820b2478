import jwt from 'jsonwebtoken';
import request from 'supertest';
import { databaseKinds } from '../helpers/databases';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

describe.each(databaseKinds)('admin API authentication on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  const now = () => Math.floor(Date.now() / 1000);
  const base = () => ({ aud: 'admin', iss: 'ovirt-ha-bridge', sub: 'ops', iat: now(), exp: now() + 600 });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

  const refused: Array<[string, () => string]> = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(base())}.`],
    ['HS384', () => jwt.sign(base(), TEST_SECRETS.SESSION_SECRET, { algorithm: 'HS384' })],
    ['wrong secret', () => jwt.sign(base(), 'not-the-session-secret-0123456789abcdef', { algorithm: 'HS256' })],
    ['wrong audience', () => jwt.sign({ ...base(), aud: 'client' }, TEST_SECRETS.SESSION_SECRET, { algorithm: 'HS256' })],
    ['expired', () => jwt.sign({ ...base(), iat: now() - 7200, exp: now() - 3600 }, TEST_SECRETS.SESSION_SECRET, { algorithm: 'HS256' })],
  ];

  test.each(refused)('when the token has %s, then 401', async (_label, make) => {
    const res = await request(t.app).get('/api/v1/admin/plans').set('Authorization', `Bearer ${make()}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts/);
  });

  test('when the token is valid, then 200', async () => {
    const token = jwt.sign(base(), TEST_SECRETS.SESSION_SECRET, { algorithm: 'HS256' });
    const res = await request(t.app).get('/api/v1/admin/plans').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });
});
