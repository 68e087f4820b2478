import type { ScenarioInput } from './schema';

export interface GenerateOptions {
  hosts: number;
  vms: number;
  seed?: number;
  /** Hosts per cluster; large worlds are split into several clusters like real deployments. */
  hostsPerCluster?: number;
}

/**
 * A large world for benchmarks and scale tests (`--hosts 500 --vms 20000`): one data center on NFS, clusters of
 * up to 50 hosts (64 cores / 512 GiB, power management on), and VMs of 1–4 GiB spread evenly and running, a
 * third of them HA with mixed priorities. Placement is computed here so the build never has to reject a VM.
 */
export function generateScenario(options: GenerateOptions): ScenarioInput {
  const perCluster = options.hostsPerCluster ?? 50;
  const clusterCount = Math.max(1, Math.ceil(options.hosts / perCluster));
  const hostMemoryGiB = 512;
  const clusters: NonNullable<ScenarioInput['dataCenters']>[number]['clusters'] = [];
  const hostNames: Array<{ name: string; cluster: string; freeGiB: number }> = [];
  for (let c = 0; c < clusterCount; c++) {
    const name = clusterCount === 1 ? 'Default' : `cluster-${String(c + 1).padStart(2, '0')}`;
    const hosts = [];
    for (let h = c * perCluster; h < Math.min(options.hosts, (c + 1) * perCluster); h++) {
      const hostName = `host${String(h + 1).padStart(String(options.hosts).length, '0')}`;
      hosts.push({
        name: hostName,
        cpu: { sockets: 2, cores: 16, threads: 2 },
        memoryGiB: hostMemoryGiB,
        powerManagement: { enabled: true, agents: [{ type: 'ipmilan', address: `10.1.${Math.floor(h / 250)}.${(h % 250) + 1}` }] },
      });
      hostNames.push({ name: hostName, cluster: name, freeGiB: hostMemoryGiB });
    }
    clusters.push({ name, hosts });
  }
  const priorities = [1, 50, 100];
  const vms: NonNullable<ScenarioInput['vms']> = [];
  for (let i = 0; i < options.vms; i++) {
    const memoryGiB = 1 + (i % 4);
    const slot = hostNames.length > 0 ? hostNames[i % hostNames.length] : undefined;
    const fits = slot !== undefined && slot.freeGiB >= memoryGiB;
    if (slot && fits) slot.freeGiB -= memoryGiB;
    vms.push({
      name: `vm${String(i + 1).padStart(String(options.vms).length, '0')}`,
      template: 'debian-12',
      cluster: slot?.cluster ?? 'Default',
      memoryGiB,
      cpu: { sockets: 1, cores: 1 + (i % 2), threads: 1 },
      ...(i % 3 === 0 ? { ha: { enabled: true, priority: priorities[i % priorities.length] as number } } : {}),
      status: fits ? 'up' : 'down',
      ...(fits && slot ? { host: slot.name } : {}),
    });
  }
  return {
    name: `generated-${options.hosts}-hosts-${options.vms}-vms`,
    description: 'Generated large world',
    seed: options.seed ?? 1,
    dataCenters: [
      {
        name: 'Default',
        storageDomains: [{ name: 'nfs-data', storageType: 'nfs', address: 'nfs.example.com', path: '/exports/data', sizeGiB: 65536 }],
        clusters,
      },
    ],
    // Room for a NIC per VM however many VMs (the default pool has 65,536 MACs).
    macPool: { ranges: [{ from: '56:6f:00:00:00:00', to: '56:6f:00:ff:ff:ff' }] },
    templates: [{ name: 'debian-12', memoryGiB: 2, cpu: { sockets: 1, cores: 2, threads: 1 }, osType: 'debian_12', diskGiB: 20 }],
    vms,
  };
}
