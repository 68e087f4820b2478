import { z } from 'zod';

/**
 * The scenario file format (`ovirt-simulator/scenarios/*.json`, or any file given with `--scenario <path>`).
 * Sizes are GiB, names refer to other entities of the same file. See the README for an annotated example.
 */
const topology = z.object({
  sockets: z.number().int().positive(),
  cores: z.number().int().positive(),
  threads: z.number().int().positive().default(1),
});

const fenceAgent = z.object({
  type: z.string().default('ipmilan'),
  address: z.string(),
  username: z.string().default('admin'),
  port: z.number().int().optional(),
});

const hostSpec = z.object({
  name: z.string().min(1),
  address: z.string().optional(),
  cpu: topology.extend({ model: z.string().optional(), speedMhz: z.number().optional() }).optional(),
  memoryGiB: z.number().positive(),
  /** VDSM's `reservedMem` (MiB): `host_mem_reserve` 256 + `extra_mem_reserve` 65 by default. */
  reservedMemoryMiB: z.number().int().min(0).default(321),
  /** VDSM's `guestOverhead` (MiB), `guest_ram_overhead` 65 by default: the engine counts it once per host. */
  guestOverheadMiB: z.number().int().min(0).default(65),
  powerManagement: z
    .object({ enabled: z.boolean(), kdumpDetection: z.boolean().default(false), agents: z.array(fenceAgent).default([]) })
    .optional(),
  spmPriority: z.number().int().min(-1).max(10).default(5),
  status: z.enum(['up', 'maintenance']).default('up'),
});

const storageDomainSpec = z.object({
  name: z.string().min(1),
  type: z.enum(['data', 'iso', 'export']).default('data'),
  storageType: z.enum(['nfs', 'iscsi', 'fcp', 'localfs', 'posixfs', 'glusterfs']),
  address: z.string().optional(),
  path: z.string().default('/'),
  sizeGiB: z.number().positive(),
  usedGiB: z.number().min(0).default(0),
  master: z.boolean().optional(),
  status: z.enum(['active', 'inactive', 'maintenance']).default('active'),
});

const vnicProfileSpec = z.object({ name: z.string().min(1), description: z.string().default('') });

/** A logical network of a data center; `ovirtmgmt` exists in every data center whether listed or not. */
const networkSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  vlanId: z.number().int().min(0).max(4094).optional(),
  /** 0: the engine's default (1500). */
  mtu: z.number().int().min(0).default(0),
  /** A VM network (VM NICs may use it). */
  vm: z.boolean().default(true),
  /** Default: one profile with the network's name, as the engine creates it. */
  vnicProfiles: z.array(vnicProfileSpec).optional(),
});

/** A template NIC: on `vnicProfile` (a profile name) of `network`, by default the network's own profile. */
const templateNicSpec = z.object({
  name: z.string().min(1),
  network: z.string().default('ovirtmgmt'),
  vnicProfile: z.string().optional(),
  interface: z.enum(['e1000', 'e1000e', 'pci_passthrough', 'rtl8139', 'rtl8139_virtio', 'spapr_vlan', 'virtio']).default('virtio'),
});

const macRangeSpec = z.object({
  from: z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/),
  to: z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/),
});

const clusterSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  cpuType: z.string().default('Intel Icelake Server Family'),
  memoryOverCommitPercent: z.number().int().positive().default(100),
  haReservation: z.boolean().default(false),
  fencingPolicy: z
    .object({
      enabled: z.boolean().default(true),
      skipIfSdActive: z.boolean().default(false),
      skipIfConnectivityBroken: z
        .object({ enabled: z.boolean().default(false), threshold: z.number().int().min(0).max(100).default(50) })
        .default({ enabled: false, threshold: 50 }),
    })
    .default({ enabled: true, skipIfSdActive: false, skipIfConnectivityBroken: { enabled: false, threshold: 50 } }),
  schedulingPolicy: z.enum(['none', 'evenly_distributed', 'power_saving', 'vm_evenly_distributed', 'cluster_maintenance']).default('none'),
  hosts: z.array(hostSpec).default([]),
  /** Networks of the data center attached to the cluster; default: all of them (`ovirtmgmt` always). */
  networks: z.array(z.string()).optional(),
});

const dataCenterSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  local: z.boolean().default(false),
  storageDomains: z.array(storageDomainSpec).default([]),
  networks: z.array(networkSpec).default([]),
  clusters: z.array(clusterSpec).default([]),
});

const templateSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  memoryGiB: z.number().positive(),
  cpu: topology.default({ sockets: 1, cores: 1, threads: 1 }),
  osType: z.string().default('other_linux'),
  diskGiB: z.number().min(0).default(10),
  /** Data domain holding the template's disk (and, by default, the disks of VMs made from it); default: the master data domain. */
  storageDomain: z.string().optional(),
  cluster: z.string().optional(),
  ha: z.object({ enabled: z.boolean(), priority: z.number().int().min(0).max(100) }).optional(),
  /** Default: one NIC `nic1` on `ovirtmgmt`, as templates usually have; `[]` for a template without NICs. */
  nics: z.array(templateNicSpec).optional(),
});

const vmSpec = z.object({
  name: z.string().min(1),
  template: z.string().default('Blank'),
  cluster: z.string(),
  description: z.string().default(''),
  comment: z.string().default(''),
  memoryGiB: z.number().positive().optional(),
  cpu: topology.optional(),
  ha: z.object({ enabled: z.boolean().default(true), priority: z.number().int().min(0).max(100).default(1) }).optional(),
  lease: z.string().optional(),
  /** Data domain of the VM's disk; default: the template's domain. */
  storageDomain: z.string().optional(),
  /** Size of the VM's disk; default: the template's disk (none for Blank, unless `storageDomain` asks for one). */
  diskGiB: z.number().min(0).optional(),
  affinity: z.enum(['migratable', 'user_migratable', 'pinned']).default('migratable'),
  status: z.enum(['down', 'up']).default('down'),
  host: z.string().optional(),
});

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  seed: z.number().int().default(1),
  users: z
    .array(z.object({ name: z.string().regex(/^[^@]+@[^@]+$/), password: z.string() }))
    .default([{ name: 'admin@internal', password: 'ovirt' }]),
  dataCenters: z.array(dataCenterSpec).default([]),
  templates: z.array(templateSpec).default([]),
  vms: z.array(vmSpec).default([]),
  /** The `Default` MAC pool's ranges; default one range `56:6f:XX:YY:00:00`–`…:ff:ff`, XX:YY from the seed (engine-setup picks them at random). */
  macPool: z.object({ ranges: z.array(macRangeSpec).min(1), allowDuplicates: z.boolean().default(false) }).optional(),
});

/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A scenario after validation (defaults filled in). */
export type Scenario = z.output<typeof scenarioSchema>;
export type HostSpec = z.output<typeof hostSpec>;
export type VmSpec = z.output<typeof vmSpec>;
export type TemplateSpec = z.output<typeof templateSpec>;
export type DataCenterSpec = z.output<typeof dataCenterSpec>;
export type ClusterSpec = z.output<typeof clusterSpec>;
