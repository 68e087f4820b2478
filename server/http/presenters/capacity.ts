/**
 * Capacity results as the admin API shows them: snake_case keys, memory in MiB beside bytes where people read it.
 * The model's result types are already the chosen fields; this only renames them for JSON.
 */
import type { FailoverPlacement, ReadinessReport, SellableHeadroom } from '../../capacity';
import type { Plan } from '../../domain/plan';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deep camelCase → snake_case of keys (values untouched). */
export function snakeKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = snakeKeys(v);
    }
    return out;
  }
  return (value ?? null) as Json;
}

export function presentReadiness(r: ReadinessReport) {
  return {
    cluster: r.cluster,
    verdict: r.verdict,
    findings: r.findings.map((f) => ({ check: f.check, status: f.status, message: f.message, fix: f.fix })),
    data_center: r.dataCenter,
    failover: snakeKeys(r.failover),
    hosts: snakeKeys(r.hosts),
    drift: snakeKeys(r.drift),
  };
}

export function presentWhatIf(cluster: string, p: FailoverPlacement) {
  return { cluster, ...(snakeKeys(p) as Record<string, Json>) };
}

export function presentHeadroom(list: Array<SellableHeadroom & { plan: Plan }>) {
  return {
    plans: list.map((h) => ({
      product_id: h.plan.productId,
      plan: h.plan.name,
      cluster: h.plan.cluster,
      ha: h.plan.ha.enabled,
      failover_gate: h.plan.failoverGate,
      headroom: h.count,
      at_least: h.atLeast,
      limited_by: h.limitedBy,
      message: h.message,
    })),
  };
}
