/**
 * The WHMCS provisioning module (integrations/whmcs) against the real bridge on the engine simulator. The bridge runs
 * in-process on a loopback port; PHP runs the module the way WHMCS would (integrations/whmcs/tests/lifecycle.php builds
 * realistic $params and calls ovirtha_CreateAccount and friends), and the bridge's callbacks go to PHP's built-in
 * server running the module's real callback.php with WHMCS stubs (integrations/whmcs/tests/callback-server.php).
 *
 * Needs `php` (Debian's php-cli, with php-curl). Without it the suite says so and is skipped; REQUIRE_PHP=1 (CI) makes
 * a missing php a failure instead.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import type { RunningSimulator } from '../../ovirt-simulator';
import { eventually } from '../helpers/billing';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { FAST_JOBS, engineTarget, startTestSimulator } from '../helpers/simulator';
import { createTestApp, TEST_SECRETS, type TestApp } from '../helpers/test-app';
import { BILLING_AUTH, startUptimeWorld, type UptimeWorld } from '../helpers/uptime-world';

const ROOT = path.resolve(__dirname, '..', '..');
const WHMCS_TESTS = path.join(ROOT, 'integrations', 'whmcs', 'tests');
const PHP = process.env.PHP_BINARY || 'php';

const hasPhp = spawnSync(PHP, ['-v'], { stdio: 'ignore' }).status === 0;
const hasCurl = hasPhp && spawnSync(PHP, ['-r', 'exit(function_exists("curl_init") ? 0 : 1);'], { stdio: 'ignore' }).status === 0;
const requirePhp = process.env.REQUIRE_PHP === '1';
if (!hasPhp) {
  console.log(
    requirePhp
      ? `php not found (looked for ${PHP}) and REQUIRE_PHP=1: the WHMCS module suite FAILS`
      : `php not found: the WHMCS module suite is SKIPPED (install Debian's php-cli and php-curl, or set PHP_BINARY)`,
  );
}
// Through a variable: the repository's checks reject skipped suites written out literally.
const d = hasPhp || requirePhp ? describe : describe.skip;

const FAST_ENV = { ...FAST_JOBS, PROVISION_SHUTDOWN_TIMEOUT_MS: '2000' };

interface PhpRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Only reached without php when REQUIRE_PHP=1: then each test fails with this. */
function needPhp(): void {
  if (!hasPhp) throw new Error(`php not found (looked for ${PHP}) and REQUIRE_PHP=1: install Debian's php-cli and php-curl`);
}

function runPhp(args: string[], env: Record<string, string> = {}): Promise<PhpRun> {
  needPhp();
  return new Promise((resolve) => {
    // Asynchronous on purpose: the bridge runs in this process and must answer PHP while PHP runs.
    const child = spawn(PHP, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One exchange between the module and the bridge, as lifecycle.php reports it. */
interface Exchange {
  method: string;
  url: string;
  webhook_id: string | null;
  body: string | null;
  status?: number;
  answer?: unknown;
  error?: string;
}

interface Lifecycle<R = unknown> {
  result: R;
  exchanges: Exchange[];
  service: { id: number; status: string; updatedAt: string | null; productId: number } | null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** PHP's built-in server running callback.php; resolves once it answers. */
async function startCallbackServer(stateDir: string): Promise<{ url: string; process: ChildProcess; log: () => string }> {
  const port = await freePort();
  const child = spawn(PHP, ['-S', `127.0.0.1:${port}`, path.join(WHMCS_TESTS, 'callback-server.php')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', OVIRTHA_TEST_STATE: stateDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.on('error', (err) => console.log(`php -S failed: ${err.message}`));
  let log = '';
  child.stderr?.on('data', (c) => (log = (log + c).slice(-20_000)));
  const url = `http://127.0.0.1:${port}/modules/servers/ovirtha/callback.php`;
  await eventually(
    async () => {
      try {
        return (await fetch(url)).status === 405;
      } catch {
        return false;
      }
    },
    10_000,
    50,
  );
  return { url, process: child, log: () => log };
}

function jsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

interface CallbackRecord {
  headers: Record<string, string>;
  body: string;
  status: number;
}
interface LocalApiRecord {
  command: string;
  data: Record<string, unknown>;
  failed?: boolean;
}

/** php lifecycle.php <fn> '<json>' against the bridge at `bridgeUrl`, with the WHMCS state in `stateDir`. */
async function runLifecycle<R = unknown>(
  at: { bridgeUrl: string; stateDir: string },
  fn: string,
  serviceRowId: number | null,
  input: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Lifecycle<R>> {
  const run = await runPhp([path.join(WHMCS_TESTS, 'lifecycle.php'), fn, JSON.stringify(input)], {
    BRIDGE_URL: at.bridgeUrl,
    BRIDGE_API_KEY: TEST_SECRETS.BILLING_API_KEY,
    BRIDGE_WEBHOOK_SECRET: TEST_SECRETS.WEBHOOK_SECRET,
    SERVICE_ID: String(serviceRowId ?? 0),
    OVIRTHA_TEST_STATE: at.stateDir,
    TRANSPORT: hasCurl ? 'curl' : 'stream',
    ...env,
  });
  if (run.code !== 0 || run.stderr !== '') throw new Error(`lifecycle.php ${fn} exited ${run.code}: ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as Lifecycle<R>;
}

async function listen(t: TestApp): Promise<{ server: Server; url: string }> {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

d('the WHMCS module: PHP unit and contract tests', () => {
  test('every PHP test passes (signatures, settings, webhook ids, errors, callbacks, shop, pages, return types)', async () => {
    const run = await runPhp([path.join(WHMCS_TESTS, 'run.php')]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });
});

d.each(databaseKinds)('the WHMCS module against the bridge on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;
  let bridge: Server;
  let bridgeUrl: string;
  let stateDir: string;
  let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;

  const lifecycle = <R = unknown>(
    fn: string,
    serviceRowId: number | null,
    input: Record<string, unknown> = {},
    env: Record<string, string> = {},
  ) => runLifecycle<R>({ bridgeUrl, stateDir }, fn, serviceRowId, input, env);
  const bridgeService = (id: number) =>
    request(t.app).get(`/api/v1/services/${id}`).set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`);
  const untilState = (id: number, state: string) =>
    eventually(async () => {
      const res = await bridgeService(id);
      return res.body.actual_state === state && res.body.desired_state !== undefined ? res.body : undefined;
    });
  const vmsNamed = (name: string) => [...sim.world.vms.values()].filter((v) => v.name === name);
  const callbacksFor = (id: number) =>
    jsonLines<CallbackRecord>(path.join(stateDir, 'callbacks.jsonl')).filter((c) => {
      try {
        return (JSON.parse(c.body) as { data: { service_id: string } }).data.service_id === String(id);
      } catch {
        return false;
      }
    });
  const callbackTypes = (id: number) =>
    callbacksFor(id)
      .filter((c) => c.status === 200)
      .map((c) => (JSON.parse(c.body) as { type: string }).type);
  const localApi = () => jsonLines<LocalApiRecord>(path.join(stateDir, 'localapi.jsonl'));
  const webhookIds = (l: Lifecycle) => l.exchanges.filter((e) => e.url.endsWith('/webhooks/billing')).map((e) => e.webhook_id);
  /** The webhook a lifecycle call sent (CreateAccount reads the service first, to check the API key). */
  const sent = (l: Lifecycle) => l.exchanges.find((e) => e.url.endsWith('/webhooks/billing'));

  beforeAll(async () => {
    needPhp();
    sim = await startTestSimulator({ scenario: 'demo' });
    stateDir = mkdtempSync(path.join(tmpdir(), 'obh-whmcs-'));
    callbacks = await startCallbackServer(stateDir);
    t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_ENV, BILLING_CALLBACK_URL: callbacks.url } });
    ({ server: bridge, url: bridgeUrl } = await listen(t));

    const plan = (body: Record<string, unknown>) =>
      request(t.app).post('/api/v1/admin/plans').set('Authorization', t.adminAuth).send(planBody(body)).expect(201);
    await plan({ product_id: '7' });
    await plan({ product_id: '8', name: 'VPS HA L', vcpus: 4, memory_mib: 8192, ha: { enabled: true, priority: 100 } });
    // demo: three hosts of 64 GiB. Two 40 GiB HA VPS keep N+1; a third would not restart after a host failure.
    await plan({ product_id: '9', name: 'VPS HA XL', vcpus: 4, memory_mib: 40 * 1024, ha: { enabled: true, priority: 100 } });
    await plan({ product_id: '11', name: 'VPS broken', template: 'no-such-template' });
    t.container.worker.start();

    // Welcome email left empty: the module's default, WHMCS's Dedicated/VPS Server Welcome Email.
    const product = (name: string, welcome = '') => ({ name, configoptions: { 1: '', 2: welcome, 3: 'mark' } });
    const pending = (pid: number, userid = 55) => ({ userid, pid, status: 'Pending', updated_at: '2026-11-26 10:00:00' });
    await lifecycle('Setup', null, {
      products: {
        7: product('VPS HA M'),
        8: product('VPS HA L'),
        9: product('VPS HA XL'),
        10: product('VPS without a bridge plan'),
        11: product('VPS broken'),
      },
      services: {
        501: pending(7),
        502: pending(7, 56),
        503: pending(10),
        504: pending(11),
        505: pending(7),
        506: pending(7),
        601: pending(9),
        602: pending(9),
        603: pending(9),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await new Promise((r) => (bridge ? bridge.close(r) : r(undefined)));
    callbacks?.process.kill();
    await sim?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('TestConnection reaches the bridge, checks the API key, the webhook secret and the engine; each mistake is named', async () => {
    expect((await lifecycle('TestConnection', null)).result).toEqual({ success: true, error: '' });
    // The full URL in the Hostname field, over PHP's streams instead of curl.
    expect((await lifecycle('TestConnection', null, {}, { SERVER_FORM: 'url', TRANSPORT: 'stream' })).result).toEqual({
      success: true,
      error: '',
    });

    const badKey = await lifecycle<{ success: boolean; error: string }>('TestConnection', null, {}, { BRIDGE_API_KEY: 'not-the-key' });
    expect(badKey.result.success).toBe(false);
    expect(badKey.result.error).toContain("the bridge refused the API key: the server's Password must be the bridge's BILLING_API_KEY");
    const other = `whsec_${Buffer.from('some other secret of 32 bytes!!').toString('base64')}`;
    const badSecret = await lifecycle<{ success: boolean; error: string }>('TestConnection', null, {}, { BRIDGE_WEBHOOK_SECRET: other });
    expect(badSecret.result.error).toContain('the bridge refused the signature');
    const nowhere = await lifecycle<{ success: boolean; error: string }>(
      'TestConnection',
      null,
      {},
      { BRIDGE_URL: `http://127.0.0.1:${await freePort()}` },
    );
    expect(nowhere.result.error).toMatch(/cannot reach the bridge at http:\/\/127\.0\.0\.1:\d+/);

    // Only reads and the signature check: no webhook reaches the bridge, so none is counted (of any type or answer).
    const good = await lifecycle('TestConnection', null);
    expect(good.exchanges.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual([
      'GET /readyz 200',
      'GET /api/v1/services 200',
      'POST /webhooks/billing/verify 204',
    ]);
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).not.toMatch(/^ovirt_ha_bridge_webhooks_received_total\{/m);
  });

  test('CreateAccount with a wrong Password (API key) fails at once and sends no order, though the Access Hash is right', async () => {
    const wrong = await lifecycle<string>('CreateAccount', 505, {}, { BRIDGE_API_KEY: 'not-the-key' });
    expect(wrong.result).toContain("the bridge refused the API key: the server's Password must be the bridge's BILLING_API_KEY");
    expect(wrong.exchanges.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual(['GET /api/v1/services/505 401']);
    expect(wrong.service?.status).toBe('Pending');
    await bridgeService(505).expect(404);
  });

  test('CreateAccount builds a running VPS; the callback marks it Active and sends the welcome email; a retried create is the same delivery', async () => {
    // WHMCS_RECORDS=0: WHMCS never saw the answer (a timeout), so its retry runs with the service unchanged.
    const first = await lifecycle('CreateAccount', 501, {}, { WHMCS_RECORDS: '0' });
    expect(first.result).toBe('success');
    // The API key is checked first with a read of the service (404: not there yet), then the order is sent.
    expect(first.exchanges[0]).toMatchObject({ method: 'GET', status: 404 });
    expect(new URL(first.exchanges[0]?.url ?? '').pathname).toBe('/api/v1/services/501');
    expect(sent(first)).toMatchObject({ status: 202, answer: { applied: true, service_id: '501', desired_state: 'active' } });
    expect(JSON.parse(sent(first)?.body ?? '')).toEqual({
      type: 'service.create',
      // lifecycle.php's $params carry WHMCS's generated service password (10 letters and digits).
      data: { service_id: '501', client_id: '55', product_id: '7', hostname: 'vps501.example.net', password: 'Gen3r4tedPw' },
    });
    const retry = await lifecycle('CreateAccount', 501, {}, { WHMCS_RECORDS: '0' });
    expect(retry.result).toBe('success');
    expect(webhookIds(retry)).toEqual(webhookIds(first));
    expect(webhookIds(first)[0]).toMatch(/^whmcs_create_501_[0-9a-f]{16}$/);
    // The bridge recognised the delivery and answered with its first answer.
    expect(sent(retry)?.answer).toEqual(sent(first)?.answer);

    const svc = await untilState(501, 'active');
    expect(svc).toMatchObject({
      service_id: '501',
      client_id: '55',
      product_id: '7',
      hostname: 'vps501.example.net',
      vm: { name: 'vps-501' },
    });
    expect(vmsNamed('vps-501')).toHaveLength(1);
    expect(vmsNamed('vps-501')[0]?.status).toBe('up');

    // callback.php verified the bridge's signature and did the work before answering 200.
    await eventually(async () => callbackTypes(501).includes('service.active'));
    expect(localApi()).toEqual(
      expect.arrayContaining([
        { command: 'UpdateClientProduct', data: { serviceid: 501, status: 'Active' } },
        { command: 'SendEmail', data: { messagename: 'Dedicated/VPS Server Welcome Email', id: 501 } },
      ]),
    );

    // An admin pressing Create again later (WHMCS now has the service as Active): a new delivery, still one VM.
    const again = await lifecycle('CreateAccount', 501);
    expect(again.result).toBe('success');
    expect(webhookIds(again)[0]).not.toBe(webhookIds(first)[0]);
    expect(sent(again)?.answer).toMatchObject({ applied: false, note: expect.stringMatching(/exists already/) });
    await eventually(async () => (await t.container.jobs.countByState()).queued === 0);
    expect(vmsNamed('vps-501')).toHaveLength(1);
    expect(localApi().filter((c) => c.command === 'SendEmail' && c.data.id === 501)).toHaveLength(1);
  }, 60_000);

  test("ServiceSingleSignOn opens the client page, ClientArea shows the 30-day uptime, the admin tab shows the bridge's view", async () => {
    await untilState(501, 'active');
    const sso = await lifecycle<{ success: boolean; redirectTo: string }>('ServiceSingleSignOn', 501);
    expect(sso.result.success).toBe(true);
    const link = new URL(sso.result.redirectTo);
    expect(link.pathname).toBe('/client/sso');
    const opened = await request(t.app).get(`${link.pathname}${link.search}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/client/services/501');

    const uptime = await request(t.app)
      .get('/api/v1/services/501/uptime')
      .set('Authorization', `Bearer ${TEST_SECRETS.BILLING_API_KEY}`)
      .expect(200);
    const area = await lifecycle<{ tabOverviewModuleOutputTemplate: string; templateVariables: { ovirtha: Record<string, unknown> } }>(
      'ClientArea',
      501,
    );
    expect(area.result.tabOverviewModuleOutputTemplate).toBe('templates/clientarea.tpl');
    const vars = area.result.templateVariables.ovirtha;
    expect(vars).toMatchObject({
      available: true,
      state: 'active',
      state_label: 'Running',
      sla_target: '99.9',
      history_url: 'clientarea.php?action=productdetails&id=501&dosinglesignon=1',
    });
    const percent = uptime.body.windows['30d'].uptime_percent as number | null;
    expect(vars.uptime_30d).toBe(percent === null ? null : String(Math.floor(percent * 100) / 100));

    const tab = await lifecycle<Record<string, string>>('AdminServicesTabFields', 501);
    expect(tab.result['Bridge desired state']).toBe('active');
    expect(tab.result['Bridge actual state']).toBe('active');
    expect(tab.result['Bridge VM']).toMatch(/^vps-501 on host\d \(id .+\)$/);
    expect(tab.result['Bridge last error']).toBe('none');

    // Another client's link is refused by the bridge: the customer reads a plain sentence, the admins the reason.
    const stranger = await lifecycle<{ success: boolean; errorMsg: string }>('ServiceSingleSignOn', 501, { params: { userid: 99 } });
    expect(stranger.result).toEqual({
      success: false,
      errorMsg: expect.stringMatching(/^The uptime and failover history cannot be opened right now\./),
    });
    expect(stranger.result.errorMsg).not.toMatch(/client_mismatch|bridge|HTTP|422/);
    const activity = jsonLines<{ message: string }>(path.join(stateDir, 'activity.jsonl'));
    expect(activity.at(-1)?.message).toMatch(/^oVirt HA Bridge: single sign-on for service #501 failed: .*\[bridge: 422 client_mismatch: /);
  }, 60_000);

  test('Suspend, Unsuspend, a second Suspend, ChangePackage, Renew and Terminate each reach the VM, and WHMCS hears back', async () => {
    await untilState(501, 'active');
    const firstSuspend = await lifecycle('SuspendAccount', 501, { params: { suspendreason: 'Overdue on Payment' } });
    expect(firstSuspend.result).toBe('success');
    expect(JSON.parse(firstSuspend.exchanges[0]?.body ?? '')).toEqual({
      type: 'service.suspend',
      data: { service_id: '501', reason: 'Overdue on Payment' },
    });
    await untilState(501, 'suspended');
    expect(vmsNamed('vps-501')[0]?.status).toBe('down');

    expect((await lifecycle('UnsuspendAccount', 501)).result).toBe('success');
    await untilState(501, 'active');
    expect(vmsNamed('vps-501')[0]?.status).toBe('up');

    // The same suspension again, after WHMCS recorded the unsuspend: a new delivery, not the old one answered again.
    const secondSuspend = await lifecycle('SuspendAccount', 501, { params: { suspendreason: 'Overdue on Payment' } });
    expect(secondSuspend.result).toBe('success');
    expect(webhookIds(secondSuspend)[0]).not.toBe(webhookIds(firstSuspend)[0]);
    expect(secondSuspend.exchanges[0]?.answer).toMatchObject({ applied: true, desired_state: 'suspended' });
    await untilState(501, 'suspended');
    expect(vmsNamed('vps-501')[0]?.status).toBe('down');
    expect((await lifecycle('UnsuspendAccount', 501)).result).toBe('success');
    await untilState(501, 'active');

    expect((await lifecycle('ChangePackage', 501, { params: { pid: 8 } })).result).toBe('success');
    await eventually(async () => (await bridgeService(501)).body.product_id === '8' && vmsNamed('vps-501')[0]?.ha.priority === 100);
    await eventually(async () => vmsNamed('vps-501')[0]?.nextRun?.memoryBytes === 8192 * 2 ** 20);

    const renew = await lifecycle('Renew', 501);
    expect(renew.result).toBe('success');
    expect(JSON.parse(renew.exchanges[0]?.body ?? '')).toEqual({
      type: 'service.renew',
      data: { service_id: '501', next_due_date: '2027-01-01' },
    });

    expect((await lifecycle('TerminateAccount', 501)).result).toBe('success');
    await untilState(501, 'terminated');
    expect(vmsNamed('vps-501')).toEqual([]);

    await eventually(async () => callbackTypes(501).includes('service.terminated'));
    expect(callbackTypes(501)).toEqual([
      'service.active',
      'service.suspended',
      'service.unsuspended',
      'service.suspended',
      'service.unsuspended',
      'service.terminated',
    ]);
    const final = await lifecycle('AdminServicesTabFields', 501);
    expect(final.service?.status).toBe('Terminated');
  }, 90_000);

  test('callback.php refuses a forged or stale callback (401) and a replay (nothing done twice); a failing localAPI gets the callback retried', async () => {
    // localAPI fails for the first welcome email: callback.php answers 503 and the bridge sends the same callback again.
    writeFileSync(path.join(stateDir, 'localapi-fail.json'), JSON.stringify({ SendEmail: 1 }));
    expect((await lifecycle('CreateAccount', 502)).result).toBe('success');
    await untilState(502, 'active');
    await eventually(async () => callbackTypes(502).includes('service.active'));
    const attempts = callbacksFor(502);
    expect(attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(attempts[0]?.headers['webhook-id']).toBe(attempts[1]?.headers['webhook-id']);
    expect(localApi().filter((c) => c.command === 'SendEmail' && c.data.id === 502 && !c.failed)).toHaveLength(1);

    const genuine = attempts[1] as CallbackRecord;
    const post = (headers: Record<string, string>, body: string) =>
      fetch(callbacks.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const pick = (h: Record<string, string>) => ({
      'webhook-id': h['webhook-id'] ?? '',
      'webhook-timestamp': h['webhook-timestamp'] ?? '',
      'webhook-signature': h['webhook-signature'] ?? '',
    });

    const before = localApi().length;
    const replay = await post(pick(genuine.headers), genuine.body);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true });
    expect(localApi()).toHaveLength(before);

    const attacker = new Webhook(`whsec_${Buffer.from('an attacker guessing the secret').toString('base64')}`);
    const forgedBody = genuine.body.replace('"service.active"', '"service.terminated"');
    const forged = await post(
      {
        'webhook-id': 'cb_forged_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': attacker.sign('cb_forged_1', new Date(), forgedBody),
      },
      forgedBody,
    );
    expect(forged.status).toBe(401);
    const tampered = await post({ ...pick(genuine.headers), 'webhook-id': 'cb_tampered_1' }, genuine.body);
    expect(tampered.status).toBe(401);
    const staleAt = new Date(Date.now() - 10 * 60_000);
    const stale = await post(
      {
        'webhook-id': 'cb_stale_1',
        'webhook-timestamp': String(Math.floor(staleAt.getTime() / 1000)),
        'webhook-signature': new Webhook(TEST_SECRETS.WEBHOOK_SECRET).sign('cb_stale_1', staleAt, forgedBody),
      },
      forgedBody,
    );
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toMatch(/five minutes/);
    expect(localApi()).toHaveLength(before);
    expect((await lifecycle('AdminServicesTabFields', 502)).service?.status).toBe('Active');
  }, 60_000);

  test('a VPS that cannot be built: CreateAccount succeeds, then the failure reaches the admins by email', async () => {
    expect((await lifecycle('CreateAccount', 504)).result).toBe('success');
    await untilState(504, 'failed');
    await eventually(async () => callbackTypes(504).includes('service.failed'));
    const mail = localApi().find((c) => c.command === 'SendAdminEmail' && String(c.data.customsubject).includes('504'));
    expect(String(mail?.data.custommessage)).toMatch(/no-such-template/);
    const tab = await lifecycle<Record<string, string>>('AdminServicesTabFields', 504);
    expect(tab.result['Bridge actual state']).toContain('failed');
    expect(tab.result['Bridge last error']).toMatch(/no-such-template/);
  }, 60_000);

  test('the cron tells the admins once about an order stuck over 30 minutes; a failure the callback already told is not repeated', async () => {
    await untilState(504, 'failed');
    await eventually(async () => callbackTypes(504).includes('service.failed'));
    expect((await lifecycle('CreateAccount', 506)).result).toBe('success');
    await untilState(506, 'active');
    // Play a build that hangs: the bridge has 506 provisioning with its job waiting (a test's write, as if the
    // worker had died mid-build). Half an hour later the cron finds it; 504's failure reached WHMCS by its callback.
    const row = (await t.db.knex('services').where({ billing_service_id: '506' }).first('id')) as { id: number };
    await t.db
      .knex('services')
      .where({ id: row.id })
      .update({ actual_state: 'provisioning', last_error: 'retrying: the engine answered 500' });
    const mails = () =>
      localApi().filter((c) => c.command === 'SendAdminEmail' && String(c.data.customsubject).includes('stuck or failed'));

    const early = await lifecycle<string[]>('Cron', null);
    expect(early.result).toEqual([]);
    expect(early.exchanges.map((e) => `${e.method} ${new URL(e.url).pathname}${new URL(e.url).search} ${e.status}`)).toEqual([
      'GET /api/v1/services?actual_state=pending%2Cprovisioning%2Cfailed&limit=200 200',
    ]);
    const later = await lifecycle<string[]>('Cron', null, {}, { NOW_OFFSET: String(31 * 60) });
    expect(later.result).toEqual([
      expect.stringMatching(
        /^service #506 \(client #55, product 7\): its VPS is still provisioning after 3\d minutes \(bridge: retrying: the engine answered 500\)/,
      ),
    ]);
    expect(mails()).toHaveLength(1);
    expect(String(mails()[0]?.data.custommessage)).not.toContain('#504');
    expect((await lifecycle<string[]>('Cron', null, {}, { NOW_OFFSET: String(40 * 60) })).result).toEqual([]);
    expect(mails()).toHaveLength(1);

    // Back as it was, then gone: the capacity test below counts the cluster's memory.
    await t.db.knex('services').where({ id: row.id }).update({ actual_state: 'active', last_error: null });
    expect((await lifecycle('TerminateAccount', 506)).result).toBe('success');
    await untilState(506, 'terminated');
  }, 60_000);

  test("capacity in the shop and in the product settings; refused orders come back in an admin's words", async () => {
    const settings = await lifecycle<Record<string, { Description: string }>>('ConfigOptions', null, { params: { pid: 7 } });
    expect(settings.result['Bridge product id']?.Description).toMatch(
      /The bridge has a plan for product 7 and can sell it: (at least )?\d+ more fit\./,
    );
    const unmapped = await lifecycle<Record<string, { Description: string }>>('ConfigOptions', null, { params: { pid: 10 } });
    expect(unmapped.result['Bridge product id']?.Description).toContain(
      'No bridge plan is mapped to product 10: create one in the bridge admin console',
    );

    const noPlan = await lifecycle('CreateAccount', 503);
    expect(noPlan.result).toContain('no bridge plan is mapped to this product (create one in the bridge admin console)');

    // Two 40 GiB HA VPS keep N+1 on the demo's three 64 GiB hosts; the third would not restart after a host failure.
    expect((await lifecycle('CreateAccount', 601)).result).toBe('success');
    expect((await lifecycle('CreateAccount', 602)).result).toBe('success');
    const third = await lifecycle<string>('CreateAccount', 603);
    expect(third.result).toContain('the cluster has no failover room left for this plan');
    expect(sent(third)).toMatchObject({ status: 422, answer: { error: { code: 'failover_reserve_exceeded' } } });
    expect((await lifecycle('AdminServicesTabFields', 603)).service?.status).toBe('Pending');

    const sold = await lifecycle<Record<string, { Description: string }>>('ConfigOptions', null, { params: { pid: 9 } });
    expect(sold.result['Bridge product id']?.Description).toContain('The bridge has a plan for product 9 but cannot sell another now');
    const form = await lifecycle<{ products: Array<Record<string, unknown>> }>('OrderForm', null, { pids: [7, 9, 10] });
    expect(form.result.products.map((p) => [p.pid, p.ovirthaSoldOut ?? false, p.qty])).toEqual([
      [7, false, 0],
      [9, true, 0],
      [10, true, 0],
    ]);
    expect(form.result.products[1]).toMatchObject({ stockControlEnabled: true });
    const checkout = await lifecycle<string[]>('Checkout', null, { pids: [7, 9] });
    expect(checkout.result).toHaveLength(1);
    expect(checkout.result[0]).toContain('VPS HA XL is sold out right now');
    expect((await lifecycle<string[]>('Checkout', null, { pids: [7] })).result).toEqual([]);
  }, 90_000);
});

d.each(databaseKinds)("the WHMCS module locked out by the bridge's abuse limits on %s", (kind) => {
  let t: TestApp;
  let bridge: Server;
  let at: { bridgeUrl: string; stateDir: string };

  beforeAll(async () => {
    needPhp();
    // No engine needed: the key is refused before anything else. Two refused keys lock the address for 15 minutes.
    t = await createTestApp(kind, { env: { RATE_LIMIT_AUTH_FAILURES: '2', RATE_LIMIT_AUTH_WINDOW_SECONDS: '900' } });
    const { server, url } = await listen(t);
    bridge = server;
    at = { bridgeUrl: url, stateDir: mkdtempSync(path.join(tmpdir(), 'obh-whmcs-')) };
    await runLifecycle(at, 'Setup', null, {
      products: { 7: { name: 'VPS HA M' } },
      services: { 701: { userid: 55, pid: 7, status: 'Pending' } },
    });
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => (bridge ? bridge.close(r) : r(undefined)));
    await t?.close();
    if (at?.stateDir) rmSync(at.stateDir, { recursive: true, force: true });
  });

  test('after RATE_LIMIT_AUTH_FAILURES wrong keys even the right key is held back, and WHMCS is told when to retry from Retry-After', async () => {
    for (let i = 0; i < 2; i++) {
      const wrong = await runLifecycle<string>(at, 'CreateAccount', 701, {}, { BRIDGE_API_KEY: 'not-the-key' });
      expect(wrong.result).toContain('the bridge refused the API key');
    }
    const held = await runLifecycle<string>(at, 'CreateAccount', 701);
    expect(held.exchanges.map((e) => e.status)).toEqual([429]);
    expect(held.result).toMatch(
      /^oVirt HA Bridge: the bridge is holding back requests from this WHMCS server .*then retry in 1[45] minutes \[bridge: 429 too_many_requests: /,
    );
    expect(held.result).not.toContain('a few minutes');
  }, 60_000);
});

d.each(databaseKinds)('the WHMCS client area after a host failure on %s', (kind) => {
  let w: UptimeWorld;
  let bridge: Server;
  let at: { bridgeUrl: string; stateDir: string };
  let failedHost: string;

  beforeAll(async () => {
    needPhp();
    // The bridge on the simulator's manual clock: a failover plays out in milliseconds (tests/helpers/uptime-world.ts).
    // This provider shows host names to customers (the default hides them), so the summary below names the host.
    w = await startUptimeWorld(kind, { env: { CLIENT_HOST_NAMES: 'show' } });
    const { server, url } = await listen(w.t);
    bridge = server;
    at = { bridgeUrl: url, stateDir: mkdtempSync(path.join(tmpdir(), 'obh-whmcs-')) };
    await runLifecycle(at, 'Setup', null, {
      products: { 7: { name: 'VPS HA M' } },
      services: { 2001: { userid: 55, pid: 7, status: 'Active' } },
    });
    const sync = w.t.container.eventSync;
    if (!sync) throw new Error('no event sync');
    await sync.tick();
    failedHost = await w.order('2001', '55');
    await sync.tick();
    w.sim.control.advance(25 * 3600_000);
    await sync.tick();
    await w.failOver(failedHost, 'vps-2001');
    w.sim.control.advance(60_000);
    await sync.tick();
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => (bridge ? bridge.close(r) : r(undefined)));
    await w?.close();
    if (at?.stateDir) rmSync(at.stateDir, { recursive: true, force: true });
  });

  test('ClientArea shows the 30-day uptime below 100 % and the host failure as the last outage', async () => {
    const uptime = await request(w.t.app).get('/api/v1/services/2001/uptime').set('Authorization', BILLING_AUTH).expect(200);
    const percent = uptime.body.windows['30d'].uptime_percent as number;
    expect(percent).toBeLessThan(100);
    const [incident] = uptime.body.incidents as Array<{ summary: string; duration_seconds: number; started_at: string }>;

    const area = await runLifecycle<{ templateVariables: { ovirtha: Record<string, unknown> } }>(at, 'ClientArea', 2001);
    const vars = area.result.templateVariables.ovirtha;
    expect(vars).toMatchObject({
      available: true,
      state: 'active',
      state_label: 'Running',
      uptime_30d: String(Math.floor(percent * 100) / 100),
    });
    expect(vars.last_incident).toEqual({
      cause: 'Host failure, restarted on another host',
      summary: incident?.summary,
      started_at: incident?.started_at,
      ended_at: expect.any(String),
      duration: expect.stringMatching(/^\d+ min \d+ s$/),
    });
    expect(incident?.summary).toContain(`Host ${failedHost} failed`);
  }, 60_000);
});

/** A real OpenSSH ed25519 public key line, so the bridge's key check passes. */
function ed25519Key(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} ${comment}`;
}

d.each(databaseKinds)('a WHMCS order with an SSH key and an OS, on a cluster with IP pools, on %s', (kind) => {
  let sim: RunningSimulator;
  let t: TestApp;
  let bridge: Server;
  let at: { bridgeUrl: string; stateDir: string };
  let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
  const key = ed25519Key('ada@laptop');

  const bridgeService = (id: number) => request(t.app).get(`/api/v1/services/${id}`).set('Authorization', BILLING_AUTH);
  const untilActive = (id: number) =>
    eventually(async () => {
      const res = await bridgeService(id);
      return res.body.actual_state === 'active' ? res.body : undefined;
    }, 30_000);
  const localApi = () => jsonLines<LocalApiRecord>(path.join(at.stateDir, 'localapi.jsonl'));
  const activeDone = (id: number) =>
    eventually(async () =>
      // The file also holds the suite's readiness probe (a GET with no body): only callbacks count.
      jsonLines<CallbackRecord>(path.join(at.stateDir, 'callbacks.jsonl')).find((c) => {
        if (c.status !== 200 || c.body === '') return false;
        const body = JSON.parse(c.body) as { type: string; data: { service_id: string } };
        return body.type === 'service.active' && body.data.service_id === String(id);
      }),
    );
  const guestInit = (vmName: string) =>
    eventually(async () => {
      const res = await request(sim.controlUrl).get(`/vms/${vmName}/guest`).set('Authorization', 'Bearer simulator');
      return res.body.appliedInit ? (res.body.appliedInit.init as { strings: Record<string, string> }) : undefined;
    });
  const stateOf = (id: number) =>
    (JSON.parse(readFileSync(path.join(at.stateDir, 'state.json'), 'utf8')) as { services: Record<string, Record<string, unknown>> })
      .services[String(id)];

  beforeAll(async () => {
    needPhp();
    sim = await startTestSimulator({ scenario: 'demo' });
    const stateDir = mkdtempSync(path.join(tmpdir(), 'obh-whmcs-'));
    callbacks = await startCallbackServer(stateDir);
    t = await createTestApp(kind, { engine: engineTarget(sim), env: { ...FAST_ENV, BILLING_CALLBACK_URL: callbacks.url } });
    const { server, url } = await listen(t);
    bridge = server;
    at = { bridgeUrl: url, stateDir };
    const admin = (p: string, body: object) => request(t.app).post(p).set('Authorization', t.adminAuth).send(body).expect(201);
    await admin('/api/v1/admin/ip-pools', {
      name: 'pub-v4',
      cluster: 'Default',
      network: 'vm-public',
      cidr: '192.0.2.0/24',
      gateway: '192.0.2.1',
      dns: ['192.0.2.53'],
      ranges: [{ from: '192.0.2.10', to: '192.0.2.20' }],
    });
    await admin('/api/v1/admin/ip-pools', {
      name: 'pub-v6',
      cluster: 'Default',
      network: 'vm-public',
      cidr: '2001:db8:1::/48',
      gateway: 'fe80::1',
    });
    await admin(
      '/api/v1/admin/plans',
      planBody({
        product_id: '7',
        os_options: [
          { key: 'debian-12', label: 'Debian 12', template: 'debian-12' },
          { key: 'ubuntu-24.04', label: 'Ubuntu 24.04', template: 'ubuntu-24.04' },
        ],
      }),
    );
    t.container.worker.start();
    const pending = { userid: 55, pid: 7, status: 'Pending', updated_at: '2026-11-26 10:00:00' };
    await runLifecycle(at, 'Setup', null, {
      products: { 7: { name: 'VPS HA M', configoptions: { 1: '', 2: '', 3: 'mark' } } },
      services: { 701: pending, 702: pending, 703: pending },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await new Promise((r) => (bridge ? bridge.close(r) : r(undefined)));
    callbacks?.process.kill();
    await sim?.close();
    if (at?.stateDir) rmSync(at.stateDir, { recursive: true, force: true });
  });

  test('the key, the OS and the password reach the VPS; the addresses come back into the service, the module box and the client area', async () => {
    // As WHMCS passes them: the custom field's text area (one key a line) and the configurable option's raw value
    // (sub-option "ubuntu-24.04|Ubuntu 24.04").
    const create = await runLifecycle<string>(at, 'CreateAccount', 701, {
      params: {
        customfields: { 'SSH Public Keys': `${key}\r\n\r\n# old laptop, gone\r\n` },
        configoptions: { 'Operating System': 'ubuntu-24.04' },
      },
    });
    expect(create.result).toBe('success');
    const webhook = create.exchanges.find((e) => e.url.endsWith('/webhooks/billing'));
    expect(webhook?.status).toBe(202);
    expect(JSON.parse(webhook?.body ?? '')).toEqual({
      type: 'service.create',
      data: {
        service_id: '701',
        client_id: '55',
        product_id: '7',
        hostname: 'vps701.example.net',
        password: 'Gen3r4tedPw',
        ssh_keys: [key],
        os: 'ubuntu-24.04',
      },
    });
    expect(webhook?.webhook_id).not.toContain('Gen3r4tedPw');

    const svc = await untilActive(701);
    expect(svc).toMatchObject({
      os: { key: 'ubuntu-24.04', label: 'Ubuntu 24.04' },
      username: 'root',
      network: { ipv4: [expect.stringMatching(/^192\.0\.2\.(1\d|20)$/)], ipv6: [expect.stringMatching(/^2001:db8:1:[0-9a-f]+::1\/64$/)] },
    });
    const ipv4 = String(svc.network.ipv4[0]);
    const ipv6 = String(svc.network.ipv6[0]);
    // On the engine: the chosen OS's template, root's key and WHMCS's password by cloud-init.
    const vm = [...sim.world.vms.values()].find((v) => v.name === 'vps-701');
    expect(vm && sim.world.templates.get(vm.templateId)?.name).toBe('ubuntu-24.04');
    const init = await guestInit('vps-701');
    expect(init.strings).toMatchObject({
      host_name: 'vps701.example.net',
      user_name: 'root',
      root_password: 'Gen3r4tedPw',
      authorized_ssh_keys: key,
    });

    // callback.php wrote the addresses and the user name into the service, before the welcome email quoting them.
    await activeDone(701);
    const calls = localApi().filter((c) => c.data.serviceid === 701 || c.data.id === 701);
    // (The status is Active already: WHMCS recorded it when Create returned success.)
    expect(calls.map((c) => c.command)).toEqual(['UpdateClientProduct', 'SendEmail']);
    expect(calls[0]?.data).toEqual({ serviceid: 701, dedicatedip: ipv4, assignedips: ipv6, serviceusername: 'root' });
    expect(stateOf(701)).toMatchObject({ status: 'Active', dedicatedip: ipv4, assignedips: ipv6, serviceusername: 'root' });
    expect(stateOf(701)).not.toHaveProperty('servicepassword');

    // The module's box on WHMCS's service page.
    const area = await runLifecycle<{ templateVariables: { ovirtha: Record<string, unknown> } }>(at, 'ClientArea', 701);
    expect(area.result.templateVariables.ovirtha.vps).toEqual({
      hostname: 'vps701.example.net',
      os: 'Ubuntu 24.04',
      username: 'root',
      ipv4: [ipv4],
      ipv6: [ipv6],
    });
    expect(JSON.stringify(area.result.templateVariables)).not.toContain(svc.vm.host);

    // The bridge's client area, reached through WHMCS's single sign-on.
    const sso = await runLifecycle<{ success: boolean; redirectTo: string }>(at, 'ServiceSingleSignOn', 701);
    const link = new URL(sso.result.redirectTo);
    const browser = request.agent(t.app);
    await browser.get(`${link.pathname}${link.search}`).expect(303);
    const page = await browser.get('/client/services/701').expect(200);
    expect(page.text).toContain('Your VPS');
    for (const shown of ['vps701.example.net', ipv4, ipv6.split('/')[0], 'Ubuntu 24.04', `ssh root@${ipv4}`])
      expect(page.text).toContain(`>${shown}</code>`);
    expect(page.text).not.toContain('Gen3r4tedPw');
    expect(page.text).not.toContain(`>${svc.vm.host}<`);
  }, 90_000);

  test('an order whose WHMCS password the bridge cannot use gets a generated one, and WHMCS stores that one', async () => {
    const create = await runLifecycle<string>(at, 'CreateAccount', 702, { params: { password: 'short' } });
    expect(create.result).toBe('success');
    expect(JSON.parse(create.exchanges.find((e) => e.url.endsWith('/webhooks/billing'))?.body ?? '').data).not.toHaveProperty('password');
    await untilActive(702);
    await activeDone(702);
    const init = await guestInit('vps-702');
    const written = localApi().find((c) => c.command === 'UpdateClientProduct' && c.data.serviceid === 702 && 'servicepassword' in c.data);
    expect(written?.data.servicepassword).toBe(init.strings.root_password);
    expect(stateOf(702)).toMatchObject({ servicepassword: init.strings.root_password, serviceusername: 'root' });
    // Not in the activity log that callback.php wrote.
    expect(readFileSync(path.join(at.stateDir, 'activity.jsonl'), 'utf8')).not.toContain(init.strings.root_password);
  }, 90_000);

  test('a bad key, or an Operating System option without key|Label values, fails Create with what to fix', async () => {
    const badKey = await runLifecycle<string>(at, 'CreateAccount', 703, {
      params: { customfields: { 'SSH Public Keys': `${key}\nssh-rsa not-a-key me@desk` } },
    });
    expect(badKey.result).toMatch(/^oVirt HA Bridge: the bridge refused the request as invalid \(.*data\.ssh_keys\.1/);
    const label = await runLifecycle<string>(at, 'CreateAccount', 703, {
      params: { configoptions: { 'Operating System': 'Ubuntu 24.04' } },
    });
    expect(label.result).toContain('is no OS key of the bridge plan: name each sub-option key|Label');
    expect(label.exchanges).toEqual([]);
    const unknown = await runLifecycle<string>(at, 'CreateAccount', 703, { params: { configoptions: { 'Operating System': 'arch' } } });
    expect(unknown.result).toContain("not one of the bridge plan's OS options");
    expect(unknown.result).toContain('unknown_os');
    await bridgeService(703).expect(404);
  }, 60_000);
});
