/**
 * plugin.json describes the WHMCS module (panel_modules.whmcs) as well as the bridge: this keeps the two in step. The
 * files it lists exist (and every module file is listed), its functions and hooks are the ones the PHP defines, the
 * events the module sends are ones the bridge accepts, and the callbacks it handles are exactly the ones the bridge
 * sends.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BILLING_EVENT_TYPES } from '../../server/webhooks/billing-event';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

interface WhmcsManifest {
  name: string;
  version: string;
  requires_bridge: string;
  source: string;
  readme: string;
  files: string[];
  functions: Record<string, string>;
  hooks: Record<string, string>;
  server_settings: Array<{ whmcs_field: string; param: string }>;
  product_config_options: Array<{ param: string; name: string; type: string; default: string }>;
  customer_choices: Array<{ sent_as: string; from: string }>;
  webhooks_sent: { endpoint: string; events: Record<string, string> };
  callbacks_received: { file: string; events: Record<string, string> };
}

const plugin = JSON.parse(read('plugin.json')) as {
  version: string;
  webhooks: { endpoint: { path: string } };
  callbacks: { events: string[] };
  panel_modules: { whmcs: WhmcsManifest };
};
const whmcs = plugin.panel_modules.whmcs;
const modulePhp = read(path.join(whmcs.source, 'ovirtha.php'));

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? filesUnder(rel) : [rel];
  });
}

/** The callback types the bridge sends: the CallbackType union in server/use-cases/callbacks.ts. */
function bridgeCallbackTypes(): string[] {
  const union = /export type CallbackType\s*=([^;]+);/.exec(read('server/use-cases/callbacks.ts'))?.[1] ?? '';
  return [...union.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1] as string);
}

const semver = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10));
function atLeast(version: string, min: string): boolean {
  const [a, b] = [semver(version), semver(min)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe('plugin.json and the WHMCS module in step', () => {
  test('every file it lists exists, and every file of the module is listed', () => {
    const listed = [...whmcs.files].sort();
    expect(listed.length).toBeGreaterThan(10);
    expect(filesUnder(whmcs.source).sort()).toEqual(listed);
    for (const f of [whmcs.readme, whmcs.callbacks_received.file]) expect(statSync(path.join(ROOT, f)).isFile()).toBe(true);
  });

  test('its functions are exactly the module functions ovirtha.php defines', () => {
    const defined = [...modulePhp.matchAll(/^function (ovirtha_\w+)\(/gm)].map((m) => m[1]);
    expect(defined.sort()).toEqual(Object.keys(whmcs.functions).sort());
    expect(Object.keys(whmcs.functions)).toEqual(
      expect.arrayContaining(['ovirtha_MetaData', 'ovirtha_ConfigOptions', 'ovirtha_CreateAccount', 'ovirtha_ServiceSingleSignOn']),
    );
  });

  test('its hooks are the ones hooks.php registers', () => {
    const hooks = [...read(path.join(whmcs.source, 'hooks.php')).matchAll(/^add_hook\('(\w+)'/gm)].map((m) => m[1]);
    expect(hooks.sort()).toEqual(Object.keys(whmcs.hooks).sort());
  });

  test('the events it sends are webhook types the bridge accepts, each from a listed function that sends it', () => {
    expect(whmcs.webhooks_sent.endpoint).toBe(plugin.webhooks.endpoint.path);
    const actions = read(path.join(whmcs.source, 'lib/ServiceActions.php'));
    for (const [type, fn] of Object.entries(whmcs.webhooks_sent.events)) {
      expect(BILLING_EVENT_TYPES).toContain(type);
      expect(Object.keys(whmcs.functions)).toContain(fn);
      expect(actions).toContain(`'${type}'`);
    }
  });

  test('the callbacks it handles are exactly the ones the bridge sends, in plugin.json and in the PHP', () => {
    const sent = bridgeCallbackTypes();
    expect(sent).toEqual([
      'service.active',
      'service.failed',
      'service.suspended',
      'service.unsuspended',
      'service.terminated',
      'service.reinstalled',
    ]);
    expect([...plugin.callbacks.events].sort()).toEqual([...sent].sort());
    expect(Object.keys(whmcs.callbacks_received.events).sort()).toEqual([...sent].sort());
    const phpTypes = /public const TYPES = \[([^\]]+)\]/.exec(read(path.join(whmcs.source, 'lib/Callback/CallbackActions.php')))?.[1] ?? '';
    expect([...phpTypes.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]).sort()).toEqual([...sent].sort());
  });

  test('the notices are the same in the bridge, plugin.json and the PHP, and each has its e-mail', () => {
    const union = /export type NoticeType\s*=([^;]+);/.exec(read('server/use-cases/callbacks.ts'))?.[1] ?? '';
    const sent = [...union.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1] as string);
    expect(sent).toEqual(['service.maintenance_announced', 'service.incident_opened', 'service.incident_resolved', 'cluster.host_failed']);
    const notices = (plugin.callbacks as unknown as { notices: { events: string[] } }).notices;
    expect(notices.events).toEqual(sent);
    const handled = (whmcs.callbacks_received as unknown as { notices: Record<string, string> }).notices;
    expect(Object.keys(handled).filter((k) => k !== 'templates')).toEqual(sent);
    const php = read(path.join(whmcs.source, 'lib/Callback/NoticeActions.php'));
    const serviceTypes = /public const SERVICE_TYPES = \[([^\]]+)\]/.exec(php)?.[1] ?? '';
    expect([...[...serviceTypes.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]), 'cluster.host_failed']).toEqual(sent);
    const templates = read(path.join(whmcs.source, 'lib/Notices/EmailTemplates.php'));
    for (const type of sent.filter((t) => t.startsWith('service.'))) expect(templates).toContain(`'${type}' => self::`);
  });

  test('the server settings and product options it documents are the ones the PHP reads', () => {
    const settings = read(path.join(whmcs.source, 'lib/BridgeSettings.php'));
    for (const s of whmcs.server_settings.filter((x) => x.param !== 'serverusername')) expect(settings).toContain(`'${s.param}'`);
    const options = read(path.join(whmcs.source, 'lib/ProductOptions.php'));
    const fieldNames = [...options.matchAll(/^ {12}'([A-Z][\w ]+)' => \[$/gm)].map((m) => m[1]);
    expect(fieldNames).toEqual(whmcs.product_config_options.map((o) => o.name));
    expect(whmcs.product_config_options.map((o) => o.param)).toEqual(fieldNames.map((_, i) => `configoption${i + 1}`));
  });

  test('the customer’s choices it documents are the fields the PHP sends, from the WHMCS fields it reads', () => {
    const choices = read(path.join(whmcs.source, 'lib/OrderChoices.php'));
    expect(whmcs.customer_choices.map((c) => c.sent_as)).toEqual(['data.password', 'data.ssh_keys', 'data.os']);
    for (const field of ['password', 'ssh_keys', 'os']) expect(choices).toContain(`$out['${field}']`);
    for (const name of ['SSH Public Keys', 'Operating System']) {
      expect(choices).toContain(`'${name}'`);
      expect(whmcs.customer_choices.some((c) => c.from.includes(`"${name}"`))).toBe(true);
    }
    expect(modulePhp).not.toContain('function ovirtha_ChangePassword');
  });

  test('the module version matches its PHP, and the bridge it requires is this one or older', () => {
    expect(read(path.join(whmcs.source, 'lib/Module.php'))).toContain(`public const VERSION = '${whmcs.version}';`);
    expect(whmcs.name).toBe('ovirtha');
    const min = /^>=(\d+\.\d+\.\d+)$/.exec(whmcs.requires_bridge)?.[1];
    expect(min).toBeDefined();
    const pkg = JSON.parse(read('package.json')) as { version: string };
    expect(plugin.version).toBe(pkg.version);
    expect(atLeast(pkg.version, min as string)).toBe(true);
  });
});
