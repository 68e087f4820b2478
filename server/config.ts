/**
 * The one place that reads the environment. A zod schema parses it into a frozen, typed Config; every problem is
 * reported at once so an operator fixes them in one pass rather than one restart per mistake.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EngineUrlError, normalizeEngineUrl } from './ovirt/engine-url';

export type DatabaseTarget =
  | { client: 'sqlite'; filename: string; url: string }
  | { client: 'mysql'; host: string; port: number; user: string; password: string; database: string; url: string };

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly database: DatabaseTarget;
  readonly ovirt: {
    readonly url: string | undefined;
    readonly username: string;
    readonly password: string | undefined;
    readonly caFile: string | undefined;
    readonly insecure: boolean;
    readonly timeoutMs: number;
    readonly maxInFlight: number;
    readonly readRetries: number;
  };
  readonly secrets: {
    readonly webhook: string;
    readonly callback: string;
    readonly billingApiKey: string;
    readonly session: string;
    /** AES-256-GCM key (64 hex characters) for customers' passwords while a job still needs them (SECRETS_KEY). */
    readonly encryptionKey: string;
  };
  readonly billing: {
    readonly callbackUrl: string | undefined;
    /** Webhooks allowed to wait for a transaction before new ones get 503 (see db/group-commit.ts). */
    readonly maxWaiting: number;
  };
  readonly jobs: {
    readonly concurrency: number;
    readonly leaseMs: number;
    readonly pollMs: number;
    readonly maxAttempts: number;
    readonly backoffBaseMs: number;
    readonly backoffCapMs: number;
    /** Backoff cap while the engine is away: jobs wait it out without using up attempts and resume within this. */
    readonly outageCapMs: number;
    /** False runs a web-only instance (no job worker). */
    readonly workerEnabled: boolean;
  };
  readonly provisioning: {
    readonly vmNamePrefix: string;
    readonly createTimeoutMs: number;
    readonly bootTimeoutMs: number;
    readonly shutdownTimeoutMs: number;
    readonly pollMs: number;
  };
  /** Power, reinstall and console actions on a VPS: a per-service limit counted in the database. */
  readonly actions: {
    /** Actions one service may ask for within the window (0: no limit). */
    readonly limitPerService: number;
    readonly limitWindowSeconds: number;
  };
  readonly capacity: {
    readonly vcpuRatio: number;
    readonly hostMemoryReserveMib: number;
    readonly failoverHosts: number;
    readonly cacheMs: number;
    readonly driftSweepMs: number;
  };
  readonly events: {
    /** False runs an instance that never polls the engine's events (it still serves uptime pages). */
    readonly syncEnabled: boolean;
    readonly pollMs: number;
    /**
     * How often the event leader lists the bridge's VMs (one engine call) and checks them against what it believes
     *: a VM deleted by hand, a host changed, a state the events missed. 0 turns the check off.
     */
    readonly vmReconcileMs: number;
  };
  readonly client: {
    /** How long a client-area session lasts after the panel's link was used. */
    readonly sessionTtlSeconds: number;
    /** Session cookies are Secure when PUBLIC_URL is https. */
    readonly secureCookies: boolean;
    /** Whether customers see the engine's host names in their incidents (CLIENT_HOST_NAMES); admins always do. */
    readonly hostNames: boolean;
  };
  readonly admin: {
    readonly idleMinutes: number;
    readonly sessionHours: number;
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerAddress: number;
    readonly windowMinutes: number;
    /** Session cookies are Secure when PUBLIC_URL is https. */
    readonly secureCookies: boolean;
  };
  /** How long answered webhooks (for redelivery) and finished jobs are kept. */
  readonly retention: { readonly webhookDays: number; readonly jobDays: number };
  readonly simulator: { readonly scenario: string; readonly speed: number; readonly port: number };
  readonly http: {
    readonly jsonLimit: string;
    readonly trustProxy: number;
    /** Largest request head (request line and headers) Node accepts; past it Node answers 431 itself. */
    readonly maxHeaderBytes: number;
  };
  /** Per-address limits of this instance. A limit of 0 is off. */
  readonly rateLimits: {
    readonly windowSeconds: number;
    /** Webhooks per address per window. */
    readonly webhooks: number;
    /** Billing panel API requests (services, uptime, capacity) per address per window. */
    readonly api: number;
    /** Refused signatures or keys (401/403) per address per auth window before that address is refused on that surface. */
    readonly authFailures: number;
    readonly authWindowSeconds: number;
  };
  /** Bearer token for /metrics; without one, /metrics answers loopback clients only. */
  readonly metrics: { readonly token: string | undefined };
  readonly log: { readonly level: string };
  readonly shutdownGraceMs: number;
  /** Names of secrets generated for this run because they were not configured (never in production). */
  readonly generatedSecrets: readonly string[];
  /** Non-fatal remarks for the start banner (weak secrets outside production, SQLite in production, …). */
  readonly warnings: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional());
/**
 * OVIRT_URL as providers write it (the host, `…/ovirt-engine` or `…/ovirt-engine/api[/v4]`), stored once as the
 * canonical `…/ovirt-engine` base so every later use (SSO, API, banner) agrees.
 */
function engineUrl(value: string, ctx: z.RefinementCtx): string {
  try {
    return normalizeEngineUrl(value);
  } catch (err) {
    if (!(err instanceof EngineUrlError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.message });
    return z.NEVER;
  }
}
const flag = (byDefault: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(byDefault ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

const schema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'test', 'production']).default('development')),
  HOST: z.preprocess(emptyAsUndefined, z.string().min(1).default('127.0.0.1')),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  PUBLIC_URL: optionalUrl,
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().default('sqlite:data/ovirt-ha-bridge.sqlite')),
  OVIRT_URL: z.preprocess(emptyAsUndefined, z.string().transform(engineUrl).optional()),
  OVIRT_USERNAME: z.preprocess(emptyAsUndefined, z.string().min(1).default('admin@internal')),
  OVIRT_PASSWORD: optionalString,
  OVIRT_CA_FILE: optionalString,
  OVIRT_INSECURE: flag(false),
  OVIRT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(600_000).default(30_000)),
  OVIRT_MAX_IN_FLIGHT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(256).default(8)),
  OVIRT_READ_RETRIES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(3)),
  WEBHOOK_SECRET: optionalString,
  CALLBACK_SECRET: optionalString,
  BILLING_API_KEY: optionalString,
  BILLING_CALLBACK_URL: optionalUrl,
  SESSION_SECRET: optionalString,
  SECRETS_KEY: optionalString,
  JOB_CONCURRENCY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64).default(4)),
  JOB_LEASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(3_600_000).default(30_000)),
  JOB_POLL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(60_000).default(1000)),
  JOB_MAX_ATTEMPTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(15)),
  JOB_BACKOFF_BASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(600_000).default(2000)),
  JOB_BACKOFF_CAP_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400_000).default(600_000)),
  ENGINE_OUTAGE_RETRY_CAP_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400_000).default(60_000)),
  JOB_WORKER: flag(true),
  VM_NAME_PREFIX: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be a letter then up to 15 letters, digits, _ or -')
      .default('vps-'),
  ),
  PROVISION_CREATE_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(1_800_000)),
  PROVISION_BOOT_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(600_000)),
  PROVISION_SHUTDOWN_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(120_000)),
  PROVISION_POLL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(60_000).default(2000)),
  ACTION_LIMIT_PER_SERVICE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10_000).default(10)),
  ACTION_LIMIT_WINDOW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(600)),
  CAPACITY_VCPU_RATIO: z.preprocess(emptyAsUndefined, z.coerce.number().positive().max(64).default(4)),
  CAPACITY_HOST_RESERVE_MIB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(0)),
  CAPACITY_FAILOVER_HOSTS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(8).default(1)),
  CAPACITY_CACHE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(600_000).default(10_000)),
  DRIFT_SWEEP_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).default(300_000)),
  EVENT_SYNC: flag(true),
  EVENT_POLL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(600_000).default(5000)),
  VM_RECONCILE_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(86_400).default(60)),
  CLIENT_SESSION_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1440).default(120)),
  // Providers keep their infrastructure's names to themselves unless they choose to show them.
  CLIENT_HOST_NAMES: z.preprocess(emptyAsUndefined, z.enum(['show', 'hide']).default('hide')),
  ADMIN_IDLE_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1440).default(30)),
  ADMIN_SESSION_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(168).default(12)),
  ADMIN_LOGIN_MAX_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100).default(5)),
  WEBHOOK_MAX_WAITING: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1_000_000).default(2000)),
  WEBHOOK_RETENTION_DAYS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(7, 'must be at least 7 (the panel retries for days)').max(3650).default(30),
  ),
  JOB_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(3650).default(30)),
  SIMULATOR_SCENARIO: z.preprocess(emptyAsUndefined, z.string().min(1).default('demo')),
  SIMULATOR_SPEED: z.preprocess(emptyAsUndefined, z.coerce.number().positive().max(1000).default(1)),
  SIMULATOR_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(0)),
  JSON_BODY_LIMIT: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+(b|kb|mb)$/i)
      .default('32kb'),
  ),
  TRUST_PROXY: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  HTTP_MAX_HEADER_BYTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(4096).max(262_144).default(16_384)),
  // Request limits: 0 is off (benches and test suites send thousands of requests from one address).
  RATE_LIMIT_WINDOW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(60)),
  RATE_LIMIT_WEBHOOKS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(1_000_000).default(1200)),
  RATE_LIMIT_API: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(1_000_000).default(1200)),
  RATE_LIMIT_AUTH_FAILURES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(100_000).default(20)),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(86_400).default(900)),
  METRICS_TOKEN: optionalString,
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  SHUTDOWN_GRACE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(600_000).default(25_000)),
});

type Env = Record<string, string | undefined>;

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

/** Parses a DATABASE_URL of the form `sqlite:<path>`, `sqlite::memory:` or `mysql://user:pass@host:port/db`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const rest = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (rest === '') throw new Error('DATABASE_URL sqlite: needs a file path, or :memory:');
    return { client: 'sqlite', filename: rest === ':memory:' ? ':memory:' : path.resolve(rest), url };
  }
  if (/^(mysql|mariadb):\/\//.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('DATABASE_URL is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new Error('DATABASE_URL mysql:// needs a host');
    if (!database) throw new Error('DATABASE_URL mysql:// needs a database name after the host, e.g. /ovirt_ha_bridge');
    return {
      client: 'mysql',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username || 'root'),
      password: decodeURIComponent(parsed.password),
      database,
      url,
    };
  }
  throw new Error('DATABASE_URL must start with sqlite: or mysql:// (e.g. sqlite:data/bridge.sqlite)');
}

/** The URL with its password hidden, for banners and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const SECRET_NAMES = ['WEBHOOK_SECRET', 'BILLING_API_KEY', 'SESSION_SECRET', 'SECRETS_KEY'] as const;

function generateSecret(name: (typeof SECRET_NAMES)[number]): string {
  return name === 'WEBHOOK_SECRET' ? `whsec_${randomBytes(32).toString('base64')}` : randomBytes(32).toString('hex');
}

/**
 * Builds the Config from an environment. Throws ConfigError listing every problem.
 * Outside production, missing secrets are generated for this run (and named in `generatedSecrets`).
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const warnings: string[] = [];
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';

  let database: DatabaseTarget | undefined;
  try {
    database = parseDatabaseUrl(e.DATABASE_URL);
  } catch (err) {
    problems.push((err as Error).message);
  }

  const secrets: Record<(typeof SECRET_NAMES)[number], string> = {
    WEBHOOK_SECRET: '',
    BILLING_API_KEY: '',
    SESSION_SECRET: '',
    SECRETS_KEY: '',
  };
  const generatedSecrets: string[] = [];
  for (const name of SECRET_NAMES) {
    const value = e[name];
    if (value === undefined) {
      if (isProduction) problems.push(`${name} is required in production`);
      else {
        secrets[name] = generateSecret(name);
        generatedSecrets.push(name);
      }
      continue;
    }
    const weakness = secretWeakness(name, value);
    // A malformed webhook secret or encryption key cannot be used at all, so those are refused everywhere.
    if (weakness && (isProduction || name === 'WEBHOOK_SECRET' || name === 'SECRETS_KEY')) problems.push(weakness);
    else if (weakness) warnings.push(`${weakness} (accepted outside production)`);
    secrets[name] = value;
  }
  if (e.CALLBACK_SECRET !== undefined) {
    const weakness = secretWeakness('CALLBACK_SECRET', e.CALLBACK_SECRET);
    if (weakness) problems.push(weakness);
  }
  if (e.METRICS_TOKEN !== undefined) {
    // Optional (loopback-only without it), but once set it guards process and business figures like any secret.
    const weakness = secretWeakness('METRICS_TOKEN', e.METRICS_TOKEN);
    if (weakness && isProduction) problems.push(weakness);
    else if (weakness) warnings.push(`${weakness} (accepted outside production)`);
  }

  if (isProduction) {
    if (!e.OVIRT_URL) problems.push('OVIRT_URL is required in production (the bundled simulator is for trials and tests)');
    if (e.OVIRT_URL && !e.OVIRT_PASSWORD) problems.push('OVIRT_PASSWORD is required when OVIRT_URL is set');
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL is required in production (links sent to customers use it)');
    if (database?.client === 'sqlite') warnings.push('SQLite in production runs one instance only; use MariaDB/MySQL to run several');
  }
  if (e.OVIRT_CA_FILE && !existsSync(e.OVIRT_CA_FILE)) problems.push(`OVIRT_CA_FILE ${e.OVIRT_CA_FILE} does not exist`);
  if (e.OVIRT_INSECURE) {
    if (isProduction) problems.push('OVIRT_INSECURE=true is refused in production; give the engine CA in OVIRT_CA_FILE');
    else warnings.push('OVIRT_INSECURE=true: the engine TLS certificate is NOT verified (labs only)');
  }

  if (problems.length > 0 || !database) throw new ConfigError(problems);

  const config: Config = {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    database,
    ovirt: {
      url: e.OVIRT_URL,
      username: e.OVIRT_USERNAME,
      password: e.OVIRT_PASSWORD,
      caFile: e.OVIRT_CA_FILE,
      insecure: e.OVIRT_INSECURE,
      timeoutMs: e.OVIRT_TIMEOUT_MS,
      maxInFlight: e.OVIRT_MAX_IN_FLIGHT,
      readRetries: e.OVIRT_READ_RETRIES,
    },
    secrets: {
      webhook: secrets.WEBHOOK_SECRET,
      callback: e.CALLBACK_SECRET ?? secrets.WEBHOOK_SECRET,
      billingApiKey: secrets.BILLING_API_KEY,
      session: secrets.SESSION_SECRET,
      encryptionKey: secrets.SECRETS_KEY,
    },
    billing: { callbackUrl: e.BILLING_CALLBACK_URL, maxWaiting: e.WEBHOOK_MAX_WAITING },
    jobs: {
      concurrency: e.JOB_CONCURRENCY,
      leaseMs: e.JOB_LEASE_MS,
      pollMs: e.JOB_POLL_MS,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      backoffBaseMs: e.JOB_BACKOFF_BASE_MS,
      backoffCapMs: e.JOB_BACKOFF_CAP_MS,
      outageCapMs: e.ENGINE_OUTAGE_RETRY_CAP_MS,
      workerEnabled: e.JOB_WORKER,
    },
    provisioning: {
      vmNamePrefix: e.VM_NAME_PREFIX,
      createTimeoutMs: e.PROVISION_CREATE_TIMEOUT_MS,
      bootTimeoutMs: e.PROVISION_BOOT_TIMEOUT_MS,
      shutdownTimeoutMs: e.PROVISION_SHUTDOWN_TIMEOUT_MS,
      pollMs: e.PROVISION_POLL_MS,
    },
    actions: { limitPerService: e.ACTION_LIMIT_PER_SERVICE, limitWindowSeconds: e.ACTION_LIMIT_WINDOW_SECONDS },
    capacity: {
      vcpuRatio: e.CAPACITY_VCPU_RATIO,
      hostMemoryReserveMib: e.CAPACITY_HOST_RESERVE_MIB,
      failoverHosts: e.CAPACITY_FAILOVER_HOSTS,
      cacheMs: e.CAPACITY_CACHE_MS,
      driftSweepMs: e.DRIFT_SWEEP_MS,
    },
    events: { syncEnabled: e.EVENT_SYNC, pollMs: e.EVENT_POLL_MS, vmReconcileMs: e.VM_RECONCILE_SECONDS * 1000 },
    client: {
      sessionTtlSeconds: e.CLIENT_SESSION_MINUTES * 60,
      secureCookies: (e.PUBLIC_URL ?? '').startsWith('https:'),
      hostNames: e.CLIENT_HOST_NAMES === 'show',
    },
    admin: {
      idleMinutes: e.ADMIN_IDLE_MINUTES,
      sessionHours: e.ADMIN_SESSION_HOURS,
      maxFailuresPerAccount: e.ADMIN_LOGIN_MAX_FAILURES,
      // One address may mistype a few accounts; a guesser sweeping accounts from one address is stopped.
      maxFailuresPerAddress: e.ADMIN_LOGIN_MAX_FAILURES * 4,
      windowMinutes: 15,
      secureCookies: (e.PUBLIC_URL ?? '').startsWith('https:'),
    },
    retention: { webhookDays: e.WEBHOOK_RETENTION_DAYS, jobDays: e.JOB_RETENTION_DAYS },
    simulator: { scenario: e.SIMULATOR_SCENARIO, speed: e.SIMULATOR_SPEED, port: e.SIMULATOR_PORT },
    http: { jsonLimit: e.JSON_BODY_LIMIT, trustProxy: e.TRUST_PROXY, maxHeaderBytes: e.HTTP_MAX_HEADER_BYTES },
    rateLimits: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      webhooks: e.RATE_LIMIT_WEBHOOKS,
      api: e.RATE_LIMIT_API,
      authFailures: e.RATE_LIMIT_AUTH_FAILURES,
      authWindowSeconds: e.RATE_LIMIT_AUTH_WINDOW_SECONDS,
    },
    metrics: { token: e.METRICS_TOKEN },
    log: { level: e.LOG_LEVEL },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    generatedSecrets,
    warnings,
  };
  return Object.freeze(config);
}

/**
 * The process environment, with a local `.env` file applied first when one exists (for development; production
 * sets real environment variables, which win over the file).
 */
export function readProcessEnvironment(cwd = process.cwd()): Env {
  const file = path.join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}
