/**
 * The client area's usage panel: CPU, memory and network now, each with a small bar chart of the engine's
 * recent history as ready SVG geometry (views/partials/client-vps-usage.hbs draws one `<rect>` a sample), in the
 * manner of the 90-day uptime chart (client-area-chart.ts). No script: the page works without JavaScript.
 */
import type { VpsUsage } from '../../use-cases/vps-access';

export interface UsageBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** `<title>` tooltip: `12 % · 3 min ago`. */
  tooltip: string;
}

export interface UsageChart {
  id: string;
  label: string;
  /** The figure now: `12 %`, `1.2 of 4 GiB (30 %)`, or `—` when the engine gave none. */
  nowText: string;
  viewBox: string;
  bars: UsageBar[];
  ariaLabel: string;
  /** `Last 20 min` over the samples shown. */
  spanText: string;
}

export interface UsagePanel {
  available: true;
  running: boolean;
  uptimeText: string | null;
  charts: UsageChart[];
  /** Traffic and disk rates now, as text: `in 1.2 Mbit/s · out 310 kbit/s`. */
  rates: Array<{ label: string; value: string }>;
  note: string;
}

export interface UsageUnavailable {
  available: false;
  message: string;
}

/** The engine keeps one value every 30 s (use-cases/vps-access.ts). */
const SAMPLE_SECONDS = 30;
/** At most this many samples a chart (20 minutes): small enough for a phone, long enough to see a trend. */
const MAX_SAMPLES = 40;
const BAR_WIDTH = 4;
const BAR_GAP = 1;
const CHART_HEIGHT = 32;
/** A sample at 0 % still shows a hairline, so "idle" reads differently from "no sample". */
const MIN_BAR = 0.75;

function clampPercent(v: number): number {
  return Math.min(100, Math.max(0, v));
}

function roundPercent(v: number | null): string {
  return v === null ? '—' : `${Math.round(clampPercent(v))} %`;
}

function ago(seconds: number): string {
  if (seconds === 0) return 'now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} min ago`;
}

function gib(bytes: number): string {
  const g = bytes / 1024 ** 3;
  return g >= 10 ? g.toFixed(0) : g.toFixed(1);
}

/** A rate in bytes per second as people read network speeds (bits) or disk speeds (bytes). */
function rate(bytesPerSecond: number | null, unit: 'bit' | 'B'): string {
  if (bytesPerSecond === null) return '—';
  const v = unit === 'bit' ? bytesPerSecond * 8 : bytesPerSecond;
  const steps = unit === 'bit' ? ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s'] : ['B/s', 'kB/s', 'MB/s', 'GB/s'];
  let i = 0;
  let n = v;
  while (n >= 1000 && i < steps.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${steps[i] ?? ''}`;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min`;
}

/** One chart from a history list (newest first, as the engine gives it); drawn oldest left, newest right. */
export function usageChart(id: string, label: string, nowText: string, historyNewestFirst: readonly number[]): UsageChart {
  const samples = historyNewestFirst.slice(0, MAX_SAMPLES);
  const step = BAR_WIDTH + BAR_GAP;
  const width = MAX_SAMPLES * step - BAR_GAP;
  // Right-aligned: the newest sample is always the last slot, however few there are.
  const offset = MAX_SAMPLES - samples.length;
  const bars = [...samples].reverse().map((value, i): UsageBar => {
    const height = Math.max(MIN_BAR, (clampPercent(value) / 100) * CHART_HEIGHT);
    const age = (samples.length - 1 - i) * SAMPLE_SECONDS;
    return {
      x: (offset + i) * step,
      y: Math.round((CHART_HEIGHT - height) * 100) / 100,
      width: BAR_WIDTH,
      height: Math.round(height * 100) / 100,
      tooltip: `${roundPercent(value)} · ${ago(age)}`,
    };
  });
  const span = samples.length * SAMPLE_SECONDS;
  const peak = samples.length ? Math.max(...samples.map(clampPercent)) : null;
  return {
    id,
    label,
    nowText,
    viewBox: `0 0 ${width} ${CHART_HEIGHT}`,
    bars,
    ariaLabel: samples.length
      ? `${label} over the last ${duration(span)}: now ${nowText}, at most ${roundPercent(peak)}.`
      : `${label}: no history yet.`,
    spanText: samples.length ? `Last ${duration(span)}` : 'No history yet',
  };
}

/** The usage panel of a VPS from what VpsAccess.usage read. */
export function presentUsagePanel(u: VpsUsage): UsagePanel {
  const mem = u.memory;
  const memNow =
    mem.usedBytes !== null && mem.installedBytes
      ? `${gib(mem.usedBytes)} of ${gib(mem.installedBytes)} GiB (${roundPercent(mem.percent)})`
      : roundPercent(mem.percent);
  return {
    available: true,
    running: u.running,
    uptimeText: u.running && u.uptimeSeconds !== null ? `Running for ${duration(u.uptimeSeconds)}` : null,
    charts: [
      usageChart('cpu', 'CPU', roundPercent(u.cpu.percent), u.cpu.history),
      usageChart('memory', 'Memory', memNow, mem.history),
      usageChart('network', 'Network', roundPercent(u.network.percent), u.network.history),
    ],
    rates: [
      {
        label: 'Network now',
        value: `in ${rate(u.network.io.rxBytesPerSecond, 'bit')} · out ${rate(u.network.io.txBytesPerSecond, 'bit')}`,
      },
      { label: 'Disk now', value: `read ${rate(u.disk.readBytesPerSecond, 'B')} · write ${rate(u.disk.writeBytesPerSecond, 'B')}` },
    ],
    note: u.running
      ? 'As the virtualisation platform measures it, one sample every 30 seconds; network is the share of the virtual network card\u2019s speed.'
      : 'Your VPS is not running, so it uses nothing now.',
  };
}

/** What the panel says when usage cannot be read (no engine, no VM yet, the engine away). */
export function usageUnavailable(message = 'Usage cannot be read right now; try again in a minute.'): UsageUnavailable {
  return { available: false, message };
}
