/**
 * The console's plan and job pages in real Chromium against the engine simulator: a plan is made through the form
 * from the engine's own templates and clusters, refused with the errors beside their fields, fixed, edited and (an
 * unused one) deleted; a dead job is found in the queue and retried. Every page has its headings in order and no
 * control without a label.
 */
import type { Browser, Page } from 'playwright-core';
import type { RunningSimulator } from '../../ovirt-simulator';
import { planBody as planSchema } from '../../server/http/routes/admin-plans.schema';
import { createAdmin, headingLevels, headingsInOrder, signInPage, unlabelledControls } from '../helpers/admin-console';
import { describeBrowser, launchBrowser, screenshot, serveApp } from '../helpers/browser';
import { planBody } from '../helpers/plans';
import { engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, type TestApp } from '../helpers/test-app';

describeBrowser('admin console plans and jobs, in Chromium', () => {
  let sim: RunningSimulator;
  let t: TestApp;
  let served: Awaited<ReturnType<typeof serveApp>> | undefined;
  let origin: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    sim = await startTestSimulator({ scenario: 'ha-drill' });
    t = await createTestApp('sqlite', { engine: engineTarget(sim) });
    await createAdmin(t);
    served = await serveApp(t.app);
    origin = served.origin;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A step that waits this long has failed; say which one rather than run into the test's own timeout.
    page.setDefaultTimeout(8000);
    await signInPage(page, origin);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await t?.close();
    await sim?.close();
  });

  /** One h1, no skipped levels, every visible control labelled. */
  const checkPage = async () => {
    expect(headingsInOrder(await headingLevels(page))).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
  };

  test('when a plan is created through the form, then the engine\u2019s lists are offered and bad fields are named beside them', async () => {
    await page.goto(`${origin}/admin/plans`);
    await expect(page.locator('h1').innerText()).resolves.toBe('Plans');
    await page.getByRole('link', { name: 'New plan' }).click();
    await page.waitForURL(`${origin}/admin/plans/new`);
    await checkPage();

    const templates = await page.locator('#template option').allInnerTexts();
    expect(templates).toEqual(expect.arrayContaining(['debian-12', 'ubuntu-24.04', 'almalinux-9']));
    expect(await page.locator('#cluster option').allInnerTexts()).toContain('Default');
    expect(await page.locator('.flash-warn').count()).toBe(0);

    await page.getByLabel('Billing product id').fill('101');
    await page.getByLabel('Name', { exact: true }).fill('HA VPS M');
    await page.getByLabel('Template').selectOption('ubuntu-24.04');
    await page.getByLabel('Cluster').selectOption('Default');
    await page.getByLabel('vCPUs').fill('2');
    await page.getByLabel('Memory (MiB)').fill('100');
    await page.locator('#ha_priority_high').check();
    await page.getByLabel('Tier 1: uptime below (%)').fill('99.95');
    await page.getByLabel('Tier 1: credit (%)').fill('10');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForLoadState();

    await expect(page.locator('.error-summary h2').innerText()).resolves.toBe('The plan was not saved');
    const memory = page.getByLabel('Memory (MiB)');
    expect(await memory.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator(`#${(await memory.getAttribute('aria-describedby'))!.split(' ').pop()}`).innerText()).resolves.toBe(
      'must be at least 256',
    );
    // What was typed is kept, the choices too.
    expect(await page.getByLabel('Template').inputValue()).toBe('ubuntu-24.04');
    expect(await page.locator('#ha_priority_high').isChecked()).toBe(true);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('HA VPS M');
    await checkPage();
    await screenshot(page, 'admin-plan-form-errors');

    // The summary's links lead to the fields.
    await page.locator('.error-summary a', { hasText: 'Memory (MiB)' }).click();
    expect(new URL(page.url()).hash).toBe('#memory_mib');

    // Rules across fields (a tier above the target) are the service's, checked once every field is well-formed,
    // as in the API.
    await memory.fill('4096');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForLoadState();
    const tier = page.getByLabel('Tier 1: uptime below (%)');
    expect(await tier.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator('#tier_below_0-error').innerText()).resolves.toBe('must not be above the SLA target of 99.9%');
    expect(await memory.getAttribute('aria-invalid')).toBeNull();
    await checkPage();
    await screenshot(page, 'admin-plan-form-tier-error');

    await page.getByLabel('Tier 1: uptime below (%)').fill('99.9');
    await page.getByLabel('Tier 1: credit (%)').fill('5');
    await page.getByLabel('Tier 2: uptime below (%)').fill('99');
    await page.getByLabel('Tier 2: credit (%)').fill('25');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.waitForURL(/\/admin\/plans\?done=created/);
    await expect(page.locator('.flash-ok').innerText()).resolves.toBe('Plan \u201cHA VPS M\u201d created.');

    const [plan] = await t.container.plans.list({ productId: '101' });
    expect(plan).toMatchObject({ template: 'ubuntu-24.04', cluster: 'Default', memoryMib: 4096, ha: { enabled: true, priority: 100 } });
    expect(plan!.sla.creditTiers).toEqual([
      { belowPercent: 99.9, creditPercent: 5 },
      { belowPercent: 99, creditPercent: 25 },
    ]);
  });

  test('when a plan is edited, then its values are in the form and the list shows the change', async () => {
    await t.container.plans.create(
      planFromApi({ product_id: '102', name: 'HA VPS L', template: 'debian-12', memory_mib: 8192, ha: { enabled: true, priority: 50 } }),
    );
    await t.container.plans.create(
      planFromApi({ product_id: '103', name: 'Plain VPS S', ha: { enabled: false, priority: 1 }, failover_gate: 'warn' }),
    );
    await page.goto(`${origin}/admin/plans`);
    await checkPage();
    await screenshot(page, 'admin-plans-list');

    await page.getByRole('link', { name: 'Edit HA VPS M' }).click();
    await page.waitForURL(/\/admin\/plans\/\d+\/edit$/);
    await checkPage();
    expect(await page.getByLabel('Template').inputValue()).toBe('ubuntu-24.04');
    expect(await page.locator('#ha_priority_high').isChecked()).toBe(true);
    expect(await page.getByLabel('Tier 2: credit (%)').inputValue()).toBe('25');
    await page.getByLabel('Name', { exact: true }).fill('HA VPS M+');
    await page.getByLabel('Expert: exact priority (0-100)').fill('80');
    await page.getByRole('button', { name: 'Save plan' }).click();
    await page.waitForURL(/\/admin\/plans\?done=saved/);
    const row = page.locator('tr', { hasText: 'HA VPS M+' });
    await expect(row.innerText()).resolves.toMatch(/on · high[\s\S]*priority 80/);
  });

  test('when an unused plan is deleted after the confirmation page, then it leaves the list', async () => {
    await page.goto(`${origin}/admin/plans`);
    await page.getByRole('link', { name: 'Delete Plain VPS S' }).click();
    await page.waitForURL(/\/admin\/plans\/\d+\/delete$/);
    await expect(page.locator('h1').innerText()).resolves.toBe('Delete plan \u201cPlain VPS S\u201d?');
    await checkPage();
    await screenshot(page, 'admin-plan-delete');
    await page.getByRole('button', { name: 'Delete plan' }).click();
    await page.waitForURL(/\/admin\/plans\?done=deleted/);
    expect(await page.locator('tbody tr', { hasText: 'Plain VPS S' }).count()).toBe(0);
    expect(await t.container.plans.list({ productId: '103' })).toEqual([]);
  });

  test('when a job has died, then the jobs page finds it by state and retries it', async () => {
    const jobs = t.container.jobs;
    await jobs.enqueue({ kind: 'housekeeping', runAfter: new Date(Date.now() + 3600_000) });
    await jobs.enqueue({ kind: 'reconcile' });
    const claimed = await jobs.claim('worker-a');
    if (!claimed) throw new Error('nothing claimed');
    // What a reconcile handler's permanent failure leaves: dead at once, its error kept for the admin.
    await jobs.fail(claimed.job.id, claimed.token, {
      message: 'template "centos-6" not found in the engine: create it or change the plan (PermanentJobError)',
      permanent: true,
    });
    const id = claimed.job.id;

    await page.goto(`${origin}/admin/jobs`);
    await checkPage();
    const deadTab = page.locator('.tabs a', { hasText: 'dead' });
    await expect(deadTab.innerText()).resolves.toMatch(/dead\s*1/i);
    await deadTab.click();
    await page.waitForURL(`${origin}/admin/jobs?state=dead`);
    const row = page.locator('tbody tr', { hasText: `#${id}` });
    await expect(row.innerText()).resolves.toContain('template "centos-6" not found');
    await checkPage();
    await screenshot(page, 'admin-jobs-dead');

    await page.getByRole('link', { name: `#${id}` }).click();
    await page.waitForURL(`${origin}/admin/jobs/${id}`);
    await expect(page.locator('.error-block').innerText()).resolves.toContain('(PermanentJobError)');
    await checkPage();
    await screenshot(page, 'admin-job-page');

    await page.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(`${origin}/admin/jobs/${id}?done=retried&job=${id}`);
    await expect(page.locator('.flash-ok').innerText()).resolves.toBe(`Job ${id} is queued again with fresh attempts.`);
    await expect(page.locator('h1').innerText()).resolves.toMatch(/queued/);
    expect(await jobs.get(id)).toMatchObject({ state: 'queued', attempts: 0 });

    await page.goto(`${origin}/admin/jobs?state=dead`);
    await expect(page.locator('.empty-card').innerText()).resolves.toBe('No dead jobs.');
  });
});

/** The API's plan body, parsed as the API parses it, so the fixture plans are valid plans. */
function planFromApi(overrides: Record<string, unknown>) {
  return planSchema.parse(planBody(overrides));
}
