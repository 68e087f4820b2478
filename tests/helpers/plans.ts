/** A valid plan body in the documented JSON shape; tests vary one field at a time from it. */
export function planBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    product_id: '7',
    name: 'VPS HA M',
    template: 'debian-12',
    cluster: 'Default',
    vcpus: 2,
    memory_mib: 4096,
    ha: { enabled: true, priority: 50 },
    sla: {
      target_percent: 99.9,
      credit_tiers: [
        { below_percent: 99.9, credit_percent: 5 },
        { below_percent: 99.5, credit_percent: 10 },
      ],
    },
    ...overrides,
  };
}
