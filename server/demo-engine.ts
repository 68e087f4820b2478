/**
 * The demo launcher: with no OVIRT_URL outside production, `npm start` runs the bundled engine simulator in-process
 * so a newcomer sees the whole service work without an oVirt engine. The only place the service imports the
 * simulator.
 */
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningSimulator, startSimulator } from '../ovirt-simulator';
import type { Config } from './config';
import type { EngineTarget } from './ovirt';

export interface DemoEngine {
  target: EngineTarget;
  simulator: RunningSimulator;
  scenario: string;
}

export async function startDemoEngine(config: Config): Promise<DemoEngine> {
  const simulator = await startSimulator({
    scenario: config.simulator.scenario,
    speed: config.simulator.speed,
    port: config.simulator.port,
    host: '127.0.0.1',
  });
  return {
    simulator,
    scenario: config.simulator.scenario,
    target: {
      url: simulator.url,
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      timeoutMs: config.ovirt.timeoutMs,
      maxInFlight: config.ovirt.maxInFlight,
      readRetries: config.ovirt.readRetries,
    },
  };
}
