import { nameUuid } from '../random';
import type { Engine } from '../world/engine';
import { VM_RUNNING_STATUSES, type Host, type Vm } from '../world/model';
import { Decimal, type Node, type Scalar } from '../wire/document';

interface StatDef {
  name: string;
  description: string;
  kind: 'gauge' | 'counter';
  type: 'integer' | 'decimal';
  unit: 'bytes' | 'percent' | 'seconds' | 'none';
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
    // A statistic without a value has an empty <values/> (reference §8.5).
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

/** `/vms/{id}/statistics` (reference §8.5): ids are the engine's name-derived UUIDs; `elapsed.time` is uptime. */
/** A gauge statistic's definition (decimal unless said otherwise). */
function g(name: string, description: string, unit: StatDef['unit'], type: StatDef['type'] = 'decimal'): StatDef {
  return { name, description, kind: 'gauge', type, unit };
}

export function presentVmStatistics(engine: Engine, vm: Vm, base: string): Node[] {
  const href = `${base}/vms/${vm.id}`;
  const owner = { key: 'vm', node: { href, id: vm.id } };
  const running = VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown';
  const cpu = running ? load(vm.id, 7) : 0;
  const uptime = running && vm.startTime !== undefined ? Math.floor((engine.clock.now() - vm.startTime) / 1000) : 0;
  const used = running ? Math.floor(vm.memoryBytes * (0.3 + load(vm.id, 3) / 100)) : 0;
  return [
    statistic(g('memory.installed', 'Total memory configured', 'bytes', 'integer'), vm.memoryBytes, owner, href),
    statistic(g('memory.used', 'Memory used (agent)', 'bytes', 'integer'), used, owner, href),
    statistic(g('memory.free', 'Memory free (agent)', 'bytes', 'integer'), running ? vm.memoryBytes - used : 0, owner, href),
    statistic(g('cpu.current.guest', 'CPU used by guest', 'percent'), cpu, owner, href),
    statistic(g('cpu.current.hypervisor', 'CPU overhead', 'percent'), running ? 0.5 : 0, owner, href),
    statistic(g('cpu.current.total', 'Total CPU used', 'percent'), running ? cpu + 0.5 : 0, owner, href),
    statistic(g('migration.progress', 'Migration Progress', 'percent'), vm.status === 'migrating' ? 50 : 0, owner, href),
    statistic(g('network.current.total', 'Total network used', 'percent'), running ? load(vm.id, 11) / 10 : 0, owner, href),
    statistic(
      { name: 'elapsed.time', description: 'Elapsed VM runtime', kind: 'counter', type: 'integer', unit: 'seconds' },
      uptime,
      owner,
      href,
    ),
  ];
}

/** `/hosts/{id}/statistics` (reference §5.5). */
export function presentHostStatistics(engine: Engine, host: Host, base: string): Node[] {
  const href = `${base}/hosts/${host.id}`;
  const owner = { key: 'host', node: { href, id: host.id } };
  const used = engine.scheduler.committedBytes(host);
  const cpu = host.status === 'up' ? load(host.id, 5) : 0;
  return [
    statistic(g('memory.total', 'Total memory', 'bytes', 'integer'), host.memoryBytes, owner, href),
    statistic(g('memory.used', 'Used memory', 'bytes', 'integer'), used, owner, href),
    statistic(g('memory.free', 'Free memory', 'bytes', 'integer'), host.memoryBytes - used, owner, href),
    statistic(g('cpu.current.user', 'User CPU usage', 'percent', 'decimal'), cpu, owner, href),
    statistic(g('cpu.current.system', 'System CPU usage', 'percent', 'decimal'), cpu / 10, owner, href),
    statistic(g('cpu.current.idle', 'Idle CPU usage', 'percent', 'decimal'), 100 - cpu - cpu / 10, owner, href),
    statistic(g('cpu.load.avg.5m', 'CPU 5 minute load average', 'none', 'decimal'), cpu / 25, owner, href),
    statistic(
      { name: 'boot.time', description: 'Boot time of the machine', kind: 'gauge', type: 'integer', unit: 'none' },
      Math.floor(host.bootTime / 1000),
      owner,
      href,
    ),
  ];
}
