/**
 * The client area as a customer's browser shows it: the real view engine and templates, the presenter, helmet's
 * default CSP and the real stylesheet, rendered by Chromium at desktop and phone widths. Full-page screenshots land
 * in tests/artifacts/ for a person to look at; the assertions check what a person would read.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createViewEngine, VIEWS_DIR } from '../../server/http/views';
import { presentClientServiceList, presentClientServicePage } from '../../server/http/view-models/client-area';
import { describeBrowser, launchBrowser, screenshot } from '../helpers/browser';
import { buildUptimeReport, FIXTURE_INCIDENTS, FIXTURE_NOW } from './fixtures/client-uptime-report';

/** The few DOM members the in-page checks touch; tsconfig has no DOM lib, since the code base is Node. */
interface DomElement {
  tagName: string;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { right: number };
}
type InPage = { document: { documentElement: DomElement } };

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const report = buildUptimeReport();
// A second VPS in the middle of an HA restart, a suspended one and one being set up, for the list and the badge.
const restarting = buildUptimeReport({
  billingServiceId: '5102',
  hostname: 'db-primary.example-hosting.net',
  vmStatus: 'down',
  incidents: [
    {
      id: 52,
      cause: 'ha_restart',
      timeClass: 'down',
      startedAt: new Date(FIXTURE_NOW.getTime() - 95_000),
      endedAt: null,
      durationSeconds: 95,
      countedSeconds: 95,
      maintenanceWindow: null,
      failedHost: 'host2',
      restartHost: null,
      summary: 'Host host2 failed at 14:18:25; your VPS is being restarted on another host',
      steps: [
        { at: new Date(FIXTURE_NOW.getTime() - 95_000), text: 'Host host2 stopped responding' },
        { at: new Date(FIXTURE_NOW.getTime() - 40_000), text: 'Host host2 was powered off by fencing' },
      ],
    },
    ...FIXTURE_INCIDENTS,
  ],
});
// A VPS whose host failed with no room left on the others: down, waiting for room, told as it is.
const waiting = buildUptimeReport({
  billingServiceId: '5177',
  hostname: 'mail.example-hosting.net',
  vmStatus: 'down',
  incidents: [
    {
      id: 61,
      cause: 'waiting_for_room',
      timeClass: 'down',
      startedAt: new Date(FIXTURE_NOW.getTime() - 14 * 60_000),
      endedAt: null,
      durationSeconds: 14 * 60,
      countedSeconds: 14 * 60,
      maintenanceWindow: null,
      failedHost: null,
      restartHost: null,
      summary:
        'The host running your VPS failed at 14:06:00; no host has room to restart your VPS yet and your provider has been alerted; down 14 min so far',
      steps: [
        { at: new Date(FIXTURE_NOW.getTime() - 14 * 60_000), kind: 'host_not_responding', hosts: [], count: 1 },
        { at: new Date(FIXTURE_NOW.getTime() - 14 * 60_000 + 86_000), kind: 'vm_unknown', hosts: [], count: 1 },
        { at: new Date(FIXTURE_NOW.getTime() - 14 * 60_000 + 101_000), kind: 'host_fenced', hosts: [], count: 1 },
        { at: new Date(FIXTURE_NOW.getTime() - 14 * 60_000 + 102_000), kind: 'no_room', hosts: [], count: 11 },
      ],
    },
    ...FIXTURE_INCIDENTS,
  ],
});
const suspended = buildUptimeReport({ billingServiceId: '4950', hostname: 'shop.example.org', state: 'suspended', vmStatus: 'down' });
const fresh = buildUptimeReport({
  billingServiceId: '5230',
  hostname: null,
  state: 'provisioning',
  vmStatus: null,
  activeSince: null,
  incidents: [],
});

function startApp(): Promise<{ server: Server; base: string }> {
  const app = express();
  app.engine('hbs', createViewEngine({ cache: false }));
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'hbs');
  app.use(helmet());
  app.use('/static', express.static(`${VIEWS_DIR}/static`, { index: false }));
  const pages: Record<string, ReturnType<typeof buildUptimeReport>> = {
    '4821': report,
    '5102': restarting,
    '4950': suspended,
    '5230': fresh,
    '5177': waiting,
  };
  app.get('/client/services', (_req, res) =>
    res.render('client/services', presentClientServiceList([report, restarting, suspended, fresh])),
  );
  app.get('/client/services/:id', (req, res) => {
    const r = pages[req.params.id];
    if (!r) {
      res.status(404).render('error', { title: 'Error 404', status: 404, message: 'No such service.', requestId: 'req-7f3c' });
      return;
    }
    res.render('client/service', presentClientServicePage(r));
  });
  app.get('/client/link-invalid', (_req, res) =>
    res.status(410).render('client/link-invalid', {
      title: 'This link has expired',
      message: 'The login link you followed was already used or is older than 60 seconds.',
    }),
  );
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

describeBrowser('client area in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;
  const contexts: BrowserContext[] = [];
  // Console errors and CSP violations would mean a page that looks different in production than in review.
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, base } = await startApp());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function open(path: string, viewport: { width: number; height: number }, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ viewport, javaScriptEnabled, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      // A page's own status (404, 410) shows up as a console error too; statuses are checked per response below.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`${path}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${path}: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.request().resourceType() !== 'document') problems.push(`${path}: ${r.url()} answered ${r.status()}`);
    });
    const response = await page.goto(base + path);
    expect(response).not.toBeNull();
    return page;
  }

  async function noHorizontalScroll(page: Page): Promise<void> {
    const { scrollWidth, clientWidth } = await page.evaluate(() => {
      const root = (globalThis as unknown as InPage).document.documentElement;
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
    });
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // Nothing cut off at the right edge either (a card's overflow: hidden would hide it from scrollWidth).
    const sticking = await page.$$eval('body *', (els: DomElement[]) => {
      const edge = (globalThis as unknown as InPage).document.documentElement.clientWidth + 1;
      return els
        .filter((e) => e.getBoundingClientRect().right > edge)
        .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''}`);
    });
    expect(sticking).toEqual([]);
  }

  async function headingLevels(page: Page): Promise<number[]> {
    return page.$$eval('h1, h2, h3, h4, h5, h6', (hs: DomElement[]) => hs.map((h) => Number(h.tagName.slice(1))));
  }

  function expectHeadingsInOrder(levels: number[]): void {
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect((levels[i] ?? 0) - (levels[i - 1] ?? 0)).toBeLessThanOrEqual(1);
  }

  it('shows a VPS down for lack of room as it is: down, waiting for room, the provider alerted, counted', async () => {
    const page = await open('/client/services/5177', DESKTOP);
    await screenshot(page, 'client-service-waiting-for-room');
    // The README's picture of it.
    await page.setViewportSize({ width: DESKTOP.width, height: 1240 });
    await page.screenshot({ path: 'docs/client-area-waiting-for-room.png', fullPage: false });
    const badge = page.locator('.service-head');
    expect(await badge.locator('.badge').innerText()).toContain('Down — waiting for room on another host');
    expect(await badge.innerText()).toMatch(/no other server has room to start it yet\. Your provider has been alerted/);
    const first = await page.locator('.timeline .event').first().innerText();
    expect(first).toContain('Down — no host has room to restart it yet');
    expect(first).toContain('Counted as downtime');
    expect(first).toContain(
      'No host had room to restart your VPS; the engine keeps trying and your provider has been alerted (11 attempts so far)',
    );
    const head = `${await badge.innerText()}\n${first}`;
    expect(head).not.toMatch(/no action is needed|restarted automatically|restarting automatically/i);
    expect(head).not.toContain('host2');
    expect(await page.locator('.figure').first().innerText()).toMatch(/Last 24 hours\s+99\.\d{3} %\s+down 1\d min/);
    expectHeadingsInOrder(await headingLevels(page));
    await noHorizontalScroll(page);
  });

  it('shows a VPS with its uptime, 90 bars, failovers and credit at 1280 px', async () => {
    const page = await open('/client/services/4821', DESKTOP);
    const shot = await screenshot(page, 'client-service-desktop');
    expect(shot).toMatch(/client-service-desktop\.png$/);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect((await page.locator('h1').innerText()).trim()).toBe('vps-4821.example-hosting.net');
    expect(await page.locator('.service-head .badge').innerText()).toContain('Running');
    expect(await page.locator('.service-meta').innerText()).toContain('HA VPS Pro');

    const figures = await page.locator('.figure').allInnerTexts();
    expect(figures).toHaveLength(4);
    expect(figures[0]).toMatch(/Last 24 hours\s+100 %/);
    expect(figures[1]).toMatch(/Last 7 days\s+99\.974 %\s+down 2 min 33 s/);
    expect(figures[2]).toMatch(/Last 30 days\s+99\.994 %/);
    expect(figures[3]).toMatch(/Last 90 days\s+99\.943 %[\s\S]*unknown 47 min 12 s/);

    const chart = page.locator('svg.bars');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toMatch(/^Daily uptime for the last 90 days: \d+ days at 100 %/);
    expect(await page.locator('svg.bars rect.bar').count()).toBe(90);
    const nov3 = page.locator('svg.bars rect[data-date="2026-11-03"]');
    expect(await nov3.getAttribute('class')).toContain('bar-degraded');
    expect(await nov3.locator('title').textContent()).toBe('3 Nov 2026 — 99.82 % · down 2 min 33 s · 1 incident');
    expect(await page.locator('.axis').innerText()).toMatch(/90 days ago\s+Today/);
    // The bars really have width on screen (the SVG stretched to the card).
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(700);

    const first = page.locator('.timeline .event').first();
    const text = await first.innerText();
    expect(text).toContain('Host failure — restarted automatically on another host');
    expect(text).toContain('Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s');
    expect(text).toContain('Duration 2 min 33 s');
    expect(text).toContain('3 Nov 2026, 03:12:04 UTC');
    const causes = await page.locator('.timeline h3').allInnerTexts();
    expect(causes).toEqual(
      expect.arrayContaining([
        'Host maintenance — moved live, no downtime',
        'Shut down from inside the VPS',
        'Planned: stopped or suspended through the billing panel',
        'Unknown — the monitoring record is incomplete',
        'VPS crashed — restarted automatically',
      ]),
    );

    expect(await page.locator('.sla').innerText()).toMatch(/November 2026 \(so far\)\s+Uptime so far\s+99\.968 %\s+Met so far/i);
    expect(await page.locator('.sla .credit').innerText()).toBe('If the month ended now, no credit would be owed');
    expect(await page.locator('.sla .notes').innerText()).toMatch(
      /a suspension by the billing panel, a shutdown from inside your VPS or one you asked for, and a stop inside a maintenance window your provider announced/,
    );
    expect(await page.locator('.credit-past').innerText()).toBe(
      "August 2026: 99.846 % was below the 99.9 % target — credit owed: 5 % of that month's fee",
    );
    const august = await page.locator('table.months tr', { hasText: 'August 2026' }).innerText();
    expect(august).toMatch(/99\.846 %[\s\S]*Missed[\s\S]*5 %/);
    expect(await page.locator('table.months thead th').count()).toBe(6);

    expectHeadingsInOrder(await headingLevels(page));
    await noHorizontalScroll(page);
    expect(problems).toEqual([]);
  });

  it('fits a 390 px phone without sideways scrolling', async () => {
    const page = await open('/client/services/4821', PHONE);
    await page.locator('.days-detail summary').click();
    await screenshot(page, 'client-service-phone');
    await noHorizontalScroll(page);
    expect((await page.locator('h1').innerText()).trim()).toBe('vps-4821.example-hosting.net');
    expect(await page.locator('svg.bars rect.bar').count()).toBe(90);
    expect(
      await page.getByText('Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s').isVisible(),
    ).toBe(true);
    // Every uptime figure is fully on screen, not cut off by its card.
    for (const box of await page
      .locator('.figure-value')
      .evaluateAll((els: DomElement[]) => els.map((e) => ({ sw: e.scrollWidth, cw: e.clientWidth })))) {
      expect(box.sw).toBeLessThanOrEqual(box.cw);
    }
    expect(problems).toEqual([]);
  });

  it('works without JavaScript (the days table opens with a plain <details>)', async () => {
    const page = await open('/client/services/4821', DESKTOP, false);
    await page.locator('.days-detail summary').click();
    expect(await page.locator('.days-detail tbody tr').count()).toBe(4);
    expect(await page.locator('.days-detail tbody tr').first().innerText()).toMatch(/3 Nov 2026\s+99\.82 %\s+2 min 33 s/);
  });

  it('says "Restarting after a host failure" while an HA restart is under way', async () => {
    const page = await open('/client/services/5102', DESKTOP);
    await screenshot(page, 'client-service-restarting-desktop');
    expect(await page.locator('.service-head .badge').innerText()).toContain('Restarting after a host failure');
    const first = await page.locator('.timeline .event').first().innerText();
    expect(first).toContain('ongoing');
    expect(first).toContain('1 min 35 s so far');
    expect(problems).toEqual([]);
  });

  it('lists the customer’s services at both widths', async () => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await open('/client/services', viewport);
      await screenshot(page, `client-services-${name}`);
      await noHorizontalScroll(page);
      expect((await page.locator('h1').innerText()).trim()).toBe('Your services');
      const rows = page.locator('table.services tbody tr');
      expect(await rows.count()).toBe(4);
      expect(await rows.nth(0).innerText()).toMatch(
        /vps-4821\.example-hosting\.net[\s\S]*Running[\s\S]*HA VPS Pro[\s\S]*99\.994 %[\s\S]*Met so far/,
      );
      expect(await rows.nth(1).innerText()).toContain('Restarting after a host failure');
      expect(await rows.nth(2).innerText()).toContain('Suspended');
      expect(await rows.nth(3).innerText()).toMatch(/VPS #5230[\s\S]*Being set up[\s\S]*—/);
      expect(await rows.nth(0).locator('a').getAttribute('href')).toBe('/client/services/4821');
      expectHeadingsInOrder(await headingLevels(page));
    }
    expect(problems).toEqual([]);
  });

  it('explains a used or expired login link, and errors, in plain words', async () => {
    for (const [name, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const page = await open('/client/link-invalid', viewport);
      await screenshot(page, `client-link-invalid-${name}`);
      await noHorizontalScroll(page);
      const text = await page.locator('main').innerText();
      expect(text).toContain('This link has expired');
      expect(text).toMatch(/can be used once and only for 60 seconds/);
      expect(text).toContain('client area of your billing panel');
      expectHeadingsInOrder(await headingLevels(page));

      const error = await open('/client/services/9999', viewport);
      await screenshot(error, `error-404-${name}`);
      await noHorizontalScroll(error);
      expect(await error.locator('h1').innerText()).toBe('Page not found');
      expect(await error.locator('main').innerText()).toMatch(/No such service\.[\s\S]*req-7f3c/);
    }
    expect(problems).toEqual([]);
  });
});
