/**
 * The demo launcher: with no OVIRT_URL outside production, `npm start` runs the bundled engine simulator in-process
 * so a newcomer sees the whole service work without an oVirt engine. The only place the service imports the
 * simulator.
 */
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningSimulator, startSimulator } from '../ovirt-simulator';
import type { Config } from './config';
import type { EngineTarget } from './ovirt';
import type { IpPools } from './use-cases/ip-pools';

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

/**
 * Addresses for the demo's VPS: with the bundled simulator and no pool yet, an IPv4 and an IPv6 pool on the demo
 * scenario's `vm-public` network (documentation ranges, RFC 5737 and RFC 3849), so the first order shows a VPS with
 * its own address. Only ever for the simulator; a pool an admin made (or deleted and remade) is left as it is.
 * Returns the names of the pools made.
 */
export async function seedDemoPools(pools: IpPools, scenario: string): Promise<string[]> {
  if (scenario !== 'demo' || (await pools.list()).length > 0) return [];
  const common = { cluster: 'Default', network: 'vm-public', dnsSearch: ['example.net'], quarantineMinutes: 60 };
  await pools.create({
    ...common,
    name: 'demo-v4',
    cidr: '192.0.2.0/24',
    gateway: '192.0.2.1',
    dns: ['192.0.2.53'],
    ranges: [{ from: '192.0.2.10', to: '192.0.2.250' }],
  });
  await pools.create({ ...common, name: 'demo-v6', cidr: '2001:db8:1::/48', gateway: 'fe80::1', dns: ['2001:db8:1::53'], ranges: [] });
  return ['demo-v4', 'demo-v6'];
}
