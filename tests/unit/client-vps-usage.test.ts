/** The client area's usage charts: geometry, order, clamping and the words beside them. */
import { presentUsagePanel, usageChart } from '../../server/http/view-models/client-vps-usage';

describe('usage charts', () => {
  test('when the engine gives a history newest first, then the newest bar is the last slot and heights follow the percent', () => {
    const chart = usageChart('cpu', 'CPU', '30 %', [30, 10, 0, 100]);
    expect(chart.bars.map((b) => b.tooltip)).toEqual(['100 % · 2 min ago', '0 % · 1 min ago', '10 % · 30 s ago', '30 % · now']);
    const last = chart.bars[3];
    expect(last).toMatchObject({ x: 39 * 5, width: 4, height: 9.6, y: 22.4 });
    expect(chart.bars[0]).toMatchObject({ height: 32, y: 0 });
    // Idle still draws a hairline, so it reads differently from no sample at all.
    expect(chart.bars[1]?.height).toBeGreaterThan(0);
    expect(chart.spanText).toBe('Last 2 min');
    expect(chart.ariaLabel).toBe('CPU over the last 2 min: now 30 %, at most 100 %.');
  });

  test('when values are out of range or there are more than 40, then they are clamped and the oldest dropped', () => {
    const chart = usageChart(
      'network',
      'Network',
      '1 %',
      Array.from({ length: 50 }, (_, i) => (i === 0 ? 140 : -5)),
    );
    expect(chart.bars).toHaveLength(40);
    expect(chart.bars[39]).toMatchObject({ height: 32, tooltip: '100 % · now' });
    expect(usageChart('cpu', 'CPU', '—', []).ariaLabel).toBe('CPU: no history yet.');
  });

  test('when the VPS is stopped, then the panel says it uses nothing and shows no running time', () => {
    const panel = presentUsagePanel({
      billingServiceId: '1',
      at: new Date(),
      running: false,
      uptimeSeconds: 0,
      cpu: { percent: 0, history: [] },
      memory: { installedBytes: 4 * 1024 ** 3, usedBytes: 0, percent: 0, history: [] },
      network: {
        percent: null,
        history: [],
        io: { rxBytesPerSecond: 150_000, txBytesPerSecond: null, rxBytesTotal: null, txBytesTotal: null },
      },
      disk: { readBytesPerSecond: 2_500_000, writeBytesPerSecond: 0 },
    });
    expect(panel.uptimeText).toBeNull();
    expect(panel.note).toBe('Your VPS is not running, so it uses nothing now.');
    expect(panel.charts.map((c) => c.nowText)).toEqual(['0 %', '0.0 of 4.0 GiB (0 %)', '—']);
    expect(panel.rates).toEqual([
      { label: 'Network now', value: 'in 1.2 Mbit/s · out —' },
      { label: 'Disk now', value: 'read 2.5 MB/s · write 0 B/s' },
    ]);
  });
});
