/** IP pool bodies and service rows for the IP pool suites. */
import type { Knex } from 'knex';
import { PlansRepository } from '../../server/repositories/plans';
import { seedPlan, seedServices } from './seed';

/** A valid IPv4 pool body in the documented JSON shape; tests vary one field at a time from it. */
export function ipv4PoolBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'pub-v4',
    cluster: 'Default',
    network: 'ovirtmgmt',
    cidr: '192.0.2.0/24',
    gateway: '192.0.2.1',
    dns: ['192.0.2.53'],
    ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
    ...overrides,
  };
}

export function ipv6PoolBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'pub-v6',
    cluster: 'Default',
    network: 'ovirtmgmt',
    cidr: '2001:db8:1::/48',
    gateway: 'fe80::1',
    dns: ['2001:db8::53'],
    ...overrides,
  };
}

/**
 * Inserts one plan and `count` services on it (rows only, no jobs) through the repositories (helpers/seed.ts),
 * returning the services' row ids in order; their billing ids are `${prefix}-<n>`.
 */
export async function insertServices(knex: Knex, count: number, prefix = 'svc'): Promise<number[]> {
  const now = new Date('2026-12-01T00:00:00Z');
  const plan =
    (await new PlansRepository(knex).findByProductId('ip-test')) ?? (await seedPlan(knex, { productId: 'ip-test', name: 'IP test' }, now));
  return (await seedServices(knex, count, { prefix, planId: plan.id }, now)).map((s) => s.id);
}
