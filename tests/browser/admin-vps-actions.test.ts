/**
 * The admin service page's VPS actions and the billing panel's console link in Chromium on
 * the simulator. The panel's link is followed from a page on another site (as from WHMCS), which is what the landing
 * page's same-site refresh is for: the console's session cookie is SameSite=Strict. The staff member then reboots and
 * powers off through the confirmation page, and the action log says it was them. Screenshots at 1280 and 390 px land
 * in tests/artifacts/ (admin-vps-*).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningSimulator } from '../../ovirt-simulator';
import { eventually, sendWebhook } from '../helpers/billing';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

type InPage = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };
const PANEL = `Bearer ${TEST_SECRETS.BILLING_API_KEY}`;

describeBrowser("admin console: VPS actions and the panel's sign-in link in Chromium", () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let browser: Browser;
  let served: { origin: string; close: () => Promise<void> };
  let panelSite: Server;
  let panelOrigin: string;
  let nextLink = '';
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await createTestApp('sqlite', { engine: engineTarget(sim), env: { ...FAST_JOBS } });
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ os_options: [{ key: 'debian-12', label: 'Debian 12', template: 'debian-12' }] }))
      .expect(201);
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '4821', client_id: '55', product_id: '7', hostname: 'shop.example.org' },
    }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/4821').set('Authorization', PANEL)).body.actual_state === 'active',
      30_000,
    );
    served = await serveApp(t.app);
    // The billing panel: another site (localhost, where the bridge is 127.0.0.1) with a link to the console.
    panelSite = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end(`<!doctype html><title>WHMCS</title><a href="${nextLink}">Login to panel</a>`);
    });
    await new Promise<void>((resolve) => panelSite.listen(0, '127.0.0.1', resolve));
    panelOrigin = `http://localhost:${(panelSite.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await new Promise((r) => (panelSite ? panelSite.close(r) : r(undefined)));
    await served?.close();
    await t?.close();
    await sim?.close();
  });

  /** Follows a fresh panel link from the panel's own page, as a WHMCS admin would. */
  async function fromPanel(viewport: { width: number; height: number }): Promise<Page> {
    const minted = await request(t.app).post('/api/v1/admin-sso').set('Authorization', PANEL).send({ username: 'alice' }).expect(201);
    const url = new URL(minted.body.url as string);
    nextLink = `${served.origin}${url.pathname}${url.search}`;
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(panelOrigin);
    await page.getByRole('link', { name: 'Login to panel' }).click();
    await page.waitForURL(`${served.origin}/admin`);
    return page;
  }

  const settled = () =>
    eventually(
      async () => (await t.db.knex('service_actions').whereIn('outcome', ['queued', 'running']).first('id')) === undefined,
      30_000,
    );

  test("when a WHMCS admin follows the panel's link, then the console opens as whmcs:alice, and their reboot and power off are recorded as them", async () => {
    const page = await fromPanel({ width: 1280, height: 900 });
    expect(await page.content()).toContain('whmcs:alice');

    await page.goto(`${served.origin}/admin/services/4821`);
    const block = page.getByRole('region', { name: 'VPS actions' });
    await block.getByRole('button', { name: 'Reboot' }).click();
    await page.getByRole('status').filter({ hasText: 'Reboot sent to the engine' }).waitFor();
    await settled();

    await page.getByRole('region', { name: 'VPS actions' }).getByRole('link', { name: 'Power off…' }).click();
    await page.getByRole('heading', { level: 1, name: 'Power off service 4821?' }).waitFor();
    await screenshot(page, 'admin-vps-confirm-stop-desktop');
    await page.getByRole('button', { name: 'Power off now' }).click();
    await page.getByRole('status').filter({ hasText: 'Power off sent to the engine' }).waitFor();
    await settled();
    await page.reload();
    const log = page.getByRole('region', { name: 'VPS actions' }).locator('table.action-log tbody tr');
    expect(await log.count()).toBe(2);
    expect(await log.first().innerText()).toMatch(/Power off\s+Admin whmcs:alice/);
    await screenshot(page, 'admin-vps-actions-desktop');
  }, 60_000);

  test('when read on a phone, then the actions and the reinstall page fit the width', async () => {
    const page = await fromPanel({ width: 390, height: 844 });
    await page.goto(`${served.origin}/admin/services/4821`);
    await page.getByRole('region', { name: 'VPS actions' }).waitFor();
    await screenshot(page, 'admin-vps-actions-phone');
    await page.getByRole('region', { name: 'VPS actions' }).getByRole('link', { name: 'Reinstall…' }).click();
    await page.getByRole('button', { name: 'Erase and reinstall' }).waitFor();
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as InPage).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'admin-vps-reinstall-phone');
  }, 60_000);
});
