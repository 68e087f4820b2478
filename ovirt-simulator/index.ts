import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createApp } from './http/app';
import { fastReads } from './http/fast-reads';
import type { HungSet } from './http/traffic';
import { Simulator, type SimulatorOptions } from './simulator';
import type { Engine } from './world/engine';
import type { World } from './world/world';

export { Simulator, ControlError, type SimulatorOptions } from './simulator';
export type { FaultSpec, FaultRule } from './control/faults';
export type { MetricsSnapshot } from './control/metrics';
export type { ScenarioInput, Scenario } from './scenario/schema';
export { builtInScenarioNames } from './scenario/load';
export { generateScenario } from './scenario/generate';
export { DEFAULT_TIMINGS, type Timings } from './world/timings';
export type * from './world/model';
export type * from './world/network-model';
export type { VmInit, NicConfig, IpConfig, AppliedInit } from './world/initialization';
export type { GuestView } from './world/guest-agent';

/** The engine user every built-in scenario defines. */
export const DEFAULT_USERNAME = 'admin@internal';
export const DEFAULT_PASSWORD = 'ovirt';
export const DEFAULT_CONTROL_TOKEN = 'simulator';

export interface StartOptions extends SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Bearer token for the `/__sim` control API. Default `simulator`. */
  controlToken?: string;
  /**
   * Answer plain entity reads without express (http/fast-reads.ts). Default true; false sends every request through
   * the express app, which a test uses to check that both give the same bytes.
   */
  fastReads?: boolean;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:PORT/ovirt-engine` — where the SSO lives (`/sso/oauth/token`). */
  url: string;
  /** `http://127.0.0.1:PORT/ovirt-engine/api`. */
  apiUrl: string;
  /** `http://127.0.0.1:PORT/__sim`. */
  controlUrl: string;
  controlToken: string;
  port: number;
  /** In-process control: clock, host failures, crashes, faults, metrics, reset. */
  control: Simulator;
  /** The current world (a new object after each reset, so read it through this getter). */
  readonly world: World;
  readonly engine: Engine;
  close(): Promise<void>;
}

/**
 * Starts the simulated engine on a loopback port. Tests usually pass `clock: 'manual'` and drive time with
 * `control.advance(ms)`; the demo uses the default real clock, optionally with `speed`.
 */
export async function startSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  const sim = new Simulator(options);
  const hung: HungSet = new Set();
  const controlToken = options.controlToken ?? DEFAULT_CONTROL_TOKEN;
  const app = createApp(sim, controlToken, hung);
  // Plain entity reads skip express; every other request (and any read out of the ordinary) goes to the app.
  const fast = options.fastReads === false ? () => false : fastReads(sim, hung);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!fast(req, res)) app(req, res);
  };
  const server: Server = createServer(handle);
  // Node answers any `Expect` other than 100-continue with 417 unless someone listens; the engine's clients send
  // `Expect: 201-created` (docs/ovirt-api.md §9), so hand those requests to the app like any other.
  server.on('checkExpectation', handle);
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/ovirt-engine`,
    apiUrl: `${origin}/ovirt-engine/api`,
    controlUrl: `${origin}/__sim`,
    controlToken,
    port,
    control: sim,
    get world() {
      return sim.world;
    },
    get engine() {
      return sim.engine;
    },
    close: async () => {
      sim.close();
      for (const res of hung) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
