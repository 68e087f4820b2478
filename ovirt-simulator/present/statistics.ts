import { nameUuid } from '../random';
import type { Engine } from '../world/engine';
import { VM_RUNNING_STATUSES, type Host, type Vm } from '../world/model';
import { Decimal, type Node, type Scalar } from '../wire/document';

interface StatDef {
  name: string;
  description: string;
  kind: 'gauge' | 'counter';
  type: 'integer' | 'decimal';
  unit: 'bytes' | 'percent' | 'seconds' | 'none' | 'bytes_per_second' | 'bits_per_second';
}

function statistic(def: StatDef, value: number | undefined, owner: { key: string; node: Node }, href: string): Node {
  const id = nameUuid(def.name);
  const datum: Scalar | undefined = value === undefined ? undefined : def.type === 'decimal' ? new Decimal(value) : Math.round(value);
  return {
    href: `${href}/statistics/${id}`,
    id,
    name: def.name,
    description: def.description,
    kind: def.kind,
    type: def.type,
    unit: def.unit,
    // A statistic without a value has an empty <values/> (docs/ovirt-api.md §8.5).
    values: datum === undefined ? {} : { value: [{ datum }] },
    [owner.key]: owner.node,
  };
}

/** A stable pseudo-load per entity so repeated reads agree (no wall-clock noise in tests). */
function load(id: string, salt: number): number {
  let h = salt;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return (h % 4000) / 100;
}

/** The engine's sampling interval for the `*.usage.history` lists (VDSM reports every 15 s; the engine keeps one per 30 s). */
const HISTORY_SLOT_MS = 30_000;
/** How many samples a history list holds at most (engine config UsageHistoryLimit, 40 by default). */
const HISTORY_LIMIT = 40;

/**
 * A running VM's load in one 30 s slot of simulated time: a level of its own, a slow swing and a little noise, so the
 * figures move as time passes (the same for every read within a slot, and the same in every run of a scenario).
 */
function loadAt(id: string, salt: number, slot: number): number {
  const level = load(id, salt);
  const swing = Math.sin((slot + level) / 7) * Math.min(level, 15);
  const noise = (load(`${id}:${slot}`, salt) / 40 - 0.5) * 6;
  return Math.round(Math.min(100, Math.max(0, level + swing + noise)) * 100) / 100;
}

/** A gauge statistic's definition (decimal unless said otherwise). */
function g(name: string, description: string, unit: StatDef['unit'], type: StatDef['type'] = 'decimal'): StatDef {
  return { name, description, kind: 'gauge', type, unit };
}

/** A statistic holding a list of values, newest first (the `*.usage.history` ones). */
function history(def: StatDef, values: number[], owner: { key: string; node: Node }, href: string): Node {
  const id = nameUuid(def.name);
  return {
    href: `${href}/statistics/${id}`,
    id,
    name: def.name,
    description: def.description,
    kind: def.kind,
    type: def.type,
    unit: def.unit,
    values: values.length === 0 ? {} : { value: values.map((v) => ({ datum: new Decimal(v) })) },
    [owner.key]: owner.node,
  };
}

/**
 * `/vms/{id}/statistics` (docs/ovirt-api.md §8.5): ids are the engine's name-derived UUIDs; `elapsed.time` is uptime. While the
 * VM runs, CPU, memory and network move with simulated time and the history lists fill one sample per 30 s since it
 * started (newest first); a VM that is down uses nothing and has no history.
 */
export function presentVmStatistics(engine: Engine, vm: Vm, base: string): Node[] {
  const href = `${base}/vms/${vm.id}`;
  const owner = { key: 'vm', node: { href, id: vm.id } };
  const running = VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown';
  const now = engine.clock.now();
  const slot = Math.floor(now / HISTORY_SLOT_MS);
  const uptime = running && vm.startTime !== undefined ? Math.max(0, Math.floor((now - vm.startTime) / 1000)) : 0;
  // Samples since the start (at least the current one), at most HISTORY_LIMIT, newest first.
  const samples = running ? Math.min(HISTORY_LIMIT, Math.floor((uptime * 1000) / HISTORY_SLOT_MS) + 1) : 0;
  const slots = Array.from({ length: samples }, (_, i) => slot - i);
  const cpuAt = (s: number) => loadAt(vm.id, 7, s);
  const memAt = (s: number) => Math.round((30 + loadAt(vm.id, 3, s)) * 100) / 100;
  const netAt = (s: number) => Math.round(loadAt(vm.id, 11, s)) / 10;
  const cpu = running ? cpuAt(slot) : 0;
  const used = running ? Math.floor((vm.memoryBytes * memAt(slot)) / 100) : 0;
  return [
    statistic(g('memory.installed', 'Total memory configured', 'bytes', 'integer'), vm.memoryBytes, owner, href),
    statistic(g('memory.used', 'Memory used (agent)', 'bytes', 'integer'), used, owner, href),
    statistic(g('memory.free', 'Memory free (agent)', 'bytes', 'integer'), running ? vm.memoryBytes - used : 0, owner, href),
    statistic(g('cpu.current.guest', 'CPU used by guest', 'percent'), cpu, owner, href),
    statistic(g('cpu.current.hypervisor', 'CPU overhead', 'percent'), running ? 0.5 : 0, owner, href),
    statistic(g('cpu.current.total', 'Total CPU used', 'percent'), running ? Math.min(100, cpu + 0.5) : 0, owner, href),
    statistic(g('migration.progress', 'Migration Progress', 'percent'), vm.status === 'migrating' ? 50 : 0, owner, href),
    statistic(g('network.current.total', 'Total network used', 'percent'), running ? netAt(slot) : 0, owner, href),
    statistic(
      { name: 'elapsed.time', description: 'Elapsed VM runtime', kind: 'counter', type: 'integer', unit: 'seconds' },
      uptime,
      owner,
      href,
    ),
    history(
      g('cpu.usage.history', 'List of CPU usage history, sorted by date from newest to oldest, at intervals of 30 seconds', 'percent'),
      slots.map(cpuAt),
      owner,
      href,
    ),
    history(
      g(
        'memory.usage.history',
        'List of memory usage history, sorted by date from newest to oldest, at intervals of 30 seconds',
        'percent',
      ),
      slots.map(memAt),
      owner,
      href,
    ),
    history(
      g(
        'network.usage.history',
        'List of network usage history, sorted by date from newest to oldest, at intervals of 30 seconds',
        'percent',
      ),
      slots.map(netAt),
      owner,
      href,
    ),
  ];
}

/**
 * `/hosts/{id}/statistics` as the engine lists them (`HostStatisticalQuery`): memory total, used,
 * free and KSM-shared; swap total, free and used; KSM, user, system and idle CPU; the 5-minute load average (unit
 * `percent`, as the engine declares it); boot time; then free and total huge pages per size VDSM reports (2 MiB and
 * 1 GiB). The engine lists no `memory.buffers`, `memory.cached` or `swap.cached`, though the model's documentation
 * names them. The host has 8 GiB of swap, none used; KSM is off, so nothing is shared; no huge pages are reserved.
 */
export function presentHostStatistics(engine: Engine, host: Host, base: string): Node[] {
  const href = `${base}/hosts/${host.id}`;
  const owner = { key: 'host', node: { href, id: host.id } };
  const used = engine.scheduler.committedBytes(host);
  const cpu = host.status === 'up' ? load(host.id, 5) : 0;
  const swap = 8 * 1024 ** 3;
  const pages = (kind: 'free' | 'total', description: string) =>
    [2048, 1048576].map((kib) =>
      statistic({ name: `hugepages.${kib}.${kind}`, description, kind: 'gauge', type: 'integer', unit: 'none' }, 0, owner, href),
    );
  return [
    statistic(g('memory.total', 'Total memory', 'bytes', 'integer'), host.memoryBytes, owner, href),
    statistic(g('memory.used', 'Used memory', 'bytes', 'integer'), used, owner, href),
    statistic(g('memory.free', 'Free memory', 'bytes', 'integer'), host.memoryBytes - used, owner, href),
    statistic(
      g(
        'memory.shared',
        'The amount of memory, in bytes, shared among Virtual-Machines on this Host by Kernel Same-page Merging (KSM)',
        'bytes',
        'integer',
      ),
      0,
      owner,
      href,
    ),
    statistic(g('swap.total', 'Total swap', 'bytes', 'integer'), swap, owner, href),
    statistic(g('swap.free', 'Free swap', 'bytes', 'integer'), swap, owner, href),
    statistic(g('swap.used', 'Used swap', 'bytes', 'integer'), 0, owner, href),
    statistic(g('ksm.cpu.current', 'KSM CPU usage', 'percent', 'decimal'), 0, owner, href),
    statistic(g('cpu.current.user', 'User CPU usage', 'percent', 'decimal'), cpu, owner, href),
    statistic(g('cpu.current.system', 'System CPU usage', 'percent', 'decimal'), cpu / 10, owner, href),
    statistic(g('cpu.current.idle', 'Idle CPU usage', 'percent', 'decimal'), 100 - cpu - cpu / 10, owner, href),
    statistic(g('cpu.load.avg.5m', 'CPU 5 minute load average', 'percent', 'decimal'), cpu / 25, owner, href),
    statistic(
      { name: 'boot.time', description: 'Boot time of the machine', kind: 'gauge', type: 'integer', unit: 'none' },
      Math.floor(host.bootTime / 1000),
      owner,
      href,
    ),
    ...pages('free', 'Amount of free huge pages of the given size'),
    ...pages('total', 'Amount of total huge pages of the given size'),
  ];
}

/** Seconds a running VM has run (its devices count from its start, as VDSM's counters do); 0 when it is not running. */
function runningSeconds(engine: Engine, vm: Vm | undefined): number {
  if (!vm || !VM_RUNNING_STATUSES.has(vm.status) || vm.status === 'unknown' || vm.startTime === undefined) return 0;
  return Math.max(0, Math.floor((engine.clock.now() - vm.startTime) / 1000));
}

/** A device's rate in one 30 s slot: its VM's load shape scaled to `max` per second (I/O that moves). */
function rateAt(id: string, salt: number, slot: number, max: number): number {
  return Math.round((loadAt(id, salt, slot) / 100) * max * 100) / 100;
}

/**
 * `/vms/{id}/nics/{nic}/statistics` (engine NicStatisticalQuery): receive and transmit rates in bytes and bits per
 * second, drops, and the bytes moved since the VM started. Moves with simulated time while the VM runs; 0 when down.
 */
export function presentNicStatistics(engine: Engine, vm: Vm, nicId: string, base: string): Node[] {
  const href = `${base}/vms/${vm.id}/nics/${nicId}`;
  const owner = { key: 'nic', node: { href, id: nicId, vm: { href: `${base}/vms/${vm.id}`, id: vm.id } } };
  const up = runningSeconds(engine, vm);
  const slot = Math.floor(engine.clock.now() / HISTORY_SLOT_MS);
  const rx = up > 0 ? rateAt(nicId, 13, slot, 2_000_000) : 0;
  const tx = up > 0 ? rateAt(nicId, 17, slot, 1_000_000) : 0;
  const c = (name: string, description: string, unit: StatDef['unit']): StatDef => ({
    name,
    description,
    kind: 'counter',
    type: 'integer',
    unit,
  });
  return [
    statistic(g('data.current.rx', 'Receive data rate', 'bytes_per_second'), rx, owner, href),
    statistic(g('data.current.tx', 'Transmit data rate', 'bytes_per_second'), tx, owner, href),
    statistic(g('data.current.rx.bps', 'Receive data rate', 'bits_per_second'), rx * 8, owner, href),
    statistic(g('data.current.tx.bps', 'Transmit data rate', 'bits_per_second'), tx * 8, owner, href),
    statistic(c('errors.total.rx', 'Total receive errors', 'none'), 0, owner, href),
    statistic(c('errors.total.tx', 'Total transmit errors', 'none'), 0, owner, href),
    statistic(c('data.total.rx', 'Total received data', 'bytes'), Math.round(up * load(nicId, 13) * 5_000), owner, href),
    statistic(c('data.total.tx', 'Total transmitted data', 'bytes'), Math.round(up * load(nicId, 17) * 2_500), owner, href),
  ];
}

/**
 * `/disks/{id}/statistics` (engine DiskStatisticalQuery): read and write rates and operations, and latencies. Moves
 * with simulated time while the VM using the disk runs; 0 when it is down or the disk is floating.
 */
export function presentDiskStatistics(engine: Engine, diskId: string, vm: Vm | undefined, base: string): Node[] {
  const href = `${base}/disks/${diskId}`;
  const owner = { key: 'disk', node: { href, id: diskId } };
  const running = runningSeconds(engine, vm) > 0;
  const slot = Math.floor(engine.clock.now() / HISTORY_SLOT_MS);
  const read = running ? rateAt(diskId, 19, slot, 20_000_000) : 0;
  const write = running ? rateAt(diskId, 23, slot, 8_000_000) : 0;
  return [
    statistic(g('data.current.read', 'Read data rate', 'bytes_per_second'), read, owner, href),
    statistic(g('data.current.read_ops', 'Read data ops', 'seconds'), Math.round(read / 4096), owner, href),
    statistic(g('data.current.write', 'Write data rate', 'bytes_per_second'), write, owner, href),
    statistic(g('data.current.write_ops', 'Write data ops', 'seconds'), Math.round(write / 4096), owner, href),
    statistic(g('disk.read.latency', 'Read latency', 'seconds'), running ? 0.0004 : 0, owner, href),
    statistic(g('disk.write.latency', 'Write latency', 'seconds'), running ? 0.0011 : 0, owner, href),
    statistic(g('disk.flush.latency', 'Flush latency', 'seconds'), running ? 0.002 : 0, owner, href),
  ];
}
