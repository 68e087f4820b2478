/**
 * The one place that reads the environment (the parts live in config/): one zod schema parses it into a frozen,
 * typed Config, and every problem is reported at once.
 */
export { ConfigError, loadConfig, readProcessEnvironment } from './config/load';
export { type Config, ENVIRONMENT_VARIABLES } from './config/schema';
export { type DatabaseTarget, parseDatabaseUrl, redactUrl } from './config/database-url';
export { secretWeakness } from './config/secrets';
