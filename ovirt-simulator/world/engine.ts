import type { SimClock } from '../clock';
import { DiskCommands } from './disk-commands';
import { HaRestarter } from './ha-restarter';
import { HostMonitor } from './host-monitor';
import { HostActions } from './host-actions';
import { Scheduler } from './scheduler';
import type { Timings } from './timings';
import { NicCommands } from './nic-commands';
import { PowerManagement } from './power-management';
import { SpmManager } from './storage-pool';
import { VmActions } from './vm-actions';
import { VmCommands } from './vm-commands';
import { VmRuntime } from './vm-runtime';
import type { Actor, World } from './world';

/**
 * The simulated engine: one world plus the services that change it. User commands (what the REST API calls)
 * validate and answer at once; everything the engine does afterwards runs on clock timers, exactly as a real
 * engine answers `200 complete` and lets the VM reach `up` later.
 *
 * The services call one another (monitoring fences through power management, which sets host statuses through
 * monitoring), so each is handed this engine typed as the narrow interface it declares (`HostMonitorDeps`, …);
 * none imports the engine back.
 */
export class Engine {
  readonly scheduler: Scheduler;
  readonly runtime: VmRuntime;
  readonly ha: HaRestarter;
  readonly monitor: HostMonitor;
  readonly vmCommands: VmCommands;
  readonly vmActions: VmActions;
  readonly hostActions: HostActions;
  readonly nicCommands: NicCommands;
  readonly diskCommands: DiskCommands;
  readonly pm: PowerManagement;
  readonly spm: SpmManager;
  /** The engine acting on its own (HA restarts, fencing): events then carry no user. */
  readonly system: Actor | undefined = undefined;

  constructor(
    readonly world: World,
    readonly timings: Timings,
  ) {
    this.scheduler = new Scheduler(world);
    this.runtime = new VmRuntime(this);
    this.ha = new HaRestarter(this);
    this.monitor = new HostMonitor(this);
    this.vmCommands = new VmCommands(this);
    this.vmActions = new VmActions(this);
    this.hostActions = new HostActions(this);
    this.nicCommands = new NicCommands(world);
    this.diskCommands = new DiskCommands(this);
    this.pm = new PowerManagement(this);
    this.spm = new SpmManager(this);
  }

  get clock(): SimClock {
    return this.world.clock;
  }
}
