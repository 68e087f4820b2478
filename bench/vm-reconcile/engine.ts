/** The engine of bench:reconcile: the simulator as its own program over a world of 10,400 running VMs on 40 hosts. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScenarioInput } from '../../ovirt-simulator';

export const OTHER_VMS = 400;
/** 40 hosts of 512 GiB hold 10,400 VMs of 1 GiB with room to move some (bench:uptime's 20 hold 10,000). */
export const HOST_NAMES = Array.from({ length: 40 }, (_, i) => `host${String(i + 1).padStart(2, '0')}`);

/** Our VMs `vps-1` … and 400 that are not ours, running round-robin on the hosts. */
export function scenario(services: number): ScenarioInput {
  const vms: NonNullable<ScenarioInput['vms']> = [];
  const host = (i: number) => HOST_NAMES[i % HOST_NAMES.length] as string;
  for (let i = 1; i <= services; i++)
    vms.push({
      name: `vps-${i}`,
      template: 'debian-12',
      cluster: 'Default',
      memoryGiB: 1,
      ha: { enabled: true, priority: 50 },
      status: 'up',
      host: host(i),
    });
  for (let i = 1; i <= OTHER_VMS; i++)
    vms.push({ name: `other-${i}`, template: 'debian-12', cluster: 'Default', memoryGiB: 1, status: 'up', host: host(i) });
  return {
    name: 'bench-vm-reconcile',
    seed: 11,
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
              powerManagement: { enabled: true, agents: [{ type: 'ipmilan', address: `10.0.${Math.floor(i / 200)}.${(i % 200) + 11}` }] },
            })),
          },
        ],
      },
    ],
    templates: [{ name: 'debian-12', memoryGiB: 1, cpu: { sockets: 1, cores: 1, threads: 1 }, diskGiB: 20 }],
    vms,
  };
}

/** The simulator as its own program, so its rendering of 10,400 VMs is not counted as the bridge's work. */
export async function startEngine(
  workspace: string,
  services: number,
): Promise<{ url: string; apiUrl: string; controlUrl: string; stop(): Promise<void> }> {
  const file = path.join(workspace, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario(services)));
  const root = path.resolve(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [
      '--require',
      path.join(root, 'node_modules/tsx/dist/preflight.cjs'),
      '--import',
      pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href,
      path.join(root, 'ovirt-simulator/main.ts'),
      '--scenario',
      file,
      '--port',
      '0',
      '--manual-clock',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start: ${out}`)), 120_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/control\s+\S+/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`the simulator exited (${code}): ${out}`)));
  });
  const apiUrl = /API\s+(\S+)/.exec(banner)?.[1] as string;
  const controlUrl = /control\s+(\S+)/.exec(banner)?.[1] as string;
  return {
    url: apiUrl.replace(/\/api$/, ''),
    apiUrl,
    controlUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
