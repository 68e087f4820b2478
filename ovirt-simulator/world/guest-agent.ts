import type { EngineCore } from './engine-core';
import { copyInit, type IpConfig, type VmInit } from './initialization';
import { VM_RUNNING_STATUSES, type Vm } from './model';
import type { VmNic } from './network-model';
import type { World } from './world';

/** How a start asks for initialization: `use_cloud_init`, and a run-once `vm.initialization` (merged, not stored). */
export interface StartInit {
  useCloudInit?: boolean;
  runOnce?: VmInit;
}

/**
 * cloud-init at launch, as `RunVm` decides it: on the VM's first run (the engine's `is_initialized` still false) or
 * when the start says `use_cloud_init=true`; an explicit `use_cloud_init=false` skips it. A run-once initialization
 * replaces the stored one for this run only. The guest's earlier report is gone either way: it boots afresh.
 */
export function applyInitAtLaunch(vm: Vm, start: StartInit | undefined, now: number): void {
  vm.guestAgentReportedAt = undefined;
  const wanted = start?.useCloudInit ?? !vm.initialized;
  const init = start?.runOnce ?? vm.initialization;
  vm.initialized = true;
  if (!wanted || !init) return;
  vm.appliedInit = { at: now, init: copyInit(init) };
}

/**
 * The guest agent's first report, `guestAgentReportMs` after the VM is up. Tied to this run (its start time), not to
 * the status epoch, so a migration or reboot in between does not lose it.
 */
export function scheduleGuestReport(engine: EngineCore, vm: Vm): void {
  const run = vm.startTime;
  engine.clock.schedule(
    engine.timings.guestAgentReportMs,
    () => {
      if (!engine.world.vms.has(vm.id) || vm.startTime !== run || !VM_RUNNING_STATUSES.has(vm.status)) return;
      vm.guestAgentReportedAt = engine.clock.now();
    },
    `guest-agent ${vm.name}`,
  );
}

/** The FQDN the guest agent reports: the host name cloud-init gave the guest (nothing before the agent reported). */
export function guestFqdn(vm: Vm): string | undefined {
  if (vm.guestAgentReportedAt === undefined) return undefined;
  const strings = vm.appliedInit?.init.strings;
  const host = strings?.host_name;
  if (!host) return undefined;
  const domain = strings.domain;
  return domain && !host.includes('.') ? `${host}.${domain}` : host;
}

export interface ReportedNic {
  /** The guest's interface name: `eth0` for the VM's first plugged NIC, and so on. */
  guestName: string;
  mac: string | undefined;
  ips: Array<IpConfig & { version: 'v4' | 'v6' }>;
}

/**
 * What the guest agent reports for one NIC: nothing until it has reported, then the interface with the static
 * addresses the applied initialization gave it (matched by guest name, `eth0`…, or by the NIC's own name); DHCP or
 * unconfigured interfaces report no addresses in the simulator.
 */
export function reportedDevice(world: World, vm: Vm, nic: VmNic): ReportedNic | undefined {
  if (vm.guestAgentReportedAt === undefined || !nic.plugged) return undefined;
  const position = world.net
    .nicsOf(vm.id)
    .filter((n) => n.plugged)
    .indexOf(nic);
  const guestName = `eth${position}`;
  const config = vm.appliedInit?.init.nicConfigurations?.find((c) => c.name === guestName || c.name === nic.name);
  const ips: ReportedNic['ips'] = [];
  if (config?.bootProtocol === 'static' && config.ip?.address) ips.push({ ...config.ip, version: 'v4' });
  if (config?.ipv6BootProtocol === 'static' && config.ipv6?.address) ips.push({ ...config.ipv6, version: 'v6' });
  return { guestName, mac: nic.mac, ips };
}

/** The guest's side of things, for the control API (`GET /__sim/vms/{vm}/guest`) and tests. */
export interface GuestView {
  vm: string;
  /** The engine's `is_initialized`: the VM has had its first run. */
  initialized: boolean;
  /** The initialization cloud-init applied at the last initializing start (root password included), or null. */
  appliedInit: { at: number; init: VmInit } | null;
  guestAgentReportedAt: number | null;
  fqdn: string | null;
  nics: Array<{ name: string; mac: string | null; guestName: string | null; ips: ReportedNic['ips'] }>;
}

export function guestView(world: World, vm: Vm): GuestView {
  return {
    vm: vm.name,
    initialized: vm.initialized,
    appliedInit: vm.appliedInit ? { at: vm.appliedInit.at, init: copyInit(vm.appliedInit.init) } : null,
    guestAgentReportedAt: vm.guestAgentReportedAt ?? null,
    fqdn: guestFqdn(vm) ?? null,
    nics: world.net.nicsOf(vm.id).map((nic) => {
      const device = reportedDevice(world, vm, nic);
      return { name: nic.name, mac: nic.mac ?? null, guestName: device?.guestName ?? null, ips: device?.ips ?? [] };
    }),
  };
}
