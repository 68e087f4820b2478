/** deploy/grafana-dashboard.json and the README's Metrics table stay in step with the series the bridge registers. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createMetrics, METRIC_PREFIX } from '../../server/metrics/registry';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: Array<{ expr: string; datasource: { uid: string } }>;
}

describe('the Grafana dashboard and the Metrics docs', () => {
  const dashboard = JSON.parse(read('deploy/grafana-dashboard.json')) as {
    schemaVersion: number;
    __inputs: Array<{ name: string; pluginId: string }>;
    panels: Panel[];
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const metrics = createMetrics();
  metrics.ensureProcessMetrics();
  const registered = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
  const ours = [...registered].filter((n) => n.startsWith(METRIC_PREFIX));

  test('it reads a Prometheus data source chosen at import', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.__inputs).toEqual([expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' })]);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid).toBe('${DS_PROMETHEUS}');
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  test('every series a panel queries exists, and every bridge series has a panel', () => {
    const queried = new Set(
      exprs.flatMap((e) =>
        [...e.matchAll(/\b((?:ovirt_ha_bridge|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, '')),
      ),
    );
    expect([...queried].filter((n) => !registered.has(n))).toEqual([]);
    expect(ours.filter((n) => !queried.has(n))).toEqual([]);
  });

  test('the README names every bridge series', () => {
    const readme = read('README.md');
    expect(ours.filter((n) => !readme.includes(`\`${n.slice(METRIC_PREFIX.length)}\``))).toEqual([]);
  });
});
