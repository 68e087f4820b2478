import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BILLING_EVENT_TYPES } from '../../server/webhooks/billing-event';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

describe('documentation kept in step with the code', () => {
  // The configuration's variables against .env.example and the README: tests/unit/config-docs.test.ts.

  test('plugin.json lists exactly the webhook event types the endpoint accepts, and README names them', () => {
    const plugin = JSON.parse(read('plugin.json')) as { webhooks: { events: Record<string, unknown> } };
    expect(Object.keys(plugin.webhooks.events).sort()).toEqual([...BILLING_EVENT_TYPES].sort());
    const readme = read('README.md');
    for (const t of BILLING_EVENT_TYPES) expect(readme).toContain(`\`${t}\``);
  });
});
