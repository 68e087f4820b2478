/**
 * The one schema of the environment: every variable, its default and its bounds (in the sections), and how the
 * whole becomes the Config. Checks that span variables (production needs secrets, an engine and a public URL) run
 * once every variable has its type, so their problems come after the per-variable ones.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type DatabaseTarget, parseDatabaseUrl } from './database-url';
import { capacity, events, ovirt, provisioning, simulator } from './engine-sections';
import { choice, type Derived, integer, optionalHttpUrl, text } from './fields';
import { checkMetricsToken, type Findings, resolveSecrets, secretVariables } from './secrets';
import { admin, client, http, log, metrics, rateLimits } from './web-sections';
import { actions, billing, jobs, retention } from './work-sections';

const variables = z.object({
  NODE_ENV: choice(['development', 'test', 'production'], 'development'),
  HOST: text('127.0.0.1'),
  PORT: integer(3000, { min: 0, max: 65535 }),
  PUBLIC_URL: optionalHttpUrl(),
  DATABASE_URL: text('sqlite:data/ovirt-ha-bridge.sqlite'),
  ...ovirt.variables,
  ...secretVariables,
  ...billing.variables,
  ...jobs.variables,
  ...provisioning.variables,
  ...actions.variables,
  ...capacity.variables,
  ...events.variables,
  ...client.variables,
  ...admin.variables,
  ...retention.variables,
  ...simulator.variables,
  ...http.variables,
  ...rateLimits.variables,
  ...metrics.variables,
  ...log.variables,
  SHUTDOWN_GRACE_MS: integer(25_000, { min: 0, max: 600_000 }),
});

/** Every environment variable the service reads (the docs test holds .env.example and the README to this list). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(variables.shape);

type Variables = z.output<typeof variables>;

/** The database, or a problem. */
function database(e: Variables, found: Findings): DatabaseTarget | undefined {
  try {
    return parseDatabaseUrl(e.DATABASE_URL);
  } catch (err) {
    found.problems.push((err as Error).message);
    return undefined;
  }
}

/** What production demands and what a lab may do with a warning. */
function checkDeployment(e: Variables, target: DatabaseTarget | undefined, isProduction: boolean, found: Findings): void {
  if (isProduction) {
    if (!e.OVIRT_URL) found.problems.push('OVIRT_URL is required in production (the bundled simulator is for trials and tests)');
    if (e.OVIRT_URL && !e.OVIRT_PASSWORD) found.problems.push('OVIRT_PASSWORD is required when OVIRT_URL is set');
    if (!e.PUBLIC_URL) found.problems.push('PUBLIC_URL is required in production (links sent to customers use it)');
    if (target?.client === 'sqlite') found.warnings.push('SQLite in production runs one instance only; use MariaDB/MySQL to run several');
  }
  if (e.OVIRT_CA_FILE && !existsSync(e.OVIRT_CA_FILE)) found.problems.push(`OVIRT_CA_FILE ${e.OVIRT_CA_FILE} does not exist`);
  if (e.OVIRT_INSECURE) {
    if (isProduction) found.problems.push('OVIRT_INSECURE=true is refused in production; give the engine CA in OVIRT_CA_FILE');
    else found.warnings.push('OVIRT_INSECURE=true: the engine TLS certificate is NOT verified (labs only)');
  }
}

/**
 * The environment in, the Config out. Outside production, missing secrets are generated for this run (and named in
 * `generatedSecrets`).
 */
export const configSchema = variables.transform((e, ctx) => {
  const isProduction = e.NODE_ENV === 'production';
  const found: Findings = { problems: [], warnings: [] };
  const target = database(e, found);
  const { secrets, generated } = resolveSecrets(e, isProduction, found);
  checkMetricsToken(e.METRICS_TOKEN, isProduction, found);
  checkDeployment(e, target, isProduction, found);
  if (found.problems.length > 0 || !target) {
    for (const message of found.problems) ctx.addIssue({ code: 'custom', message, input: e });
    return z.NEVER;
  }
  const derived: Derived = { https: (e.PUBLIC_URL ?? '').startsWith('https:') };
  return {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    database: target,
    ovirt: ovirt.read(e, derived),
    secrets,
    billing: billing.read(e, derived),
    jobs: jobs.read(e, derived),
    provisioning: provisioning.read(e, derived),
    actions: actions.read(e, derived),
    capacity: capacity.read(e, derived),
    events: events.read(e, derived),
    client: client.read(e, derived),
    admin: admin.read(e, derived),
    retention: retention.read(e, derived),
    simulator: simulator.read(e, derived),
    http: http.read(e, derived),
    rateLimits: rateLimits.read(e, derived),
    metrics: metrics.read(e, derived),
    log: log.read(e, derived),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    /** Names of secrets generated for this run because they were not configured (never in production). */
    generatedSecrets: generated as readonly string[],
    /** Non-fatal remarks for the start banner (weak secrets outside production, SQLite in production, …). */
    warnings: found.warnings as readonly string[],
  };
});

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The service's settings, read once at start. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
