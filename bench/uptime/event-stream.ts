/**
 * The ingestion world of bench:uptime: the simulated engine's hosts and VMs, and a seeded stream of engine events
 * whose incidents by cause are known in advance, so the figure can never be that of a no-op.
 */
import { type ScenarioInput } from '../../ovirt-simulator';
import type { EventName } from '../../ovirt-simulator/world/event-catalog';
import type { AvailabilityCause } from '../../server/domain/uptime-report';
import { CAUSES, prng } from './setup';

export const HOSTS = 20;
export const OTHER_VMS = 400;
export const HOST_NAMES = Array.from({ length: HOSTS }, (_, i) => `host${String(i + 1).padStart(2, '0')}`);

export function ingestScenario(services: number): ScenarioInput {
  const vms: NonNullable<ScenarioInput['vms']> = [];
  for (let i = 1; i <= services; i++)
    vms.push({
      name: `vps-${i}`,
      template: 'debian-12',
      cluster: 'Default',
      memoryGiB: 1,
      ha: { enabled: true, priority: 50 },
      status: 'up',
      host: HOST_NAMES[(i - 1) % HOSTS],
    });
  for (let i = 1; i <= OTHER_VMS; i++)
    vms.push({
      name: `other-${i}`,
      template: 'debian-12',
      cluster: 'Default',
      memoryGiB: 1,
      status: 'up',
      host: HOST_NAMES[(i - 1) % HOSTS],
    });
  return {
    name: 'bench-uptime',
    seed: 7,
    dataCenters: [
      {
        name: 'Default',
        storageDomains: [{ name: 'nfs-data', storageType: 'nfs', address: 'nfs.example.com', path: '/exports/data', sizeGiB: 65536 }],
        clusters: [
          {
            name: 'Default',
            hosts: HOST_NAMES.map((name, i) => ({
              name,
              memoryGiB: 512,
              cpu: { sockets: 2, cores: 16, threads: 1 },
              powerManagement: { enabled: true, agents: [{ type: 'ipmilan', address: `10.0.0.${i + 11}` }] },
            })),
          },
        ],
      },
    ],
    templates: [{ name: 'debian-12', memoryGiB: 1, cpu: { sockets: 1, cores: 1, threads: 1 }, diskGiB: 20 }],
    vms,
  };
}

/** One event to log: what the engine would write, at `at` ms after the start of the stream. */
export interface EventSpec {
  name: EventName;
  params: Record<string, string | number>;
  vm?: string;
  host?: string;
  actor?: boolean;
  at: number;
  /** Whether the bridge should keep it (our VM and a code the incident builder reads, or host trouble/recovery). */
  keep: boolean;
}

export interface StreamPlan {
  warmup: EventSpec[];
  stream: EventSpec[];
  /** ms from the first warm-up event to the last stream event. */
  spanMs: number;
  expected: {
    keptWarmup: number;
    keptStream: number;
    incidents: Record<AvailabilityCause, number>;
    scenarios: Record<string, number>;
  };
}

/** Codes of our VMs' events the stream expects to be stored (all in the incident builder's set). */
/** 157 (a reboot) is read (a customer's reboot is noted); the noise's reboots of our VMs are kept, with no incident. */
export const KEPT_VM_CODES = new Set([32, 61, 62, 63, 67, 73, 119, 142, 143, 153, 157, 506, 9602]);
export const KEPT_HOST_CODES = new Set([9008, 12, 13]);
export const CODE_OF: Partial<Record<EventName, number>> = {
  USER_STARTED_VM: 153,
  USER_REBOOT_VM: 157,
  USER_RUN_VM: 32,
  USER_INITIATED_SHUTDOWN_VM: 73,
  VM_DOWN: 61,
  VM_DOWN_ERROR: 119,
  VM_SET_TO_UNKNOWN_STATUS: 142,
  VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE: 143,
  HA_VM_FAILED: 9602,
  VDS_INITIATED_RUN_VM: 506,
  VM_MIGRATION_START: 62,
  VM_MIGRATION_START_SYSTEM_INITIATED: 67,
  VM_MIGRATION_DONE: 63,
  VDS_HOST_NOT_RESPONDING_CONNECTING: 9008,
  VDS_FAILURE: 12,
  VDS_DETECTED: 13,
};

/**
 * Plans the stream in memory (times relative to its start), tracking where every VM runs, so each scenario's events
 * name the right hosts. Scenarios follow one another (each VM is in at most one at a time), so the incidents they
 * must produce are known exactly: one per our VM per host failure (`ha_restart`: restarted on another host), crash,
 * provider shutdown in the engine (`admin_stop`: no correlation id of the bridge's, so not the panel's), guest
 * shutdown (`customer`) and maintenance migration (`maintenance`, zero length);
 * user migrations and everything else produce none.
 */
export function planStream(services: number, minEvents: number, seed: number): StreamPlan {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const ours = Array.from({ length: services }, (_, i) => `vps-${i + 1}`);
  const others = Array.from({ length: OTHER_VMS }, (_, i) => `other-${i + 1}`);
  const all = [...ours, ...others];
  const isOurs = (vm: string) => vm.startsWith('vps-');
  const hostOf = new Map<string, string>();
  ours.forEach((vm, i) => hostOf.set(vm, HOST_NAMES[i % HOSTS] as string));
  others.forEach((vm, i) => hostOf.set(vm, HOST_NAMES[i % HOSTS] as string));
  const vmsOn = (host: string) => all.filter((vm) => hostOf.get(vm) === host);
  const otherHost = (host: string) => {
    for (;;) {
      const h = pick(HOST_NAMES);
      if (h !== host) return h;
    }
  };

  const incidents = Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<AvailabilityCause, number>;
  const scenarios: Record<string, number> = {};
  let t = 0;
  let out: EventSpec[] = [];
  const emit = (
    name: EventName,
    params: Record<string, string | number>,
    refs: { vm?: string; host?: string; actor?: boolean },
    after = 0,
  ) => {
    t += after;
    const code = CODE_OF[name];
    const keep =
      refs.vm !== undefined
        ? isOurs(refs.vm) && code !== undefined && KEPT_VM_CODES.has(code)
        : code !== undefined && KEPT_HOST_CODES.has(code);
    out.push({ name, params, ...refs, at: t, keep });
  };
  const ms = (lo: number, hi: number) => Math.round(lo + rand() * (hi - lo));

  // Warm-up (ingested before the clock starts): every VM is started once, so each timeline begins "up".
  for (const vm of all) {
    emit('USER_STARTED_VM', {}, { vm, host: hostOf.get(vm), actor: true }, ms(50, 500));
    emit('USER_RUN_VM', {}, { vm, host: hostOf.get(vm) }, ms(5000, 10_000));
  }
  const warmup = out;
  out = [];
  t += 3_600_000;

  const count = (name: string) => {
    scenarios[name] = (scenarios[name] ?? 0) + 1;
  };
  const hostFailure = () => {
    count('hostFailure');
    const host = pick(HOST_NAMES);
    const vms = vmsOn(host);
    emit('VDS_HOST_NOT_RESPONDING_CONNECTING', { Seconds: 60 }, { host }, ms(0, 60_000));
    emit('VDS_FAILURE', {}, { host }, 60_000);
    emit('VDS_AUTO_FENCE_STATUS', {}, { host }, 50);
    for (const vm of vms) emit('VM_SET_TO_UNKNOWN_STATUS', {}, { vm, host }, ms(1, 20));
    emit('FENCE_OPERATION_STARTED', { Action: 'stop' }, { host }, 500);
    emit('FENCE_OPERATION_SUCCEEDED', { Action: 'stop' }, { host }, 5000);
    for (const vm of vms) emit('VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE', {}, { vm, host }, ms(1, 20));
    for (const vm of vms) emit('HA_VM_FAILED', {}, { vm, host }, ms(1, 20));
    const targets = new Map(vms.map((vm) => [vm, otherHost(host)]));
    for (const vm of vms) emit('VDS_INITIATED_RUN_VM', {}, { vm, host: targets.get(vm) }, ms(200, 1000));
    for (const vm of vms) {
      emit('VDS_INITIATED_RUN_VM', {}, { vm, host: targets.get(vm) }, ms(200, 1500));
      hostOf.set(vm, targets.get(vm) as string);
      if (isOurs(vm)) incidents.ha_restart += 1;
    }
    emit('SYSTEM_VDS_RESTART', {}, { host }, 1000);
    emit('VDS_RECOVER', {}, { host }, 100);
    emit('VDS_DETECTED', { HostStatus: 'Up' }, { host }, ms(120_000, 150_000));
  };
  const maintenance = () => {
    count('maintenance');
    const host = pick(HOST_NAMES);
    const vms = vmsOn(host);
    for (const vm of vms) {
      const to = otherHost(host);
      emit(
        'VM_MIGRATION_START_SYSTEM_INITIATED',
        { DestinationVdsName: to, OptionalReason: 'Host preparing for maintenance' },
        { vm, host },
        ms(10, 200),
      );
      emit(
        'VM_MIGRATION_DONE',
        { VdsName: host, DestinationVdsName: to, Duration: '8 seconds', TotalDuration: '8 seconds', ActualDowntime: '(N/A)' },
        { vm, host: to },
        ms(5000, 12_000),
      );
      hostOf.set(vm, to);
      if (isOurs(vm)) incidents.maintenance += 1;
    }
    emit('USER_VDS_MAINTENANCE', { Reason: 'kernel update' }, { host, actor: true }, 2000);
    emit('VDS_ACTIVATE', {}, { host, actor: true }, ms(600_000, 1_200_000));
    emit('VDS_DETECTED', { HostStatus: 'Up' }, { host }, ms(20_000, 40_000));
  };
  const crash = (vm: string) => {
    count('crash');
    const host = hostOf.get(vm) as string;
    const to = rand() < 0.6 ? host : otherHost(host);
    emit('VM_DOWN_ERROR', { ExitMessage: 'Exit message: Lost connection with qemu process' }, { vm, host }, ms(0, 60_000));
    emit('HA_VM_FAILED', {}, { vm, host }, ms(1, 50));
    emit('VDS_INITIATED_RUN_VM', {}, { vm, host: to }, ms(500, 2000));
    emit('VDS_INITIATED_RUN_VM', {}, { vm, host: to }, ms(8000, 12_000));
    hostOf.set(vm, to);
    if (isOurs(vm)) incidents.crash += 1;
  };
  const shutdown = (vm: string) => {
    count('providerShutdown');
    const host = hostOf.get(vm) as string;
    emit('USER_INITIATED_SHUTDOWN_VM', { OptionalReason: '' }, { vm, host, actor: true }, ms(0, 60_000));
    emit('VM_DOWN', { ExitMessage: 'Exit message: Admin shut down from the engine' }, { vm, host }, ms(5000, 30_000));
    emit('USER_STARTED_VM', {}, { vm, host, actor: true }, ms(120_000, 1_200_000));
    emit('USER_RUN_VM', {}, { vm, host }, ms(8000, 12_000));
    if (isOurs(vm)) incidents.admin_stop += 1;
  };
  const guestShutdown = (vm: string) => {
    count('guestShutdown');
    const host = hostOf.get(vm) as string;
    emit('VM_DOWN', { ExitMessage: 'Exit message: User shut down from within the guest' }, { vm, host }, ms(0, 60_000));
    emit('USER_STARTED_VM', {}, { vm, host, actor: true }, ms(120_000, 1_800_000));
    emit('USER_RUN_VM', {}, { vm, host }, ms(8000, 12_000));
    if (isOurs(vm)) incidents.customer += 1;
  };
  const userMigration = (vm: string) => {
    count('userMigration');
    const host = hostOf.get(vm) as string;
    const to = otherHost(host);
    emit('VM_MIGRATION_START', { DestinationVdsName: to, OptionalReason: '' }, { vm, host, actor: true }, ms(0, 60_000));
    emit(
      'VM_MIGRATION_DONE',
      { VdsName: host, DestinationVdsName: to, Duration: '9 seconds', TotalDuration: '10 seconds', ActualDowntime: '(N/A)' },
      { vm, host: to },
      ms(8000, 15_000),
    );
    hostOf.set(vm, to);
  };
  /** Events that make no incident: logins and configuration changes (dropped) and reboots by an admin (kept, no incident). */
  const noise = () => {
    count('noise');
    const r = rand();
    if (r < 0.4) emit('USER_VDC_LOGIN', { SourceIP: '10.0.0.5', SessionID: 'bench' }, { actor: true }, ms(0, 30_000));
    else if (r < 0.8) emit('USER_UPDATE_VM', {}, { vm: pick(all), actor: true }, ms(0, 30_000));
    else emit('USER_REBOOT_VM', {}, { vm: pick(all), actor: true }, ms(0, 30_000));
  };

  while (out.length < minEvents) {
    const r = rand();
    if (r < 0.006) hostFailure();
    else if (r < 0.01) maintenance();
    else if (r < 0.23) crash(pick(all));
    else if (r < 0.38) shutdown(pick(all));
    else if (r < 0.43) guestShutdown(pick(all));
    else if (r < 0.55) userMigration(pick(all));
    else noise();
  }
  return {
    warmup,
    stream: out,
    spanMs: t,
    expected: { keptWarmup: warmup.filter((e) => e.keep).length, keptStream: out.filter((e) => e.keep).length, incidents, scenarios },
  };
}
