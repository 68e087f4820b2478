import { PASSWORD, startHarness, USER, type Harness } from './support';

describe('simulator logins in the audit log (30, 31, 114)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo' });
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const tokenRequest = (form: Record<string, string>) =>
    h.http.post('/ovirt-engine/sso/oauth/token').set('Accept', 'application/json').type('form').send(form);
  const good = { grant_type: 'password', scope: 'ovirt-app-api', username: USER, password: PASSWORD };
  const newToken = async () => ((await tokenRequest(good)).body as { access_token: string }).access_token;
  const eventsAfter = (index: number) => h.sim.world.events.filter((e) => e.index > index);
  const last = () => h.sim.world.peekNextEventIndex() - 1;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it(
    "when a token is used for the first time, then 30 names the user, the client's address and a session; later requests and the " +
      'logout log nothing',
    async () => {
      // Arrange: past the flood window of the harness's own login; issuing the token is the SSO's business, no
      // event yet
      h.sim.control.advance(5_000);
      const start = last();
      const token = await newToken();
      expect(eventsAfter(start)).toEqual([]);

      // Act: the first API request creates the engine session, in either dialect
      const xml = await h.http.get('/ovirt-engine/api/hosts').set('Authorization', `Bearer ${token}`);
      const jsonRead = await h.http.get('/ovirt-engine/api/hosts').set({ Authorization: `Bearer ${token}`, Accept: 'application/json' });

      // Assert
      expect([xml.status, jsonRead.status]).toEqual([200, 200]);
      const events = eventsAfter(start);
      expect(events.map((e) => e.code)).toEqual([30]);
      expect(events[0]?.description).toMatch(
        /^User admin@internal-authz connecting from '127\.0\.0\.1' using session '[A-Za-z0-9+/]{86}==' logged in\.$/,
      );
      expect(events[0]?.severity).toBe('normal');
      expect(events[0]?.user?.name).toBe('admin@internal-authz');
      expect(events[0]?.correlationId).toBeUndefined();

      // the event reads the same in both dialects
      const id = String(events[0]?.index);
      const asJson = await h.http
        .get(`/ovirt-engine/api/events/${id}`)
        .set({ Authorization: `Bearer ${token}`, Accept: 'application/json' });
      const asXml = await h.http.get(`/ovirt-engine/api/events/${id}`).set('Authorization', `Bearer ${token}`);
      expect((asJson.body as { code: string }).code).toBe('30');
      expect(asXml.text).toContain('<code>30</code>');
      expect(asXml.text.replace(/&apos;/g, "'")).toContain(`<description>${events[0]?.description ?? ''}</description>`);

      // Act: sso-logout gives the token back; TerminateSessionsForToken logs nothing
      const before = last();
      await h.http
        .post('/ovirt-engine/services/sso-logout')
        .set('Accept', 'application/json')
        .type('form')
        .send({ scope: 'ovirt-app-api', token });
      expect(eventsAfter(before)).toEqual([]);
    },
  );

  it('when Basic credentials are used, then each request logs in (30, once in 5 s) and out (31) of its own session', async () => {
    // the bearer login above is within the same user's 5 s flood window
    h.sim.control.advance(5_000);
    const start = last();
    const header = basic(USER, PASSWORD);

    // the fast read path and the express path alike
    expect((await h.http.get('/ovirt-engine/api/hosts').set('Authorization', header)).status).toBe(200);
    const hostId = [...h.sim.world.hosts.values()][0]?.id ?? '';
    expect((await h.http.get(`/ovirt-engine/api/hosts/${hostId}`).set('Authorization', header)).status).toBe(200);

    const events = eventsAfter(start);
    expect(events.map((e) => e.code)).toEqual([30, 31, 31]);
    const session = /using session '([^']+)'/.exec(events[0]?.description ?? '')?.[1];
    expect(events[1]?.description).toBe(
      `User admin@internal-authz connected from '127.0.0.1' using session '${session ?? ''}' logged out.`,
    );
    expect(events[2]?.description).not.toContain(session ?? '');

    // after the flood window, a login is logged again
    h.sim.control.advance(5_000);
    const later = last();
    await h.http.get('/ovirt-engine/api/hosts').set('Authorization', header);
    expect(eventsAfter(later).map((e) => e.code)).toEqual([30, 31]);
  });

  it("when the password is wrong, then 114 with the SSO's sentence and the name as typed, and no user link", async () => {
    h.sim.control.advance(5_000);
    const start = last();

    const res = await tokenRequest({ ...good, password: 'nope' });

    expect(res.status).toBe(400);
    const events = eventsAfter(start);
    expect(events.map((e) => e.code)).toEqual([114]);
    expect(events[0]?.severity).toBe('error');
    expect(events[0]?.description).toBe(
      "User admin@internal connecting from '127.0.0.1' failed to log in : 'Unable to log in. Verify your login information or " +
        "contact the system administrator.'.",
    );
    expect(events[0]?.user).toBeUndefined();

    // wrong Basic credentials go through the same SSO check (and its 5 s flood key, which names nothing)
    h.sim.control.advance(5_000);
    const basicStart = last();
    expect((await h.http.get('/ovirt-engine/api/hosts').set('Authorization', basic(USER, 'nope'))).status).toBe(401);
    expect(eventsAfter(basicStart).map((e) => e.code)).toEqual([114]);
  });

  it('when the profile is unknown, then the SSO refuses before authenticating: no 114', async () => {
    h.sim.control.advance(5_000);
    const start = last();

    const res = await tokenRequest({ ...good, username: 'admin@nowhere' });

    expect(res.body).toEqual({
      error_code: 'access_denied',
      error: "Cannot authenticate user 'admin@nowhere': No valid profile found in credentials..",
    });
    expect(eventsAfter(start)).toEqual([]);
  });
});
