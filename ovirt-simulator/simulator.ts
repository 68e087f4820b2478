import { SimClock, type ClockMode } from './clock';
import { FaultRegistry, type FaultRule, type FaultSpec } from './control/faults';
import { Metrics } from './control/metrics';
import { TokenStore } from './control/tokens';
import { SeededRandom } from './random';
import { buildEngine } from './scenario/build';
import { generateScenario } from './scenario/generate';
import { loadScenario } from './scenario/load';
import type { Scenario, ScenarioInput } from './scenario/schema';
import type { Engine } from './world/engine';
import { guestView, type GuestView } from './world/guest-agent';
import { HOST_FAULTS, type HostFault, type VmStatus } from './world/model';
import { DEFAULT_TIMINGS, type Timings } from './world/timings';
import type { World } from './world/world';

export interface SimulatorOptions {
  /** Built-in name (`demo`, `ha-drill`, `no-power-management`, `local-storage`, `empty`), a JSON file path, or an object. Default `demo`. */
  scenario?: string | ScenarioInput;
  /** Instead of a scenario: a generated large world. */
  generate?: { hosts: number; vms: number };
  /** `manual` (tests: time moves only when advanced) or `real` (default; optionally sped up). */
  clock?: ClockMode;
  /** Real clock: simulated seconds per wall-clock second. Default 1. */
  speed?: number;
  /** Simulated epoch ms at start. */
  startTime?: number;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Password for every scenario user (default: the scenario's, `ovirt` in the built-ins). */
  password?: string;
  /** Lifetime of an SSO token in simulated seconds. Default 1800. */
  tokenTtlSeconds?: number;
  /** Overrides of engine and hardware durations (simulated ms). */
  timings?: Partial<Timings>;
}

/** Which events `purgeEvents` deletes: every condition given must hold. */
export interface PurgeEventsOptions {
  /** Events logged before this simulated time (epoch ms): `time < before`. */
  before?: number;
  /** Events with `index <= upToIndex`. */
  upToIndex?: number;
}

/** Statuses in which the guest OS runs, so someone inside it can power it off. */
const GUEST_RUNNING: ReadonlySet<VmStatus> = new Set<VmStatus>(['up', 'powering_up', 'reboot_in_progress', 'migrating']);

/** Everything a test or the control API can do to the simulated engine. */
export class Simulator {
  readonly clock: SimClock;
  readonly tokens: TokenStore;
  readonly faults: FaultRegistry;
  readonly metrics = new Metrics();
  readonly timings: Timings;
  /** Seeded source for generated correlation ids (kept apart from the world's id sequence). */
  readonly requestRng: SeededRandom;
  private current: Engine;
  private scenario: Scenario;
  private seed: number | undefined;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.clock = new SimClock({
      mode: options.clock ?? 'real',
      ...(options.speed !== undefined ? { speed: options.speed } : {}),
      ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
    });
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.tokens = new TokenStore(this.clock, (options.tokenTtlSeconds ?? 1800) * 1000);
    this.seed = options.seed;
    this.scenario = options.generate
      ? loadScenario(generateScenario({ ...options.generate, ...(options.seed !== undefined ? { seed: options.seed } : {}) }))
      : loadScenario(options.scenario ?? 'demo');
    const seed = options.seed ?? this.scenario.seed;
    this.faults = new FaultRegistry(new SeededRandom(seed ^ 0x5eed));
    this.requestRng = new SeededRandom(seed ^ 0xc0ffee);
    this.current = this.build(1);
  }

  get engine(): Engine {
    return this.current;
  }

  get world(): World {
    return this.current.world;
  }

  scenarioName(): string {
    return this.scenario.name;
  }

  private build(firstEventIndex: number): Engine {
    return buildEngine(this.scenario, {
      clock: this.clock,
      timings: this.timings,
      firstEventIndex,
      ...(this.seed !== undefined ? { seed: this.seed } : {}),
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
    });
  }

  /**
   * Back to the scenario's initial world (or load another one). Pending engine timers are dropped; the clock,
   * tokens, faults and metrics carry on, and event indexes keep growing so a poller never sees one reused.
   */
  reset(source?: string | ScenarioInput, seed?: number): void {
    if (source !== undefined) this.scenario = loadScenario(source);
    if (seed !== undefined) this.seed = seed;
    const next = this.current.world.peekNextEventIndex();
    this.clock.clearTimers();
    this.current = this.build(next);
  }

  /** Moves simulated time; every engine reaction due on the way happens, in order. */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  failHost(idOrName: string, mode: HostFault = 'power_loss'): void {
    if (mode === 'none' || !HOST_FAULTS.includes(mode)) throw new ControlError(400, `unknown failure mode ${mode}`);
    this.engine.monitor.fail(this.host(idOrName), mode);
  }

  restoreHost(idOrName: string): void {
    this.engine.monitor.restore(this.host(idOrName));
  }

  crashVm(idOrName: string, exitMessage = 'Lost connection with qemu process'): void {
    const vm = this.vm(idOrName);
    const host = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    const alive = ['up', 'powering_up', 'reboot_in_progress', 'migrating', 'paused', 'powering_down'];
    if (!host || host.status !== 'up' || !alive.includes(vm.status)) {
      throw new ControlError(409, `VM ${vm.name} is not running on a healthy host (status ${vm.status})`);
    }
    this.engine.runtime.crash(vm, exitMessage);
  }

  /**
   * Someone runs `poweroff` inside the guest: `powering_down`, then `down` with a normal exit after the engine's
   * shutdown time, and 61 "VM … is down. Exit message: User shut down from within the guest". Never restarted by
   * HA, as the exit is not an error (docs/ovirt-api.md §13.3).
   */
  /** What the guest applied (cloud-init) and what its agent reports: `GET /__sim/vms/{vm}/guest`. */
  guest(idOrName: string): GuestView {
    return guestView(this.world, this.vm(idOrName));
  }

  guestShutdownVm(idOrName: string): void {
    const vm = this.vm(idOrName);
    const host = vm.hostId ? this.world.hosts.get(vm.hostId) : undefined;
    if (!host || host.status !== 'up' || !GUEST_RUNNING.has(vm.status)) {
      throw new ControlError(409, `VM ${vm.name} is not running on a healthy host (status ${vm.status})`);
    }
    this.engine.runtime.guestShutdown(vm, host);
  }

  /**
   * The engine's audit-log cleanup: deletes the events matching every option given (at least one is required) and
   * returns how many went. Remaining events keep their indexes, and new events continue the sequence.
   */
  purgeEvents(options: PurgeEventsOptions): number {
    const { before, upToIndex } = options;
    if (before === undefined && upToIndex === undefined) throw new ControlError(400, 'give before or upToIndex');
    if (before !== undefined && !Number.isFinite(before)) throw new ControlError(400, 'before must be a time');
    if (upToIndex !== undefined && !Number.isFinite(upToIndex)) throw new ControlError(400, 'upToIndex must be a number');
    return this.world.audit.deleteEvents(
      (e) => (before === undefined || e.time < before) && (upToIndex === undefined || e.index <= upToIndex),
    );
  }

  /**
   * An engine reinstalled or restored from an old backup: the audit log is emptied and the next event gets
   * `nextIndex`, so a poller that remembers a higher index sees nothing new until it notices. Hosts, VMs, jobs and
   * pending engine timers are untouched; a later `reset` continues from the restarted sequence.
   */
  restartEventIds(nextIndex = 1): void {
    if (!Number.isSafeInteger(nextIndex) || nextIndex < 1) {
      throw new ControlError(400, 'the next event index must be a positive integer');
    }
    this.world.audit.restartEventIndex(nextIndex);
  }

  /** Holds a VM as if another operation had it locked: every command on it fails with the engine's 409. */
  lockVm(idOrName: string, locked = true): void {
    this.vm(idOrName).locked = locked;
  }

  addFault(spec: FaultSpec): FaultRule {
    return this.faults.add(spec);
  }

  removeFault(id: string): boolean {
    return this.faults.remove(id);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setSpeed(speed: number): void {
    if (this.clock.mode !== 'real') throw new ControlError(409, 'speed applies to the real clock only');
    this.clock.setSpeed(speed);
  }

  /** VM ids waiting for an HA restart, in the order the engine would try them. */
  haQueue(): string[] {
    return this.engine.ha.pending();
  }

  private host(idOrName: string) {
    const host = this.world.findHost(idOrName);
    if (!host) throw new ControlError(404, `no host ${idOrName}`);
    return host;
  }

  private vm(idOrName: string) {
    const vm = this.world.findVm(idOrName);
    if (!vm) throw new ControlError(404, `no VM ${idOrName}`);
    return vm;
  }

  close(): void {
    this.clock.stop();
  }
}

/** A control-API failure (bad target, wrong state); never an engine fault. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
