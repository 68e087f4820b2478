/**
 * The console's capacity and services pages in Chromium, on the simulator's `ha-drill` cluster (3 hosts with power
 * management, 15 running VMs, 12 with HA) plus two orders of our own: one running, one failed. An admin opens the
 * clusters, one cluster's readiness with its host picture, a what-if, the headroom, and finds a service.
 */
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { createAdmin, headingLevels, headingsInOrder, signInPage, unlabelledControls } from '../helpers/admin-console';
import { eventually, sendWebhook } from '../helpers/billing';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ENV = { ...FAST_JOBS, CAPACITY_CACHE_MS: '0' };

describeBrowser('admin clusters, what-if, headroom and services in Chromium', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'ha-drill' });
    t = await createTestApp('sqlite', { engine: engineTarget(sim), env: ENV });
    await createAdmin(t);
    const plan = (body: Record<string, unknown>) =>
      request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody(body)).expect(201);
    await plan({ product_id: '7', name: 'VPS HA M', memory_mib: 4096, ha: { enabled: true, priority: 100 } });
    await plan({ product_id: '8', name: 'VPS Basic', memory_mib: 2048, vcpus: 1, ha: { enabled: false, priority: 0 } });
    await plan({ product_id: '9', name: 'VPS Legacy', template: 'windows-3.11', memory_mib: 2048, ha: { enabled: true, priority: 50 } });
    // The event reader starts from the engine's newest event; the orders' events come after it.
    await t.container.eventSync?.tick();
    t.container.worker.start();
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '5001', client_id: '42', product_id: '7', hostname: 'shop.example.net' },
    }).expect(202);
    await sendWebhook(t.app, {
      type: 'service.create',
      data: { service_id: '5002', client_id: '43', product_id: '9', hostname: 'legacy.example.org' },
    }).expect(202);
    await eventually(async () => (await t.container.repos.services.findByBillingServiceId('5001'))?.actualState === 'active', 30_000);
    await eventually(async () => (await t.container.repos.services.findByBillingServiceId('5002'))?.actualState === 'failed', 30_000);
    // The engine's log of the order, read the way the running service reads it.
    await t.container.eventSync?.tick();

    served = await serveApp(t.app);
    origin = served.origin;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInPage(page, origin);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
    await sim?.close();
  });

  /** What every console page owes a keyboard or screen-reader user. */
  const accessible = async () => {
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
  };
  const text = () => page.locator('main').innerText();

  test('when an admin opens the clusters, then the cluster shows with its verdict, hosts and failover', async () => {
    await page.getByRole('link', { name: 'Clusters', exact: true }).click();
    await page.waitForURL(`${origin}/admin/clusters`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Clusters');
    const row = page.locator('tbody tr', { hasText: 'Default' });
    await expect(row.innerText()).resolves.toMatch(/OK[\s\S]*N\+1 holds[\s\S]*3 of 3 up[\s\S]*all 8 checks pass/);
    await accessible();
    await screenshot(page, 'admin-clusters');
  });

  test('when the admin opens the cluster, then each finding, the host picture and the N+1 verdict read plainly', async () => {
    await page.goto(`${origin}/admin/clusters`);
    await page.getByRole('link', { name: 'Default' }).click();
    await page.waitForURL(`${origin}/admin/clusters/Default`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Cluster Default');
    const body = await text();
    expect(body).toMatch(/Readiness:\s*OK/);
    for (const title of ['Shared storage', 'Power management (fencing)', 'Cluster fencing policy', 'Failover capacity'])
      expect(body).toContain(title);
    // The optional HA reservation finding carries its fix, even though it passes.
    expect(body).toContain('Fix in oVirt: Optional, for the engine\u2019s own alert'.replace('\u2019', "'"));

    const cards = page.locator('.host-card');
    await expect(cards.count()).resolves.toBe(3);
    for (const [i, name] of ['host1', 'host2', 'host3'].entries()) {
      const card = cards.nth(i);
      const cardText = await card.innerText();
      expect(cardText).toContain(name);
      expect(cardText).toContain('power management on, 1 fence agent');
      // 64 GiB less what the engine reserves for the host (VDSM, guest overhead): its max_scheduling_memory.
      expect(cardText).toMatch(/Memory\s+63\.\d GiB schedulable/);
      expect(cardText).toMatch(/\d+(\.\d)? GiB used/);
      expect(cardText).toMatch(/\d+(\.\d)? GiB HA reserve/);
      expect(cardText).toMatch(/\d+(\.\d)? GiB free/);
      expect(cardText).toMatch(/vCPUs\s+128 vCPUs schedulable/);
      expect(cardText).toMatch(/\d+ vCPUs free/);
      // Each bar says the same in words for a screen reader, so colour is never the only carrier.
      const labels = await card.locator('svg[role="img"]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      expect(labels).toHaveLength(2);
      expect(labels[0]).toMatch(
        /^Memory: \d+(\.\d)? GiB used, \d+(\.\d)? GiB HA reserve( \(if host\d fails\))?, \d+(\.\d)? GiB free, of 63\.\d GiB\.$/,
      );
      await expect(card.locator('rect.seg-used').count()).resolves.toBe(2);
    }
    // Every host keeps room for another's HA VMs: the reserve shows on all three.
    await expect(page.locator('rect.seg-reserve').count()).resolves.toBeGreaterThanOrEqual(3);
    expect(body).toContain('If any one host fails, every HA VM restarts: yes.');
    expect(body).toMatch(/N\+1 holds: whichever host fails/);
    await accessible();
    await screenshot(page, 'admin-cluster-readiness');
  });

  test('when the admin asks what if host1 fails, then each HA VM shows where it would restart', async () => {
    await page.goto(`${origin}/admin/clusters/Default`);
    await page.getByRole('link', { name: 'What if a host fails…' }).click();
    await expect(page.locator('h1').innerText()).resolves.toBe('What if hosts of Default fail');
    await accessible();
    await page.getByLabel(/^host1/).check();
    await page.getByRole('button', { name: 'Show what happens' }).click();
    await page.waitForURL(/what-if\?hosts=host1$/);
    const body = await text();
    expect(body).toMatch(/If host1 fails, \d+ HA VMs restart on host2 and host3\./);
    // 16 GiB and the engine's overhead for the VM.
    expect(body).toMatch(/db01[\s\S]*high \(100\)[\s\S]*16\.\d GiB[\s\S]*would restart on host[23]/);
    expect(body).toContain('would restart on host2');
    expect(body).toContain('would restart on host3');
    expect(body).toMatch(/VMs without HA[\s\S]*dev01/);
    await expect(page.getByLabel(/^host1/).isChecked()).resolves.toBe(true);
    await accessible();
    await screenshot(page, 'admin-what-if-host1');
  });

  test('when the admin opens the headroom, then each plan says how many more can be sold and what stops it', async () => {
    await page.getByRole('link', { name: 'Headroom' }).click();
    await page.waitForURL(`${origin}/admin/clusters/headroom`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Sellable headroom');
    const ha = await page.locator('tbody tr', { hasText: 'VPS HA M' }).innerText();
    expect(ha).toMatch(/\n\s*\d+\s*\n?\s*while N\+1 holds/);
    expect(ha).toMatch(/The N\+1 reserve: with one more, a failure of host\d would leave/);
    const basic = await page.locator('tbody tr', { hasText: 'VPS Basic' }).innerText();
    expect(basic).toMatch(/while a host has room/);
    await accessible();
    await screenshot(page, 'admin-headroom');
  });

  test('when the admin searches services, then the list narrows and a service shows its VM, jobs, uptime and events', async () => {
    await page.getByRole('link', { name: 'Services', exact: true }).click();
    await page.waitForURL(`${origin}/admin/services`);
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    await accessible();
    await screenshot(page, 'admin-services');

    await page.getByLabel('Service id, client id or hostname').fill('shop.example');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=shop.example/);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    const row = await page.locator('tbody tr').innerText();
    expect(row).toMatch(/5001\s+42\s+shop\.example\.net\s+VPS HA M/);
    expect(row).toMatch(/vps-5001\s*on host\d/);

    await page.getByLabel('Actual state').selectOption('failed');
    await page.getByLabel('Service id, client id or hostname').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('tbody tr').innerText()).resolves.toMatch(/5002[\s\S]*failed[\s\S]*windows-3\.11/);

    await page.goto(`${origin}/admin/services?q=5001`);
    await page.getByRole('link', { name: '5001' }).click();
    await page.waitForURL(`${origin}/admin/services/5001`);
    await expect(page.locator('h1').innerText()).resolves.toMatch(/^Service 5001\s+active$/);
    const body = await text();
    expect(body).toMatch(/VM name\s+vps-5001/);
    expect(body).toMatch(/VM host\s+host\d/);
    expect(body).toMatch(/reconcile\s+succeeded/);
    expect(body).toContain('Last 30 days');
    expect(body).toMatch(/Engine events[\s\S]*vps-5001/);
    await expect(page.getByRole('button', { name: 'Retry provisioning' }).count()).resolves.toBe(0);
    await accessible();
    await screenshot(page, 'admin-service-active');

    await page.goto(`${origin}/admin/services/5002`);
    await expect(page.locator('.last-error').innerText()).resolves.toMatch(/windows-3\.11/);
    await expect(page.getByRole('button', { name: 'Retry provisioning' }).count()).resolves.toBe(1);
    await accessible();
    await screenshot(page, 'admin-service-failed');
  });
});
