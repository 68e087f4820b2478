import request from 'supertest';
import { auth, PASSWORD, startHarness, USER, type Harness } from './support';

describe('simulator SSO and API authentication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo', tokenTtlSeconds: 60 });
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const tokenRequest = (accept: string, form: Record<string, string>) =>
    h.http.post('/ovirt-engine/sso/oauth/token').set('Accept', accept).type('form').send(form);
  const good = { grant_type: 'password', scope: 'ovirt-app-api', username: USER, password: PASSWORD };

  it('when credentials are right, then the four-key token document', async () => {
    const res = await tokenRequest('application/json', good);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(['access_token', 'exp', 'scope', 'token_type']);
    expect(res.body).toEqual(expect.objectContaining({ token_type: 'bearer', exp: '9223372036854775807' }));
  });

  it('when the password is wrong, then 400 access_denied with the engine text', async () => {
    const res = await tokenRequest('application/json', { ...good, password: 'nope' });
    expect(res.status).toBe(400);
    // The SSO wraps the authn message, which ends with a period, in "…: %3$s." (see login-events.test.ts).
    expect(res.body).toEqual({
      error_code: 'access_denied',
      error:
        "Cannot authenticate user 'admin@internal': Unable to log in. Verify your login information or contact the system administrator..",
    });
  });

  it("when Accept is not exactly application/json (axios' default), then invalid_request", async () => {
    const res = await tokenRequest('application/json, text/plain, */*', good);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: 'invalid_request', error: "Missing parameter: 'Accept Header'" });
  });

  it('when no credentials are sent, then the container 401 page with WWW-Authenticate', async () => {
    const res = await h.http.get('/ovirt-engine/api/vms');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="RESTAPI"');
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('when Basic credentials are sent, then the API answers', async () => {
    const basic = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    expect((await h.http.get('/ovirt-engine/api/hosts').set('Authorization', `Basic ${basic}`)).status).toBe(200);
    const wrong = Buffer.from(`${USER}:x`).toString('base64');
    expect((await h.http.get('/ovirt-engine/api/hosts').set('Authorization', `Basic ${wrong}`)).status).toBe(401);
  });

  it('when the token lifetime passes on the clock, then 401, and a new token works', async () => {
    const res = await tokenRequest('application/json', good);
    const token = (res.body as { access_token: string }).access_token;
    expect((await h.http.get('/ovirt-engine/api').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    h.sim.control.advance(61_000);
    expect((await h.http.get('/ovirt-engine/api').set('Authorization', `Bearer ${token}`)).status).toBe(401);
    const fresh = await tokenRequest('application/json', good);
    expect(
      (
        await h.http
          .get('/ovirt-engine/api')
          .set('Authorization', `Bearer ${String((fresh.body as { access_token: string }).access_token)}`)
      ).status,
    ).toBe(200);
  });

  it('when a token is revoked through sso-logout, then it stops working', async () => {
    const token = ((await tokenRequest('application/json', good)).body as { access_token: string }).access_token;
    const out = await h.http
      .post('/ovirt-engine/services/sso-logout')
      .set('Accept', 'application/json')
      .type('form')
      .send({ scope: 'ovirt-app-api', token });
    expect(out.status).toBe(200);
    expect(out.body).toEqual({});
    expect((await h.http.get('/ovirt-engine/api').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  it('when Version is not 4, then the container 400 page', async () => {
    const res = await h.http.get('/ovirt-engine/api').set({ ...auth(h), Version: '3' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html>');
    expect((await request(h.origin).get('/ovirt-engine/api/v3/vms').set(auth(h))).status).toBe(400);
  });

  it('counts token requests', () => {
    expect(h.sim.control.metrics.snapshot().tokenRequests).toBeGreaterThanOrEqual(6);
  });
});
