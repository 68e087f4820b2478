import { parseArgs } from 'node:util';
import { builtInScenarioNames } from './scenario/load';
import { DEFAULT_CONTROL_TOKEN, startSimulator } from './index';

/**
 * `npm run simulator -- --scenario demo --port 8081`: the engine simulator as a program. Runs on the real clock
 * (optionally sped up) until interrupted.
 */
const USAGE = `Usage: npm run simulator -- [options]
  --scenario <name|path>   ${builtInScenarioNames().join(', ')} or a JSON file (default: demo)
  --hosts <n> --vms <m>    generate a large world instead of a scenario
  --port <n>               listen port (default 8081; 0 = any free port)
  --host <addr>            listen address (default 127.0.0.1)
  --speed <x>              simulated seconds per real second (default 1)
  --manual-clock           time moves only through POST /__sim/clock/advance
  --password <pw>          password of the scenario's users (default: the scenario's, "ovirt")
  --token-ttl <seconds>    SSO token lifetime (default 1800)
  --control-token <t>      bearer token for the /__sim control API (default "${DEFAULT_CONTROL_TOKEN}")
  --seed <n>               random seed (default: the scenario's)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      hosts: { type: 'string' },
      vms: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      speed: { type: 'string' },
      'manual-clock': { type: 'boolean' },
      password: { type: 'string' },
      'token-ttl': { type: 'string' },
      'control-token': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
    return n;
  };
  const hosts = num('hosts', values.hosts);
  const vms = num('vms', values.vms);
  const sim = await startSimulator({
    port: num('port', values.port) ?? 8081,
    host: values.host ?? '127.0.0.1',
    clock: values['manual-clock'] ? 'manual' : 'real',
    ...(values.scenario !== undefined ? { scenario: values.scenario } : {}),
    ...(hosts !== undefined || vms !== undefined ? { generate: { hosts: hosts ?? 3, vms: vms ?? 0 } } : {}),
    ...(values.speed !== undefined ? { speed: num('speed', values.speed) as number } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
    ...(values['token-ttl'] !== undefined ? { tokenTtlSeconds: num('token-ttl', values['token-ttl']) as number } : {}),
    ...(values['control-token'] !== undefined ? { controlToken: values['control-token'] } : {}),
    ...(values.seed !== undefined ? { seed: num('seed', values.seed) as number } : {}),
  });
  // Before the banner: whoever reads it may signal at once, and must get a clean close, not the default kill.
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const world = sim.world;
  const users = world.users.map((u) => u.loginName).join(', ');
  console.log(
    [
      '',
      '  oVirt engine simulator (not a real engine)',
      `  scenario   ${sim.control.scenarioName()}: ${world.dataCenters.size} data center(s), ${world.clusters.size} cluster(s), ` +
        `${world.hosts.size} host(s), ${world.vms.size} VM(s)`,
      `  API        ${sim.apiUrl}   (also /v4; XML by default, JSON with Accept: application/json)`,
      `  SSO        ${sim.url}/sso/oauth/token   users: ${users} (password: ${values.password ?? 'from the scenario, "ovirt" in built-ins'})`,
      `  control    ${sim.controlUrl}   Authorization: Bearer ${sim.controlToken}`,
      `  clock      ${sim.control.clock.mode}` +
        (sim.control.clock.mode === 'real' ? `, speed ×${sim.control.clock.getSpeed()}` : ' (POST /__sim/clock/advance)'),
      '',
      '  Try: curl -s -X POST -H "Accept: application/json" \\',
      `         -d "grant_type=password&scope=ovirt-app-api&username=admin@internal&password=ovirt" ${sim.url}/sso/oauth/token`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(`simulator: ${err instanceof Error ? err.message : String(err)}`);
  console.error(USAGE);
  process.exit(1);
});
