/** What the rest of the service sees of the engine: plain, typed, camelCase objects with units in their names. */

export interface EngineInfo {
  productName: string;
  version: string;
  hostsActive?: number;
  hostsTotal?: number;
  vmsActive?: number;
  vmsTotal?: number;
}

export interface DataCenter {
  id: string;
  name: string;
  status: string | undefined;
  local: boolean;
}

export interface Cluster {
  id: string;
  name: string;
  dataCenterId: string | undefined;
  memoryOverCommitPercent: number;
  haReservation: boolean;
  threadsAsCores: boolean;
  fencingPolicyEnabled: boolean;
  schedulingPolicyId: string | undefined;
}

export interface Host {
  id: string;
  name: string;
  address: string | undefined;
  status: string;
  clusterId: string | undefined;
  memoryBytes: number;
  maxSchedulingMemoryBytes: number | undefined;
  cpu: { sockets: number; cores: number; threads: number };
  powerManagement: { enabled: boolean; automatic: boolean };
  spm: string | undefined;
  vmSummary: { active: number; migrating: number; total: number };
}

export interface FenceAgent {
  id: string;
  type: string | undefined;
  address: string | undefined;
  order: number | undefined;
}

export interface StorageDomain {
  id: string;
  name: string;
  /** data, iso, export, image, … */
  type: string | undefined;
  /** nfs, iscsi, fcp, glusterfs, posixfs, localfs, … */
  storageType: string | undefined;
  /** Only meaningful in a data center's context (listDataCenterStorageDomains). */
  status: string | undefined;
  /** Every storage type but localfs is reachable by all hosts of the data center (engine StorageType.isShared). */
  shared: boolean;
  master: boolean;
  availableBytes: number | undefined;
  usedBytes: number | undefined;
  dataCenterIds: string[];
}

export interface Template {
  id: string;
  name: string;
  status: string | undefined;
  memoryBytes: number | undefined;
  versionNumber: number | undefined;
}

/** A VM's disk attachment with its disk's size and state (follow=disk_attachments.disk). */
export interface DiskAttachment {
  id: string;
  bootable: boolean;
  diskId: string | undefined;
  provisionedBytes: number | undefined;
  /** `ok`, `locked` or `illegal`; undefined when the disk was not inlined. */
  diskStatus: string | undefined;
}

export interface Vm {
  id: string;
  name: string;
  status: string;
  description: string | undefined;
  comment: string | undefined;
  clusterId: string | undefined;
  hostId: string | undefined;
  hostName: string | undefined;
  templateId: string | undefined;
  memoryBytes: number;
  vcpus: number;
  ha: { enabled: boolean; priority: number };
  leaseStorageDomainId: string | undefined;
  stopReason: string | undefined;
  startTime: Date | undefined;
  creationTime: Date | undefined;
  nextRunConfigurationExists: boolean;
  /** Storage domains holding the VM's disks; undefined when the disks were not read (no follow). */
  diskStorageDomainIds: string[] | undefined;
  /** The disk attachments with size and status; undefined when the disks were not read (no follow). */
  diskAttachments: DiskAttachment[] | undefined;
}

export interface EngineEvent {
  id: string;
  index: number;
  code: number;
  severity: string;
  time: Date;
  description: string;
  correlationId: string | undefined;
  vm: { id: string; name?: string } | undefined;
  host: { id: string; name?: string } | undefined;
  cluster: { id: string; name?: string } | undefined;
}

export interface VmStatistics {
  /** Seconds the VM has been running (engine statistic elapsed.time). */
  uptimeSeconds: number | undefined;
  memoryInstalledBytes: number | undefined;
  memoryUsedBytes: number | undefined;
  cpuTotalPercent: number | undefined;
  raw: Record<string, number | undefined>;
}

export interface CreateVmRequest {
  name: string;
  cluster: string;
  template: string;
  memoryMib: number;
  vcpus: number;
  ha: { enabled: boolean; priority: number };
  description?: string;
  comment?: string;
  /** cloud-init, applied by the engine at the VM's first start. */
  initialization?: VmInitialization;
}

/** One NIC's static configuration inside the guest (cloud-init `nic_configurations`). */
export interface GuestNicConfig {
  /** The guest's interface name, e.g. eth0. */
  name: string;
  ipv4?: { address: string; netmask: string; gateway: string | undefined };
  /** IPv6 address with its prefix length, e.g. 2001:db8:1:5::1 and 64. */
  ipv6?: { address: string; prefix: number; gateway: string | undefined };
}

/** The engine's `initialization` (cloud-init) for a Linux guest. */
export interface VmInitialization {
  hostName: string;
  userName: string;
  rootPassword?: string;
  /** OpenSSH public keys, one a line. */
  authorizedSshKeys?: string[];
  dnsServers: string[];
  dnsSearch: string[];
  timezone: string;
  nics: GuestNicConfig[];
}

export interface VmChanges {
  memoryMib?: number;
  vcpus?: number;
  ha?: { enabled: boolean; priority: number };
}
