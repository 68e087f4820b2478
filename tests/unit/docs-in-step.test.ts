import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BILLING_EVENT_TYPES } from '../../server/webhooks/billing-event';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

describe('documentation kept in step with the code', () => {
  test('every variable the config schema reads is documented in .env.example', () => {
    const keys = [...read('server/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(20);
    const env = read('.env.example');
    expect(keys.filter((k) => !new RegExp(`^${k}=`, 'm').test(env))).toEqual([]);
  });

  test('plugin.json lists exactly the webhook event types the endpoint accepts, and README names them', () => {
    const plugin = JSON.parse(read('plugin.json')) as { webhooks: { events: Record<string, unknown> } };
    expect(Object.keys(plugin.webhooks.events).sort()).toEqual([...BILLING_EVENT_TYPES].sort());
    const readme = read('README.md');
    for (const t of BILLING_EVENT_TYPES) expect(readme).toContain(`\`${t}\``);
  });
});
