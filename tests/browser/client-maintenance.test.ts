/**
 * "Upcoming maintenance" on the client area's service page in Chromium, end to end: an admin
 * announces a window over the VPS's cluster through the API, the panel mints a sign-in link, and the customer's page
 * shows the window in the plan's time zone with the provider's message, and not a cancelled one nor one elsewhere.
 * Screenshots land in tests/artifacts/ (client-maintenance-*); the block alone at 1280 px is
 * docs/client-area-maintenance.png in the README.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../server/clock';
import { ARTIFACTS_DIR, describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { seedService } from '../helpers/seed';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';

type InPage = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };

describeBrowser('client area: upcoming maintenance in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let served: { origin: string; close: () => Promise<void> };
  const contexts: BrowserContext[] = [];
  const clock = new ManualClock(new Date(Date.now() - 60_000));

  beforeAll(async () => {
    t = await createTestApp('sqlite', { clock });
    const now = clock.now();
    await request(t.app)
      .post('/api/v1/admin/plans')
      .set('Authorization', t.adminAuth)
      .send({
        product_id: '7',
        name: 'VPS HA M',
        template: 'debian-12',
        cluster: 'Default',
        vcpus: 2,
        memory_mib: 4096,
        ha: { enabled: true, priority: 50 },
        sla: { target_percent: 99.9, time_zone: 'Europe/Berlin' },
      })
      .expect(201);
    const plan = (await t.db.knex('plans').first('id')) as { id: number };
    await seedService(
      t.db.knex,
      {
        billingServiceId: '4821',
        clientId: '55',
        planId: plan.id,
        hostname: 'shop.example.org',
        actualState: 'active',
        vmHost: 'host3',
        vmName: 'vps-4821',
        activatedAt: new Date(now.getTime() - 30 * 86_400_000),
      },
      now,
    );
    const announce = (body: Record<string, unknown>) =>
      request(t.app).post('/api/v1/admin/maintenance').set('Authorization', t.adminAuth).send(body).expect(201);
    const day = 86_400_000;
    const at = (ms: number) => new Date(Math.floor((now.getTime() + ms) / 3600_000) * 3600_000).toISOString();
    await announce({
      title: 'Storage firmware update',
      starts_at: at(2 * day),
      ends_at: at(2 * day + 2 * 3600_000),
      scope: { clusters: ['Default'] },
      message:
        'The storage controllers get new firmware, one after the other.\nYour VPS keeps running; disk access may pause for a few seconds.',
    });
    await announce({
      title: 'Kernel updates on host3',
      starts_at: at(5 * day),
      ends_at: at(5 * day + 3600_000),
      scope: { hosts: ['host3'] },
      message: 'The host your VPS runs on restarts. Your VPS is moved live to another host first.',
    });
    const cancelled = await announce({
      title: 'Cancelled work',
      starts_at: at(3 * day),
      ends_at: at(3 * day + 3600_000),
      scope: { clusters: ['Default'] },
      message: 'Never mind.',
    });
    await request(t.app).delete(`/api/v1/admin/maintenance/${cancelled.body.id}`).set('Authorization', t.adminAuth).expect(204);
    await announce({
      title: 'Elsewhere',
      starts_at: at(day),
      ends_at: at(day + 3600_000),
      scope: { clusters: ['Other'] },
      message: 'Not this VPS.',
    });
    served = await serveApp(t.app);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await served?.close();
    await t?.close();
  });

  async function signedIn(viewport: { width: number; height: number }): Promise<Page> {
    const link = await request(t.app)
      .post('/api/v1/services/4821/sso')
      .set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`)
      .send({ client_id: '55' })
      .expect(201);
    const url = new URL(link.body.url as string);
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${served.origin}${url.pathname}${url.search}`);
    return page;
  }

  test("when windows are announced for its cluster and host, then the customer reads both, soonest first, in the plan's zone", async () => {
    const page = await signedIn({ width: 1280, height: 900 });
    const block = page.getByRole('region', { name: 'Upcoming maintenance' });
    await block.waitFor();
    const headings = await block.getByRole('heading', { level: 3 }).allTextContents();
    expect(headings).toEqual(['Storage firmware update', 'Kernel updates on host3']);
    const text = await block.innerText();
    expect(text).toContain('(Europe/Berlin)');
    expect(text).toContain('Your VPS keeps running; disk access may pause for a few seconds.');
    expect(text).toContain('does not count against your SLA');
    expect(text).not.toContain('Cancelled work');
    expect(text).not.toContain('Elsewhere');
    expect(text).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d \u2013 \d\d:\d\d/);
    // What counts, said on the same page.
    expect(await page.getByText('a stop inside a maintenance window your provider announced').count()).toBeGreaterThan(0);
    await screenshot(page, 'client-maintenance-desktop');
    await block.screenshot({ path: path.join(ARTIFACTS_DIR, 'client-maintenance-block.png') });
    const docs = path.resolve(__dirname, '..', '..', 'docs');
    mkdirSync(docs, { recursive: true });
    copyFileSync(path.join(ARTIFACTS_DIR, 'client-maintenance-block.png'), path.join(docs, 'client-area-maintenance.png'));
  });

  test('when read on a phone, then the block fits the width', async () => {
    const page = await signedIn({ width: 390, height: 844 });
    await page.getByRole('region', { name: 'Upcoming maintenance' }).waitFor();
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as InPage).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'client-maintenance-phone');
  });
});
