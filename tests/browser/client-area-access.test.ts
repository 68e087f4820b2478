/**
 * "Your VPS" on the client area's service page in Chromium: the VPS's host name, addresses, OS and user
 * name with copy buttons, through the real view engine, helmet's default CSP and the real stylesheet and script, at
 * 1280 and 390 px. Screenshots land in tests/artifacts/ (client-service-access-*); the card alone at 1280 px is
 * docs/client-area-vps.png in the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createViewEngine, VIEWS_DIR } from '../../server/http/views';
import { presentClientServicePage } from '../../server/http/view-models/client-area';
import { ARTIFACTS_DIR, describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { buildUptimeReport } from './fixtures/client-uptime-report';
import { buildVpsAccess } from './fixtures/client-vps-access';

/** The DOM members the in-page checks touch; tsconfig has no DOM lib, since the code base is Node. */
interface DomElement {
  tagName: string;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { right: number };
}
type StatusDoc = { document: { getElementById(id: string): { textContent: string } | null } };
type InPage = {
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
  navigator: { clipboard: { readText(): Promise<string> } };
};

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const report = buildUptimeReport();
const dualStack = buildVpsAccess({
  network: { ipv4: ['192.0.2.10', '192.0.2.11'], ipv6: ['2001:db8:1:5::1/64'], ipv6Prefixes: ['2001:db8:1:5::/64'] },
});
const settingUp = buildVpsAccess({ network: null, service: { actualState: 'provisioning' } });

function app(): express.Express {
  const a = express();
  a.engine('hbs', createViewEngine({ cache: false }));
  a.set('views', VIEWS_DIR);
  a.set('view engine', 'hbs');
  a.use(helmet());
  a.use('/static', express.static(`${VIEWS_DIR}/static`, { index: false }));
  a.get('/client/services/4821', (_req, res) => res.render('client/service', presentClientServicePage(report, dualStack)));
  a.get('/client/services/5230', (_req, res) =>
    res.render(
      'client/service',
      presentClientServicePage(
        buildUptimeReport({ billingServiceId: '5230', state: 'provisioning', vmStatus: null, activeSince: null, incidents: [] }),
        settingUp,
      ),
    ),
  );
  return a;
}

describeBrowser('client area: Your VPS (addresses, OS, user name) in Chromium', () => {
  let browser: Browser;
  let served: { origin: string; close: () => Promise<void> };
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    served = await serveApp(app());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await served?.close();
  });

  async function open(urlPath: string, viewport: { width: number; height: number }, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ viewport, javaScriptEnabled, deviceScaleFactor: 1 });
    if (javaScriptEnabled) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: served.origin });
    contexts.push(context);
    const page = await context.newPage();
    // A CSP violation (an inline script, an onclick) shows up as a console error: the page must have none.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${urlPath}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${urlPath}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${urlPath}: ${r.url()} answered ${r.status()}`);
    });
    await page.goto(served.origin + urlPath);
    return page;
  }

  async function noHorizontalScroll(page: Page): Promise<void> {
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const root = (globalThis as unknown as InPage).document.documentElement;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const sticking = await page.$$eval('.access *', (els: DomElement[]) => {
      const edge = (globalThis as unknown as InPage).document.documentElement.clientWidth + 1;
      return els
        .filter((e) => e.getBoundingClientRect().right > edge)
        .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`);
    });
    expect(sticking).toEqual([]);
  }

  it('shows the host name, both address families, OS and user name with copy buttons at 1280 px, and copies', async () => {
    const page = await open('/client/services/4821', DESKTOP);
    const card = page.locator('section.access');
    await card.waitFor();
    expect(await card.locator('h2').innerText()).toBe('Your VPS');
    const rows = await card
      .locator('.access-row')
      .evaluateAll((els: Array<DomElement & { innerText: string }>) => els.map((e) => e.innerText.replace(/\s+/g, ' ').trim()));
    expect(rows).toEqual([
      'Host name vps-4821.example-hosting.net Copy',
      'IPv4 address 1 192.0.2.10 Copy',
      'IPv4 address 2 192.0.2.11 Copy',
      'IPv6 address 2001:db8:1:5::1 Copy Your network: 2001:db8:1:5::/64',
      'Operating system Debian 12 (Bookworm) Copy',
      'User name root Copy',
      'Log in with SSH ssh root@192.0.2.10 Copy',
    ]);
    expect(await card.locator('button.copy:visible').count()).toBe(7);
    expect(await card.innerText()).toContain('Passwords are never shown here.');
    await screenshot(page, 'client-service-access-desktop');
    mkdirSync(path.resolve(__dirname, '..', '..', 'docs'), { recursive: true });
    await card.screenshot({ path: path.join(ARTIFACTS_DIR, 'client-service-access-card.png') });
    copyFileSync(
      path.join(ARTIFACTS_DIR, 'client-service-access-card.png'),
      path.resolve(__dirname, '..', '..', 'docs', 'client-area-vps.png'),
    );

    await card.locator('.access-row[data-item="ipv6-1"] button.copy').click();
    await page.waitForFunction(() => (globalThis as unknown as StatusDoc).document.getElementById('copy-status')?.textContent !== '');
    expect(await page.locator('#copy-status').textContent()).toBe('Copied 2001:db8:1:5::1');
    expect(await card.locator('.access-row[data-item="ipv6-1"] button.copy').innerText()).toBe('Copied');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText())).toBe('2001:db8:1:5::1');
    await card.locator('.access-row[data-item="ssh"] button.copy').click();
    await page.waitForFunction(
      () => (globalThis as unknown as StatusDoc).document.getElementById('copy-status')?.textContent === 'Copied ssh root@192.0.2.10',
    );
    expect(await page.evaluate(() => (globalThis as unknown as InPage).navigator.clipboard.readText())).toBe('ssh root@192.0.2.10');

    await noHorizontalScroll(page);
    expect(problems).toEqual([]);
  });

  it('fits a 390 px phone: label above value, buttons beside it, nothing cut off', async () => {
    const page = await open('/client/services/4821', PHONE);
    await page.locator('section.access').waitFor();
    await screenshot(page, 'client-service-access-phone');
    await noHorizontalScroll(page);
    expect(await page.locator('section.access button.copy:visible').count()).toBe(7);
    expect(problems).toEqual([]);
  });

  it('works without JavaScript: the values are there as text and no dead Copy button shows', async () => {
    const page = await open('/client/services/4821', DESKTOP, false);
    const card = page.locator('section.access');
    expect(await card.locator('code.access-value').allInnerTexts()).toEqual([
      'vps-4821.example-hosting.net',
      '192.0.2.10',
      '192.0.2.11',
      '2001:db8:1:5::1',
      'Debian 12 (Bookworm)',
      'root',
      'ssh root@192.0.2.10',
    ]);
    expect(await card.locator('button.copy').count()).toBe(7);
    expect(await card.locator('button.copy:visible').count()).toBe(0);
  });

  it('runs under helmet’s strict CSP: script only from this origin, none inline', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    const response = await page.goto(`${served.origin}/client/services/4821`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    const html = (await response?.text()) ?? '';
    expect(html).toContain('<script src="/static/client-copy.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=/i);
  });

  it('while the VPS is being set up, says its addresses come later; never a password or an engine host', async () => {
    const page = await open('/client/services/5230', PHONE);
    const card = page.locator('section.access');
    expect(await card.innerText()).toContain('Your VPS’s IP addresses appear here once it is set up.');
    expect(await card.locator('.access-row[data-item^="ipv"]').count()).toBe(0);
    await screenshot(page, 'client-service-access-setting-up-phone');
    const main = (await page.locator('main').innerText()).toLowerCase();
    expect(main).not.toMatch(/password:|sealed/);
    expect(problems).toEqual([]);
  });
});
