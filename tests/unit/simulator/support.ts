import { Simulator, type SimulatorOptions } from '../../../ovirt-simulator/simulator';
import type { EngineEvent } from '../../../ovirt-simulator/world/model';
import type { Actor } from '../../../ovirt-simulator/world/world';

export const ADMIN: Actor = { userId: 'u-admin', userName: 'admin@internal-authz', correlationId: undefined };

export function manualSim(options: SimulatorOptions = {}): Simulator {
  return new Simulator({ clock: 'manual', ...options });
}

/** Events logged after `fromIndex`, oldest first. */
export function eventsSince(sim: Simulator, fromIndex: number): EngineEvent[] {
  return sim.world.events.filter((e) => e.index > fromIndex);
}

export function lastIndex(sim: Simulator): number {
  return sim.world.peekNextEventIndex() - 1;
}

export function vmNamed(sim: Simulator, name: string) {
  const vm = sim.world.findVm(name);
  if (!vm) throw new Error(`no VM ${name}`);
  return vm;
}

export function hostNamed(sim: Simulator, name: string) {
  const host = sim.world.findHost(name);
  if (!host) throw new Error(`no host ${name}`);
  return host;
}

/** Advances in 1 s steps until `done()` or `maxMs`; returns the simulated ms it took. */
export function advanceUntil(sim: Simulator, done: () => boolean, maxMs = 3_600_000): number {
  let spent = 0;
  while (!done()) {
    if (spent >= maxMs) throw new Error('condition not reached in time');
    sim.advance(1000);
    spent += 1000;
  }
  return spent;
}
