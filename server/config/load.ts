/** Reading the environment: the process's own, or a `.env` file for development, parsed by the one schema. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Config, configSchema } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Builds the Config from an environment. Throws ConfigError listing every problem at once, so an operator fixes them
 * in one pass rather than one restart per mistake. Outside production, missing secrets are generated for this run.
 */
export function loadConfig(env: Env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    // A variable's own problem names it; a check across variables says which in its message.
    throw new ConfigError(
      parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)),
    );
  }
  return Object.freeze(parsed.data);
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
