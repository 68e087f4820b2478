/**
 * A deliberately naive second implementation of the capacity rules, for brute-force comparison: plain arrays, a
 * full scan of every host for every VM, every k-subset enumerated, new VMs added one by one. It shares no code with
 * server/capacity beyond the input types. (No max_scheduling_memory: the generators do not produce it.)
 *
 * Memory is the engine's: each VM takes its memory plus the engine's overhead (x86, VGA, one I/O thread:
 * memory/512 + 64 + 16 + 8 per vCPU + 8 MiB), and each host loses 321 MiB reserved plus 65 MiB guest overhead.
 */
import type { ClusterInventory, PlanShape } from '../../../server/capacity';

interface RefVm {
  id: string;
  name: string;
  host: number;
  mem: number;
  cpu: number;
  ha: boolean;
  prio: number;
}
export interface RefState {
  names: string[];
  ids: string[];
  up: boolean[];
  freeMem: number[];
  freeCpu: number[];
  vms: RefVm[];
}

const OCCUPYING = new Set([
  'up',
  'powering_up',
  'wait_for_launch',
  'reboot_in_progress',
  'paused',
  'migrating',
  'saving_state',
  'restoring_state',
  'powering_down',
  'not_responding',
  'unknown',
]);

const MiB = 1024 * 1024;
/** ovirt-engine `VmOverheadCalculatorImpl` with the 4.5 Blank template's devices, written out independently. */
export const refNeed = (mem: number, cpu: number): number => mem + (Math.floor(Math.floor(mem / MiB) / 512) + 88 + 8 * cpu) * MiB;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function refState(inv: ClusterInventory, reserve = 0, ratio = 4): RefState {
  const c = inv.cluster;
  const s: RefState = { names: [], ids: [], up: [], freeMem: [], freeCpu: [], vms: [] };
  inv.hosts.forEach((h) => {
    s.names.push(h.name);
    s.ids.push(h.id);
    s.up.push(h.status === 'up');
    s.freeMem.push(Math.max(0, Math.floor((h.memoryBytes * c.memoryOverCommitPercent) / 100) - 386 * MiB - reserve));
    const cores = h.cpu.sockets * h.cpu.coresPerSocket * (c.threadsAsCores ? h.cpu.threadsPerCore : 1);
    s.freeCpu.push(Math.floor(cores * ratio));
  });
  for (const v of inv.vms) {
    const host = inv.hosts.findIndex((h) => h.id === v.hostId);
    if (host < 0 || !OCCUPYING.has(v.status)) continue;
    const mem = refNeed(v.memoryBytes, v.vcpus);
    s.vms.push({ id: v.id, name: v.name, host, mem, cpu: v.vcpus, ha: v.ha.enabled, prio: v.ha.priority });
    s.freeMem[host] = (s.freeMem[host] ?? 0) - mem;
    s.freeCpu[host] = (s.freeCpu[host] ?? 0) - v.vcpus;
  }
  return s;
}

/** The scheduler's pick: most free memory, then most free vCPUs, then name, then id; -1 when nothing fits. */
export function refPick(s: RefState, mem: number, cpu: number, freeMem: number[], freeCpu: number[], excluded: Set<number>): number {
  let best = -1;
  for (let h = 0; h < s.names.length; h++) {
    if (!s.up[h] || excluded.has(h)) continue;
    if ((freeMem[h] ?? 0) < mem || (freeCpu[h] ?? 0) < cpu) continue;
    if (best < 0) {
      best = h;
      continue;
    }
    const dm = (freeMem[h] ?? 0) - (freeMem[best] ?? 0);
    const dc = (freeCpu[h] ?? 0) - (freeCpu[best] ?? 0);
    const better =
      dm !== 0 ? dm > 0 : dc !== 0 ? dc > 0 : (cmp(s.names[h] ?? '', s.names[best] ?? '') || cmp(s.ids[h] ?? '', s.ids[best] ?? '')) < 0;
    if (better) best = h;
  }
  return best;
}

/** Restart simulation: returns vm id -> target host name, or null when it does not restart. */
export function refSimulate(s: RefState, failed: number[]): Map<string, string | null> {
  const failedSet = new Set(failed);
  const freeMem = [...s.freeMem];
  const freeCpu = [...s.freeCpu];
  const queue = s.vms
    .filter((v) => v.ha && failedSet.has(v.host))
    .sort((a, b) => b.prio - a.prio || b.mem - a.mem || b.cpu - a.cpu || cmp(a.name, b.name) || cmp(a.id, b.id));
  const out = new Map<string, string | null>();
  for (const v of queue) {
    const t = refPick(s, v.mem, v.cpu, freeMem, freeCpu, failedSet);
    if (t < 0) {
      out.set(v.id, null);
      continue;
    }
    freeMem[t] = (freeMem[t] ?? 0) - v.mem;
    freeCpu[t] = (freeCpu[t] ?? 0) - v.cpu;
    out.set(v.id, s.names[t] ?? '');
  }
  return out;
}

function subsets(items: number[], k: number): number[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...subsets(rest, k - 1).map((x) => [first ?? -1, ...x]), ...subsets(rest, k)];
}

/** Exact N+k: every subset of min(k, up) up hosts restarts all its HA VMs. */
export function refNPlusK(s: RefState, k: number): boolean {
  const up = s.names.map((_, i) => i).filter((i) => s.up[i]);
  if (up.length === 0) return false;
  return subsets(up, Math.min(k, up.length)).every((f) => [...refSimulate(s, f).values()].every((t) => t !== null));
}

/** Brute-force headroom: add VPS one by one where the scheduler puts them; stop at the first that breaks. */
export function refHeadroom(s: RefState, shape: PlanShape, k: number, limit: number): number {
  const state: RefState = { ...s, freeMem: [...s.freeMem], freeCpu: [...s.freeCpu], vms: [...s.vms] };
  let count = 0;
  while (count < limit) {
    const need = refNeed(shape.memoryBytes, shape.vcpus);
    const t = refPick(state, need, shape.vcpus, state.freeMem, state.freeCpu, new Set());
    if (t < 0) break;
    state.freeMem[t] = (state.freeMem[t] ?? 0) - need;
    state.freeCpu[t] = (state.freeCpu[t] ?? 0) - shape.vcpus;
    state.vms.push({
      id: `new-${count}`,
      name: `new-${count}`,
      host: t,
      mem: need,
      cpu: shape.vcpus,
      ha: shape.ha.enabled,
      prio: shape.ha.priority,
    });
    if (shape.ha.enabled && !refNPlusK(state, k)) break;
    count += 1;
  }
  return count;
}
