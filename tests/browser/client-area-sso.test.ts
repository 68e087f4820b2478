/**
 * End to end in real Chromium: the panel mints a link for a customer whose VPS went through a host failure on the
 * simulator; the customer opens it, lands on the service page and sees what happened, with the right hosts and
 * downtime; the used link is refused with a page that says what to do.
 */
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

describeBrowser('client area through the panel link, in Chromium', () => {
  let w: UptimeWorld;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let origin: string;
  let browser: Browser;
  let failedHost: string;
  let restartHost: string;
  let downSeconds: number;

  beforeAll(async () => {
    // This provider shows host names to customers (the default hides them), and the page below names them.
    w = await startUptimeWorld('sqlite', { env: { CLIENT_HOST_NAMES: 'show' } });
    const sync = w.t.container.eventSync;
    if (!sync) throw new Error('no event sync');
    await sync.tick();
    failedHost = await w.order('3001', '77');
    w.sim.control.advance(26 * 3600_000);
    await sync.tick();
    const { trouble, backUp: up } = await w.failOver(failedHost, 'vps-3001');
    w.sim.control.advance(30_000);
    await sync.tick();
    restartHost = String(up.host?.name);
    downSeconds = Math.round((up.time - trouble.time) / 1000);

    served = await serveApp(w.t.app);
    origin = served.origin;
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await w?.close();
  });

  const link = async () => {
    const res = await request(w.t.app)
      .post('/api/v1/services/3001/sso')
      .set('Authorization', BILLING_AUTH)
      .send({ client_id: '77' })
      .expect(201);
    const url = new URL(res.body.url as string);
    return `${origin}${url.pathname}${url.search}`;
  };

  test('when the customer opens the link, then the page shows the VPS, its uptime, 90 bars and the failover', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const first = await link();
    await page.goto(first);
    expect(new URL(page.url()).pathname).toBe('/client/services/3001');
    await expect(page.locator('h1').first().innerText()).resolves.toContain('vps3001.example.net');
    const body = await page.locator('body').innerText();
    for (const label of ['Last 24 hours', 'Last 7 days', 'Last 30 days', 'Last 90 days']) expect(body).toContain(label);
    expect(await page.locator('svg rect[data-date], svg rect title').count()).toBeGreaterThanOrEqual(90);
    expect(body).toContain(`Host ${failedHost} failed at`);
    expect(body).toContain(`restarted on ${restartHost}`);
    const m = Math.floor(downSeconds / 60);
    const s = downSeconds % 60;
    expect(body).toContain(s ? `${m} min ${s} s` : `${m} min`);
    expect(body).toMatch(/credit/i);
    await screenshot(page, 'client-sso-service-desktop');

    // The same link a second time: refused, with what to do.
    const again = await page.goto(first);
    expect(again?.status()).toBe(410);
    expect(await page.locator('body').innerText()).toMatch(/client area of your billing panel/i);
    await screenshot(page, 'client-sso-link-used');
    await page.close();
  });

  test('when read on a phone, then nothing overflows and the list links to the service', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(await link());
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'client-sso-service-phone');
    await page.goto(`${origin}/client/services`);
    await page.locator('a[href="/client/services/3001"]').first().click();
    expect(new URL(page.url()).pathname).toBe('/client/services/3001');
    await page.close();
  });

  test('when the customer signs out, then the pages ask for the panel again, and the old cookie opens nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(await link());
    const [cookie] = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('body').innerText()).toMatch(/You are signed out/);
    const back = await page.goto(`${origin}/client/services/3001`);
    expect(back?.status()).toBe(401);
    // Even a copy of the cookie kept from before (the session ended on the server, not only in this browser).
    await request(w.t.app)
      .get('/client/services/3001')
      .set('Cookie', `ohb_client=${String(cookie?.value)}`)
      .expect(401);
    await context.close();
  });
});
