/**
 * Composition root: builds the database handle, repositories and services once and wires them together.
 * Nothing else constructs collaborators, so tests can build the same graph with a test config and clock.
 */
import { AdminTokens } from './auth/admin-tokens';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createKnex, type Knex } from './db/knex';
import { createLogger, type Logger } from './logger';
import { createOvirtClient, type EngineTarget, OvirtAuthError, type OvirtClient } from './ovirt';
import { PlansRepository } from './repositories/plans';
import { ServicesRepository } from './repositories/services';
import { PlanService } from './services/plans';
import { ReadinessProbe } from './services/readiness';

export interface Container {
  config: Config;
  logger: Logger;
  clock: Clock;
  knex: Knex;
  adminTokens: AdminTokens;
  readiness: ReadinessProbe;
  plans: PlanService;
  /** The engine client; undefined when no engine is configured (tests of engine-free parts). */
  ovirt: OvirtClient | undefined;
  engine: EngineTarget | undefined;
  /** Releases the database pool; call once, after the HTTP server has closed. */
  close(): Promise<void>;
}

/** The configured engine, if any, as a client target. */
export function configuredEngine(config: Config): EngineTarget | undefined {
  const { url, username, password, caFile, insecure, timeoutMs, maxInFlight, readRetries } = config.ovirt;
  if (!url) return undefined;
  return { url, username, password: password ?? '', caFile, insecure, timeoutMs, maxInFlight, readRetries };
}

export function createContainer(
  config: Config,
  overrides: { logger?: Logger; clock?: Clock; knex?: Knex; engine?: EngineTarget } = {},
): Container {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const clock = overrides.clock ?? systemClock;
  const knex = overrides.knex ?? createKnex(config.database);

  const engine = overrides.engine ?? configuredEngine(config);
  const ovirt = engine ? createOvirtClient(engine, logger) : undefined;

  const plansRepo = new PlansRepository(knex);
  const servicesRepo = new ServicesRepository(knex);

  const readiness = new ReadinessProbe([
    {
      name: 'database',
      required: true,
      run: async () => {
        try {
          await knex.raw('select 1');
          return { ok: true };
        } catch (err) {
          logger.warn({ err }, 'readiness: database unreachable');
          return { ok: false, detail: 'database unreachable' };
        }
      },
    },
    {
      name: 'engine',
      // The engine being away does not stop us taking orders (they queue), so it does not fail readiness.
      required: false,
      run: async () => {
        if (!ovirt) return { ok: false, detail: 'no oVirt engine configured' };
        try {
          const info = await ovirt.getEngineInfo({ timeoutMs: 2500 });
          return { ok: true, detail: `${info.productName} ${info.version}`.trim() };
        } catch (err) {
          // Readiness is public: say why without echoing the engine URL or user name.
          if (err instanceof OvirtAuthError) return { ok: false, detail: 'the engine refused our credentials' };
          return { ok: false, detail: err instanceof Error ? err.message : 'engine unreachable' };
        }
      },
    },
  ]);

  return {
    config,
    logger,
    clock,
    knex,
    adminTokens: new AdminTokens(config.secrets.session, clock),
    readiness,
    plans: new PlanService({ plans: plansRepo, services: servicesRepo, clock }),
    ovirt,
    engine,
    close: async () => {
      await ovirt?.close();
      await knex.destroy();
    },
  };
}
