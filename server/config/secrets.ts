/**
 * The shared secrets. Outside production a missing one is generated for the run (so a newcomer starts with no
 * setup); in production every one is required and weak ones are refused.
 */
import { randomBytes } from 'node:crypto';
import { optionalText } from './fields';

export const secretVariables = {
  WEBHOOK_SECRET: optionalText(),
  CALLBACK_SECRET: optionalText(),
  BILLING_API_KEY: optionalText(),
  SESSION_SECRET: optionalText(),
  SECRETS_KEY: optionalText(),
};

/** What a check found: problems stop the start, warnings go to the banner. */
export interface Findings {
  readonly problems: string[];
  readonly warnings: string[];
}

/** Placeholder values that must never guard a production system (they appear in docs and examples). */
const KNOWN_WEAK = new Set(['changeme', 'change-me', 'secret', 'password', 'replace-me', 'example', 'test', 'admin']);

/** Why a secret is weak, or undefined when it is acceptable. Kept simple: length and obvious placeholders. */
export function secretWeakness(name: string, value: string): string | undefined {
  if (name === 'WEBHOOK_SECRET' || name === 'CALLBACK_SECRET') {
    // Standard Webhooks secrets are `whsec_` + base64 of 24 to 64 random bytes.
    const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
    if (!m) return `${name} must look like whsec_<base64>, as the Standard Webhooks spec defines`;
    const bytes = Buffer.from(m[1] ?? '', 'base64').length;
    if (bytes < 24) return `${name} must hold at least 24 random bytes (it holds ${bytes})`;
    return undefined;
  }
  if (name === 'SECRETS_KEY') {
    // An AES-256 key: exactly 32 bytes, written as hex so it survives any .env editor.
    if (!/^[0-9a-fA-F]{64}$/.test(value)) return 'SECRETS_KEY must be 64 hex characters (32 random bytes: openssl rand -hex 32)';
    if (new Set(value.toLowerCase()).size < 8) return 'SECRETS_KEY looks like a placeholder; use openssl rand -hex 32';
    return undefined;
  }
  if (value.length < 32) return `${name} must be at least 32 characters (it has ${value.length})`;
  if (KNOWN_WEAK.has(value.toLowerCase()) || new Set(value).size < 8) {
    return `${name} looks like a placeholder; use a random value (e.g. openssl rand -hex 32)`;
  }
  return undefined;
}

/** The secrets generated when missing outside production, in the order they are checked and reported. */
const GENERATED = ['WEBHOOK_SECRET', 'BILLING_API_KEY', 'SESSION_SECRET', 'SECRETS_KEY'] as const;
type Generated = (typeof GENERATED)[number];

function generateSecret(name: Generated): string {
  return name === 'WEBHOOK_SECRET' ? `whsec_${randomBytes(32).toString('base64')}` : randomBytes(32).toString('hex');
}

/** A malformed webhook secret or encryption key cannot be used at all, so those are refused everywhere. */
const REFUSED_WHEN_WEAK: ReadonlySet<string> = new Set(['WEBHOOK_SECRET', 'SECRETS_KEY']);

/** The secrets to run with, and the names of those generated for this run; problems and warnings go to `found`. */
export function resolveSecrets(env: Partial<Record<keyof typeof secretVariables, string>>, isProduction: boolean, found: Findings) {
  const value: Record<Generated, string> = { WEBHOOK_SECRET: '', BILLING_API_KEY: '', SESSION_SECRET: '', SECRETS_KEY: '' };
  const generated: string[] = [];
  for (const name of GENERATED) {
    const given = env[name];
    if (given === undefined) {
      if (isProduction) found.problems.push(`${name} is required in production`);
      else {
        value[name] = generateSecret(name);
        generated.push(name);
      }
      continue;
    }
    const weakness = secretWeakness(name, given);
    if (weakness && (isProduction || REFUSED_WHEN_WEAK.has(name))) found.problems.push(weakness);
    else if (weakness) found.warnings.push(`${weakness} (accepted outside production)`);
    value[name] = given;
  }
  if (env.CALLBACK_SECRET !== undefined) {
    const weakness = secretWeakness('CALLBACK_SECRET', env.CALLBACK_SECRET);
    if (weakness) found.problems.push(weakness);
  }
  const secrets = {
    webhook: value.WEBHOOK_SECRET,
    callback: env.CALLBACK_SECRET ?? value.WEBHOOK_SECRET,
    billingApiKey: value.BILLING_API_KEY,
    session: value.SESSION_SECRET,
    /** AES-256-GCM key (64 hex characters) for customers' passwords while a job still needs them (SECRETS_KEY). */
    encryptionKey: value.SECRETS_KEY,
  };
  return { secrets, generated };
}

/** METRICS_TOKEN is optional (loopback-only without it), but once set it guards process and business figures like any secret. */
export function checkMetricsToken(token: string | undefined, isProduction: boolean, found: Findings): void {
  if (token === undefined) return;
  const weakness = secretWeakness('METRICS_TOKEN', token);
  if (weakness && isProduction) found.problems.push(weakness);
  else if (weakness) found.warnings.push(`${weakness} (accepted outside production)`);
}
