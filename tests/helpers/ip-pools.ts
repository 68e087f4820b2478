/** IP pool bodies and service rows for the IP pool suites. */
import type { Knex } from 'knex';

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
 * Inserts one plan and `count` services on it (rows only, no jobs), returning the services' row ids in order; their
 * billing ids are `${prefix}-<n>`.
 */
export async function insertServices(knex: Knex, count: number, prefix = 'svc'): Promise<number[]> {
  const now = new Date('2026-12-01T00:00:00Z');
  let plan = await knex('plans').where({ product_id: 'ip-test' }).first<{ id: number } | undefined>();
  if (!plan) {
    await knex('plans').insert({
      product_id: 'ip-test',
      name: 'IP test',
      template: 'debian-12',
      cluster: 'Default',
      vcpus: 1,
      memory_mib: 1024,
      ha_enabled: true,
      ha_priority: 50,
      sla_target_percent: 99.9,
      sla_credit_tiers: '[]',
      created_at: now,
      updated_at: now,
    });
    plan = await knex('plans').where({ product_id: 'ip-test' }).first<{ id: number }>();
  }
  const ids: number[] = [];
  for (let start = 0; start < count; start += 200) {
    const rows = Array.from({ length: Math.min(200, count - start) }, (_, i) => ({
      billing_service_id: `${prefix}-${start + i + 1}`,
      client_id: 'c1',
      plan_id: Number(plan!.id),
      desired_state: 'active',
      actual_state: 'pending',
      created_at: now,
      updated_at: now,
    }));
    await knex('services').insert(rows);
  }
  const stored = await knex('services').where('billing_service_id', 'like', `${prefix}-%`).select('id', 'billing_service_id');
  const byBilling = new Map(stored.map((r: { id: number; billing_service_id: string }) => [r.billing_service_id, Number(r.id)]));
  for (let i = 1; i <= count; i++) ids.push(byBilling.get(`${prefix}-${i}`)!);
  return ids;
}
