/**
 * What readiness checks: the database (required: without it nothing works) and the engine (not required: orders
 * queue while it is away). Each says what is wrong in words safe for anyone, since readiness is public.
 */
import type { Knex } from 'knex';
import type { Logger } from '../logger';
import { type OvirtClient, OvirtError } from '../ovirt/index';
import type { ReadinessCheck } from './readiness';

export function databaseCheck(knex: Knex, logger: Logger): ReadinessCheck {
  return {
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
  };
}

export function engineCheck(ovirt: OvirtClient | undefined, logger: Logger): ReadinessCheck {
  return {
    name: 'engine',
    // The engine being away does not stop us taking orders (they queue), so it does not fail readiness.
    required: false,
    run: async () => {
      if (!ovirt) return { ok: false, detail: 'no oVirt engine configured' };
      try {
        const info = await ovirt.getEngineInfo({ timeoutMs: 2500 });
        return { ok: true, privateDetail: `${info.productName} ${info.version}`.trim() };
      } catch (err) {
        // Each engine error has a publicDetail that says what is wrong (no engine at the URL, credentials refused,
        // connection refused, DNS, TLS, …) without the engine's host, the user or a password.
        if (err instanceof OvirtError) return { ok: false, detail: err.publicDetail };
        logger.warn({ err }, 'readiness: engine check failed');
        return { ok: false, detail: 'the engine check failed' };
      }
    },
  };
}
