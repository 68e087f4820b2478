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
  schedulingPolicy: z
    .enum(['none', 'evenly_distributed', 'power_saving', 'vm_evenly_distributed', 'cluster_maintenance'])
    .default('none'),
  hosts: z.array(hostSpec).default([]),
});

const dataCenterSpec = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  local: z.boolean().default(false),
  storageDomains: z.array(storageDomainSpec).default([]),
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
});

/** A scenario as written in a file (defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A scenario after validation (defaults filled in). */
export type Scenario = z.output<typeof scenarioSchema>;
export type HostSpec = z.output<typeof hostSpec>;
export type VmSpec = z.output<typeof vmSpec>;
export type TemplateSpec = z.output<typeof templateSpec>;
