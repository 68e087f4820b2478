/**
 * The console's IP pool pages in real Chromium: a pool made through the form, a refusal shown beside its
 * field, the list's usage bar once addresses are held and in quarantine, and the pool's holders. Headings in order,
 * every control labelled; a screenshot of the list and of a pool for the eye.
 */
import type { Browser, Page } from 'playwright-core';
import { createAdmin, headingLevels, headingsInOrder, signInPage, unlabelledControls } from '../helpers/admin-console';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { insertServices } from '../helpers/ip-pools';
import { createTestApp, type TestApp } from '../helpers/test-app';

describeBrowser('admin console IP pools, in Chromium', () => {
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await createAdmin(t);
    served = await serveApp(t.app);
    origin = served.origin;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(8000);
    await signInPage(page, origin);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
  });

  const checkPage = async () => {
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
  };

  test('when a pool is made through the form and addresses are taken, then the list shows its usage and the pool its holders', async () => {
    await page.goto(`${origin}/admin`);
    await page.getByRole('link', { name: 'IP pools' }).click();
    await page.waitForURL(`${origin}/admin/ip-pools`);
    await page.getByRole('link', { name: 'New pool' }).click();
    await checkPage();

    await page.getByLabel('Name', { exact: true }).fill('pub-v4');
    await page.getByLabel('Cluster').fill('Default');
    await page.getByLabel('Network (CIDR)').fill('192.0.2.0/24');
    await page.getByLabel('Gateway').fill('198.51.100.1');
    await page.getByLabel('DNS servers').fill('192.0.2.53, 192.0.2.54');
    await page.getByLabel('Ranges handed out').fill('192.0.2.10 - 192.0.2.29');
    await page.getByRole('button', { name: 'Create pool' }).click();
    await page.waitForLoadState();
    await expect(page.locator('.error-summary h2').innerText()).resolves.toBe('The pool was not saved');
    expect(await page.getByLabel('Gateway').getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('#gateway-error').innerText()).resolves.toBe('must be inside 192.0.2.0/24');

    await page.getByLabel('Gateway').fill('192.0.2.1');
    await page.getByRole('button', { name: 'Create pool' }).click();
    await page.waitForURL(`${origin}/admin/ip-pools?done=created&pool=pub-v4`);

    const ids = await insertServices(t.db.knex, 6, 'vps');
    for (const [i, id] of ids.entries()) {
      await t.container.ipAllocation.allocateNow({ serviceRowId: id, billingServiceId: `vps-${i + 1}`, cluster: 'Default' });
    }
    await t.container.ipAllocation.release(t.db.knex, ids[0]!);
    await page.reload();
    await checkPage();
    await expect(page.locator('.cap-label').innerText()).resolves.toBe('5 of 20 addresses held');
    expect(await page.locator('.cap-bar').getAttribute('aria-label')).toBe('5 held, 1 in quarantine, 14 free of 20 addresses');
    await screenshot(page, 'admin-ip-pools');

    await page.getByRole('link', { name: 'pub-v4' }).click();
    await page.waitForURL(`${origin}/admin/ip-pools/pub-v4`);
    await checkPage();
    expect(await page.locator('.ip-holders-table tbody tr').count()).toBe(6);
    await expect(page.getByRole('link', { name: 'vps-1', exact: true }).getAttribute('href')).resolves.toBe('/admin/services/vps-1');
    expect(await page.getByRole('button', { name: /Delete pool/ }).count()).toBe(0);
    await screenshot(page, 'admin-ip-pool');
  });
});
