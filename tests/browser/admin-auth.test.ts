/** The admin console's door in Chromium: sign in through the form, the overview, sign out, and an old session refused. */
import type { Browser } from 'playwright-core';
import { ADMIN_EMAIL, createAdmin, headingLevels, headingsInOrder, signInPage, unlabelledControls } from '../helpers/admin-console';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { createTestApp, type TestApp } from '../helpers/test-app';

describeBrowser('admin sign-in in Chromium', () => {
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    await createAdmin(t);
    served = await serveApp(t.app);
    origin = served.origin;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
  });

  test('when an admin signs in, then the overview shows; after signing out, the old session opens nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${origin}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    await screenshot(page, 'admin-login');

    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('wrong password here');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('The email or password is wrong.');
    expect(await page.getByLabel('Email').inputValue()).toBe(ADMIN_EMAIL);

    await signInPage(page, origin);
    await expect(page.locator('h1').innerText()).resolves.toBe('Overview');
    await expect(page.locator('.admin-who').innerText()).resolves.toBe(ADMIN_EMAIL);
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    await screenshot(page, 'admin-overview');

    // A form posted without the session's CSRF token changes nothing.
    const forged = await page.request.post(`${origin}/admin/logout`, { form: { _csrf: 'forged-token-000000000000' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await page.goto(`${origin}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin');

    const cookies = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/login\?signed_out=1$/);
    await expect(page.getByRole('status').innerText()).resolves.toContain('You are signed out.');

    // The cookie the admin had before signing out is dead on the server, wherever it was copied.
    const other = await browser.newContext();
    await other.addCookies(cookies);
    const stale = await other.newPage();
    await stale.goto(`${origin}/admin`);
    expect(new URL(stale.url()).pathname).toBe('/admin/login');
    await other.close();
    await context.close();
  });
});
