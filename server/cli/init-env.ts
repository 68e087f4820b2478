/**
 * `npm run init-env` writes a `.env` with fresh random secrets (WEBHOOK_SECRET, BILLING_API_KEY, SESSION_SECRET,
 * SECRETS_KEY), so the service, `admin-token` and `send-webhook` agree across restarts. Refuses to overwrite an existing file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.join(process.cwd(), '.env');
if (existsSync(file)) {
  console.error(`${file} exists already; not touching it. Edit it by hand (see .env.example).`);
  process.exit(1);
}
const lines = [
  '# Written by `npm run init-env`; see .env.example for every setting.',
  `WEBHOOK_SECRET=whsec_${randomBytes(32).toString('base64')}`,
  `BILLING_API_KEY=${randomBytes(32).toString('hex')}`,
  `SESSION_SECRET=${randomBytes(32).toString('hex')}`,
  `SECRETS_KEY=${randomBytes(32).toString('hex')}`,
  '',
];
writeFileSync(file, lines.join('\n'), { mode: 0o600 });
console.log(`Wrote ${file} with fresh secrets (readable by you only).`);
