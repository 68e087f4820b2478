/**
 * The host picture of the console's cluster page: per host, a memory bar and a vCPU bar split into what its VMs use,
 * the HA reserve (the room the failover plan needs there when another host fails) and what is left free, with the
 * numbers beside them and a sentence for screen readers. Bars are SVG geometry computed here, so the page needs no
 * script and no inline style.
 */
import type { FailoverPlacement, HostCapacity, HostInventory } from '../../capacity';
import type { ClusterPicture } from '../../use-cases/capacity';

const GIB = 1024 ** 3;
/** Segment positions and widths are percentages of the host's schedulable total (SVG lengths, so patterns stay square). */
const SCALE = 100;

/** Bytes as GiB for people: one decimal at most, "40 GiB", "7.5 GiB". */
export function gib(bytes: number): string {
  const v = Math.round((bytes / GIB) * 10) / 10;
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} GiB`;
}

const vcpuText = (n: number) => `${n} vCPU${n === 1 ? '' : 's'}`;

/** The largest room any single-host failure needs on each surviving host, and which failure needs it. */
interface Reserve {
  memoryBytes: number;
  vcpus: number;
  /** The failed host whose HA VMs need the most memory here. */
  memoryFor: string | null;
  vcpusFor: string | null;
}

export function reservesByHost(failures: readonly FailoverPlacement[]): Map<string, Reserve> {
  const out = new Map<string, Reserve>();
  for (const f of failures) {
    const failed = f.failedHosts.map((h) => h.name).join(', ');
    for (const s of f.survivingHosts) {
      const r = out.get(s.id) ?? { memoryBytes: 0, vcpus: 0, memoryFor: null, vcpusFor: null };
      const mem = Math.max(0, s.freeMemoryBytesBefore - s.freeMemoryBytesAfter);
      const cpu = Math.max(0, s.freeVcpusBefore - s.freeVcpusAfter);
      if (mem > r.memoryBytes) Object.assign(r, { memoryBytes: mem, memoryFor: failed });
      if (cpu > r.vcpus) Object.assign(r, { vcpus: cpu, vcpusFor: failed });
      out.set(s.id, r);
    }
  }
  return out;
}

interface Segment {
  kind: 'used' | 'reserve' | 'free';
  x: number;
  width: number;
}

export interface BarView {
  label: string;
  segments: Segment[];
  used: string;
  reserve: string;
  reserveFor: string | null;
  free: string;
  total: string;
  /** Committed past the schedulable total: the amount over, else null. */
  over: string | null;
  summary: string;
}

/** One bar: used, reserve and free as shares of `total`; committed past the total fills the bar and is called out. */
export function bar(
  label: string,
  total: number,
  used: number,
  reserve: number,
  reserveFor: string | null,
  fmt: (n: number) => string,
): BarView {
  const usedPart = Math.min(Math.max(used, 0), total);
  const reservePart = Math.min(Math.max(reserve, 0), total - usedPart);
  const freePart = Math.max(0, total - usedPart - reservePart);
  const width = (n: number) => (total > 0 ? Math.round((n / total) * SCALE * 10) / 10 : 0);
  const segments: Segment[] = [];
  let x = 0;
  for (const [kind, amount] of [
    ['used', usedPart],
    ['reserve', reservePart],
    ['free', freePart],
  ] as const) {
    const w = width(amount);
    if (w > 0) segments.push({ kind, x, width: w });
    x += w;
  }
  const over = used > total ? fmt(used - total) : null;
  const reserveText =
    reservePart > 0 && reserveFor ? `${fmt(reservePart)} HA reserve (if ${reserveFor} fails)` : `${fmt(reservePart)} HA reserve`;
  const summary =
    `${label}: ${fmt(used)} used, ${reserveText}, ${fmt(freePart)} free, of ${fmt(total)}` +
    `${over ? `; over the schedulable total by ${over}` : ''}.`;
  return {
    label,
    segments,
    used: fmt(used),
    reserve: fmt(reservePart),
    reserveFor: reservePart > 0 ? reserveFor : null,
    free: fmt(freePart),
    total: fmt(total),
    over,
    summary,
  };
}

const HOST_TONE: Record<string, string> = { up: 'ok', maintenance: 'neutral', preparing_for_maintenance: 'warn' };

function powerManagement(host: HostInventory | undefined): { text: string; tone: string } {
  if (!host) return { text: 'not read', tone: 'neutral' };
  const { enabled, agentCount } = host.powerManagement;
  if (!enabled) return { text: 'power management off', tone: 'bad' };
  if (agentCount < 1) return { text: 'power management on, no fence agent', tone: 'bad' };
  return { text: `power management on, ${agentCount} fence agent${agentCount === 1 ? '' : 's'}`, tone: 'ok' };
}

export interface HostView {
  name: string;
  status: string;
  statusTone: string;
  spm: boolean;
  pm: { text: string; tone: string };
  vms: string;
  whatIfHref: string | null;
  memory: BarView;
  vcpus: BarView;
}

function hostView(cluster: string, cap: HostCapacity, inventory: HostInventory | undefined, reserve: Reserve | undefined): HostView {
  const m = cap.memory;
  const v = cap.vcpus;
  return {
    name: cap.hostName,
    status: cap.status.replace(/_/g, ' '),
    statusTone: HOST_TONE[cap.status] ?? 'bad',
    spm: inventory?.spm ?? false,
    pm: powerManagement(inventory),
    vms: `${cap.vmCount} VM${cap.vmCount === 1 ? '' : 's'}, ${cap.haVmCount} with HA`,
    whatIfHref: cap.up ? `/admin/clusters/${encodeURIComponent(cluster)}/what-if?hosts=${encodeURIComponent(cap.hostName)}` : null,
    memory: bar('Memory', m.schedulableBytes, m.committedBytes, reserve?.memoryBytes ?? 0, reserve?.memoryFor ?? null, gib),
    vcpus: bar('vCPUs', v.capacity, v.committed, reserve?.vcpus ?? 0, reserve?.vcpusFor ?? null, vcpuText),
  };
}

/** Every host of the picture, in the engine's order. */
export function presentHosts(cluster: string, p: ClusterPicture): HostView[] {
  const reserves = reservesByHost(p.singleFailures);
  const byId = new Map(p.hosts.map((h) => [h.id, h]));
  return p.report.hosts.map((cap) => hostView(cluster, cap, byId.get(cap.hostId), reserves.get(cap.hostId)));
}
