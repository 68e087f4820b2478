/**
 * The failover history (`/admin/incidents`) in Chromium: an admin opens Incidents from the bar,
 * reads the host failure's card (services in restart order with priority, new host and time to restart) and follows
 * a service's link. The page is docs/admin-incidents.png.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createAdmin, headingLevels, headingsInOrder, signInPage, unlabelledControls } from '../helpers/admin-console';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { type HostFailureWorld, startHostFailureWorld } from '../helpers/host-failure-world';

describeBrowser('the failover history in Chromium', () => {
  let f: HostFailureWorld;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    f = await startHostFailureWorld('sqlite');
    await createAdmin(f.w.t);
    served = await serveApp(f.w.t.app);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInPage(page, served.origin);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await f?.w.close();
  });

  test('when an admin opens Incidents, then the host failure reads as a post-mortem and links to each service', async () => {
    const origin = served!.origin;
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.waitForURL(`${origin}/admin/incidents`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Incidents');
    const card = page.locator('section.failure').first();
    await expect(card.locator('h2').innerText()).resolves.toMatch(
      new RegExp(`^Host ${f.failedHost} failed at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$`),
    );
    const rows = card.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(f.hit.length);
    await expect(rows.first().innerText()).resolves.toMatch(
      /^1\s+\d+[\s\S]*100 \(High\)[\s\S]*restarted elsewhere[\s\S]*host\d[\s\S]*\d+ min/,
    );
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    const file = await screenshot(page, 'admin-incidents');
    copyFileSync(file, path.resolve(__dirname, '..', '..', 'docs', 'admin-incidents.png'));

    const first = rows.first().locator('a');
    const id = await first.innerText();
    await first.click();
    await page.waitForURL(`${origin}/admin/services/${id}`);
    await expect(page.locator('h1').innerText()).resolves.toContain(id);
  });
});
