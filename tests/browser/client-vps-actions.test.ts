/**
 * The client area's VPS controls in Chromium, end to end on the simulator: the customer signs in
 * through the panel's link, reboots, powers off through the confirmation page, downloads the console file, reinstalls
 * through the page that says the disk is erased, and reads the result and their own action log; the usage panel draws
 * its three charts. Everything works without JavaScript (the context runs with it off). Screenshots at 1280 and
 * 390 px land in tests/artifacts/ (client-vps-*).
 */
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

describeBrowser('client area: VPS actions in Chromium', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let browser: Browser;
  let served: { origin: string; close: () => Promise<void> };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'demo' });
    t = await createTestApp('sqlite', { engine: engineTarget(sim), env: { ...FAST_JOBS } });
    const os = [
      { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
      { key: 'ubuntu-24.04', label: 'Ubuntu 24.04', template: 'ubuntu-24.04' },
    ];
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send(planBody({ os_options: os }))
      .expect(201);
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '4821', client_id: '55', product_id: '7', hostname: 'shop.example.org', os: 'debian-12' },
    }).expect(202);
    await eventually(
      async () => (await request(t.app).get('/api/v1/services/4821').set('Authorization', PANEL)).body.actual_state === 'active',
      30_000,
    );
    // Twenty minutes of running: the engine's usage history fills (one sample every 30 s).
    sim.control.advance(20 * 60_000);
    served = await serveApp(t.app);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await served?.close();
    await t?.close();
    await sim?.close();
  });

  const settled = () =>
    eventually(
      async () => (await t.db.knex('service_actions').whereIn('outcome', ['queued', 'running']).first('id')) === undefined,
      30_000,
    );

  async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
    const link = await request(t.app).post('/api/v1/services/4821/sso').set('Authorization', PANEL).send({ client_id: '55' }).expect(201);
    const url = new URL(link.body.url as string);
    // No JavaScript: every button, confirmation and result must work as plain forms and pages.
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, javaScriptEnabled: false, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${served.origin}${url.pathname}${url.search}`);
    return page;
  }

  test(
    'when the customer reboots, powers off after confirming, opens the console and reinstalls, then each says what happened and the ' +
      'log lists them',
    async () => {
      const page = await signedIn({ width: 1280, height: 900 });
      const block = page.getByRole('region', { name: 'Manage your VPS' });
      await block.waitFor();
      expect(await page.locator('svg.usage-chart').count()).toBe(3);
      expect(await page.locator('[data-usage="cpu"] rect.usage-bar').count()).toBeGreaterThan(10);
      await screenshot(page, 'client-vps-actions-desktop');

      await block.getByRole('button', { name: 'Reboot' }).click();
      await page.getByRole('status').filter({ hasText: 'Reboot requested' }).waitFor();
      await settled();

      await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Power off…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Power off shop.example.org?' }).waitFor();
      expect(await page.getByText('like pulling the plug').count()).toBe(1);
      await screenshot(page, 'client-vps-confirm-stop-desktop');
      await page.getByRole('button', { name: 'Yes, power off now' }).click();
      await page.getByRole('status').filter({ hasText: 'Power off requested' }).waitFor();
      await settled();
      expect([...sim.world.vms.values()].find((v) => v.name === 'vps-4821')?.status).toBe('down');

      // The engine refuses a console for a VM that is down: a page that says why, with the way back.
      await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Console' }).click();
      await page.getByRole('heading', { level: 1, name: 'Console: not done' }).waitFor();
      expect(await page.locator('[data-reason]').innerText()).toContain('not running');
      await page.getByRole('link', { name: 'Back to your VPS' }).click();
      await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Start' }).click();
      await page.getByRole('status').filter({ hasText: 'Start requested' }).waitFor();
      await settled();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Console' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('shop.example.org.vv');

      await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Reinstall…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reinstall shop.example.org' }).waitFor();
      expect(await page.getByText('Everything on the disk of this VPS is erased.').count()).toBe(1);
      await page.getByLabel('Operating system').selectOption('ubuntu-24.04');
      await page.getByLabel('New root password (optional)').fill('Fresh-Password-2026');
      // Without the tick the browser keeps the form (required); a browser that ignored it gets the page again, 400.
      await page.getByRole('button', { name: 'Erase and reinstall' }).click();
      expect(page.url()).toContain('/reinstall');
      await screenshot(page, 'client-vps-reinstall-desktop');
      await page.getByLabel('I understand that everything on the disk is erased.').check();
      await page.getByRole('button', { name: 'Erase and reinstall' }).click();
      await page.getByRole('status').filter({ hasText: 'Reinstall started' }).waitFor();
      await settled();

      await page.reload();
      const log = page.getByRole('region', { name: 'Your recent actions' });
      const rows = await log.locator('tbody th').allTextContents();
      expect(rows).toEqual(['Reinstall', 'Console', 'Start', 'Console', 'Power off', 'Reboot']);
      expect(await log.innerText()).toContain('not running');
      expect(await page.content()).not.toContain('Fresh-Password-2026');
      await screenshot(page, 'client-vps-log-desktop');
    },
    90_000,
  );

  test('when read on a phone, then the controls, the confirmation and the reinstall page fit the width', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Manage your VPS' }).waitFor();
    const overflow = () =>
      page.evaluate(() => {
        const d = (globalThis as unknown as InPage).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'client-vps-actions-phone');
    await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Power off…' }).click();
    await page.getByRole('button', { name: 'Yes, power off now' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'client-vps-confirm-stop-phone');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('region', { name: 'Manage your VPS' }).getByRole('button', { name: 'Reinstall…' }).click();
    await page.getByRole('button', { name: 'Erase and reinstall' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, 'client-vps-reinstall-phone');
  }, 60_000);
});
