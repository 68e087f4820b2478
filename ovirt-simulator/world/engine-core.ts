import type { SimClock } from '../clock';
import type { Timings } from './timings';
import type { World } from './world';

/**
 * What every engine service reads: the world it changes, the clock its timers run on and the engine's timings. Each
 * service declares, next to its class, the few other services it calls on top of this; `Engine` satisfies them all,
 * so no service imports the engine (or another service) back.
 */
export interface EngineCore {
  readonly world: World;
  readonly clock: SimClock;
  readonly timings: Timings;
}
