/**
 * Composition root: builds the database handle, repositories and services once and wires them together.
 * Nothing else constructs collaborators, so tests can build the same graph with a test config and clock.
 */
import { AdminTokens } from './auth/admin-tokens';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createKnex, type Knex } from './db/knex';
import { createLogger, type Logger } from './logger';
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
  /** Releases the database pool; call once, after the HTTP server has closed. */
  close(): Promise<void>;
}

export function createContainer(config: Config, overrides: { logger?: Logger; clock?: Clock; knex?: Knex } = {}): Container {
  const logger = overrides.logger ?? createLogger(config.log.level);
  const clock = overrides.clock ?? systemClock;
  const knex = overrides.knex ?? createKnex(config.database);

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
  ]);

  return {
    config,
    logger,
    clock,
    knex,
    adminTokens: new AdminTokens(config.secrets.session, clock),
    readiness,
    plans: new PlanService({ plans: plansRepo, services: servicesRepo, clock }),
    close: () => knex.destroy(),
  };
}
