/**
 * OvirtClient: one method per remote operation of the engine's REST API v4, each returning typed, validated objects.
 * Transport concerns (token, retries, cap, errors) live in transport.ts; the VM write documents in vm-request-bodies.ts;
 * devices, consoles and the audit log are the sub-APIs `devices`, `consoles` and `events`.
 */
import { z } from 'zod';
import { EngineEventsApi } from './engine-events';
import { OvirtNotFoundError, OvirtTimeoutError } from './errors';
import * as map from './mappers';
import {
  apiRootSchema,
  clusterSchema,
  collection,
  dataCenterSchema,
  fenceAgentSchema,
  hostSchema,
  statisticSchema,
  storageDomainSchema,
  templateSchema,
  vmSchema,
} from './schemas';
import type { CallOptions, OvirtTransport } from './transport';
import type {
  Cluster,
  CreateVmRequest,
  DataCenter,
  EngineInfo,
  FenceAgent,
  Host,
  StorageDomain,
  Template,
  Vm,
  VmChanges,
  VmStatistics,
} from './types';
import { VmConsoleApi } from './vm-console';
import { VmDevicesApi } from './vm-devices';
import { createVmBody, updateVmBody } from './vm-request-bodies';

const anything = z.unknown();

/** Quotes a value for the engine's search language (names with spaces or specials). */
export function searchValue(value: string): string {
  return /^[\w.-]+$/.test(value) ? value : `"${value.replace(/"/g, '')}"`;
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  correlationId?: string;
  /** Stops waiting (rejecting with the signal's reason) when aborted, e.g. when a job loses its lease. */
  signal?: AbortSignal;
  /** Linked documents to inline in each read of the VM. */
  follow?: string;
}

export class OvirtClient {
  /** NICs, vNIC profiles, disk attachments and guest-reported addresses. */
  readonly devices: VmDevicesApi;
  /** Graphics consoles, the remote-viewer file, statistics with their history. */
  readonly consoles: VmConsoleApi;
  /** The audit log event sync reads. */
  readonly events: EngineEventsApi;

  constructor(
    private readonly t: OvirtTransport,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly now: () => number = Date.now,
  ) {
    this.devices = new VmDevicesApi(t, sleep, now);
    this.consoles = new VmConsoleApi(t);
    this.events = new EngineEventsApi(t);
  }

  /** Engine product and version; doubles as the reachability probe. */
  async getEngineInfo(call?: CallOptions): Promise<EngineInfo> {
    return map.toEngineInfo(await this.t.read('get API root', '/', apiRootSchema, call));
  }

  async listDataCenters(): Promise<DataCenter[]> {
    return (await this.t.read('list data centers', '/datacenters', collection('data_center', dataCenterSchema))).map(map.toDataCenter);
  }

  async getDataCenter(id: string): Promise<DataCenter> {
    return map.toDataCenter(await this.t.read('get data center', `/datacenters/${enc(id)}`, dataCenterSchema));
  }

  async listClusters(): Promise<Cluster[]> {
    return (await this.t.read('list clusters', '/clusters', collection('cluster', clusterSchema))).map(map.toCluster);
  }

  async getCluster(id: string): Promise<Cluster> {
    return map.toCluster(await this.t.read('get cluster', `/clusters/${enc(id)}`, clusterSchema));
  }

  async findClusterByName(name: string): Promise<Cluster | undefined> {
    const found = await this.t.read('find cluster', '/clusters', collection('cluster', clusterSchema), {
      params: { search: `name=${searchValue(name)}` },
    });
    return found.map(map.toCluster).find((c) => c.name === name);
  }

  async listHosts(filter: { cluster?: string } = {}): Promise<Host[]> {
    const params = filter.cluster ? { search: `cluster=${searchValue(filter.cluster)}` } : undefined;
    return (await this.t.read('list hosts', '/hosts', collection('host', hostSchema), { params })).map(map.toHost);
  }

  async getHost(id: string): Promise<Host> {
    return map.toHost(await this.t.read('get host', `/hosts/${enc(id)}`, hostSchema));
  }

  /** Fence agents are not inline in a v4 host; power management without an agent cannot fence. */
  async listFenceAgents(hostId: string): Promise<FenceAgent[]> {
    return (await this.t.read('list fence agents', `/hosts/${enc(hostId)}/fenceagents`, collection('agent', fenceAgentSchema))).map(
      map.toFenceAgent,
    );
  }

  async listStorageDomains(): Promise<StorageDomain[]> {
    return (await this.t.read('list storage domains', '/storagedomains', collection('storage_domain', storageDomainSchema))).map(
      map.toStorageDomain,
    );
  }

  /** Storage domains attached to a data center, with their status there (the top-level list has none). */
  async listDataCenterStorageDomains(dataCenterId: string): Promise<StorageDomain[]> {
    const list = await this.t.read(
      'list data center storage domains',
      `/datacenters/${enc(dataCenterId)}/storagedomains`,
      collection('storage_domain', storageDomainSchema),
    );
    return list.map(map.toStorageDomain);
  }

  async listTemplates(): Promise<Template[]> {
    return (await this.t.read('list templates', '/templates', collection('template', templateSchema))).map(map.toTemplate);
  }

  /** Templates of that exact name; several when the template has sub-versions (latest version first). */
  async findTemplatesByName(name: string): Promise<Template[]> {
    const found = await this.t.read('find template', '/templates', collection('template', templateSchema), {
      params: { search: `name=${searchValue(name)}` },
    });
    return found
      .map(map.toTemplate)
      .filter((tpl) => tpl.name === name)
      .sort((a, b) => (b.versionNumber ?? 0) - (a.versionNumber ?? 0));
  }

  /** The VM of that exact name, or undefined. Names are unique in the engine. */
  async findVmByName(name: string, call?: CallOptions): Promise<Vm | undefined> {
    const found = await this.t.read('find VM', '/vms', collection('vm', vmSchema), {
      ...call,
      params: { search: `name=${searchValue(name)}` },
    });
    return found.map(map.toVm).find((v) => v.name === name);
  }

  /** The VM; `follow` inlines linked documents (`disk_attachments.disk` gives the disks' sizes and states). */
  async getVm(id: string, call?: CallOptions & { follow?: string }): Promise<Vm> {
    const params = call?.follow ? { follow: call.follow } : undefined;
    return map.toVm(await this.t.read('get VM', `/vms/${enc(id)}`, vmSchema, { ...call, params }));
  }

  /** The VM, or undefined when the engine does not know the id (removed). */
  async findVm(id: string, call?: CallOptions): Promise<Vm | undefined> {
    try {
      return await this.getVm(id, call);
    } catch (err) {
      if (err instanceof OvirtNotFoundError) return undefined;
      throw err;
    }
  }

  /** VMs, optionally filtered; `withDisks` also reads where each VM's disks live (one call, `follow`). */
  async listVms(filter: { cluster?: string; host?: string; search?: string; withDisks?: boolean } = {}): Promise<Vm[]> {
    const terms = [
      filter.cluster ? `cluster=${searchValue(filter.cluster)}` : undefined,
      filter.host ? `host=${searchValue(filter.host)}` : undefined,
      filter.search,
    ].filter(Boolean);
    const params = {
      ...(terms.length ? { search: terms.join(' and ') } : {}),
      ...(filter.withDisks ? { follow: 'disk_attachments.disk' } : {}),
    };
    return (await this.t.read('list VMs', '/vms', collection('vm', vmSchema), { params })).map(map.toVm);
  }

  /**
   * Creates a VM from a template (thin copy). The engine answers at once with the VM `image_locked`; use
   * waitForVmCreated. Never retried here: after an error, look the VM up by name before trying again.
   */
  async createVm(req: CreateVmRequest, call?: CallOptions): Promise<Vm> {
    return map.toVm(await this.t.write('create VM', 'POST', '/vms', vmSchema, { ...call, body: createVmBody(req) }));
  }

  /**
   * Polls until the VM leaves `image_locked` (disks copied); returns it, normally `down`, with its disk attachments
   * (sizes and states) inlined, which saves the caller a read before it grows the disk.
   */
  waitForVmCreated(id: string, options: WaitOptions): Promise<Vm> {
    return this.waitForVm(id, (vm) => vm.status !== 'image_locked', 'wait for VM creation', {
      ...options,
      follow: 'disk_attachments.disk',
    });
  }

  /** Polls until the VM is in one of `statuses`. */
  waitForVmStatus(id: string, statuses: string[], options: WaitOptions): Promise<Vm> {
    return this.waitForVm(id, (vm) => statuses.includes(vm.status), `wait for VM ${statuses.join('/')}`, options);
  }

  startVm(id: string, call?: CallOptions): Promise<void> {
    return this.t.action('start VM', `/vms/${enc(id)}/start`, {}, call);
  }

  /** Power off at once. */
  stopVm(id: string, call?: CallOptions): Promise<void> {
    return this.t.action('stop VM', `/vms/${enc(id)}/stop`, {}, call);
  }

  /** Asks the guest to shut down (ACPI / guest agent). */
  shutdownVm(id: string, call?: CallOptions): Promise<void> {
    return this.t.action('shut down VM', `/vms/${enc(id)}/shutdown`, {}, call);
  }

  /**
   * Graceful shutdown within `timeoutMs`, then power off if the guest has not stopped. Returns how it ended, so the
   * caller can tell the customer their VPS was forced off.
   */
  async shutdownVmWithin(id: string, timeoutMs: number, options: Omit<WaitOptions, 'timeoutMs'> = {}): Promise<'shutdown' | 'stopped'> {
    const call = { correlationId: options.correlationId };
    await this.shutdownVm(id, call);
    try {
      await this.waitForVmStatus(id, ['down'], { ...options, timeoutMs });
      return 'shutdown';
    } catch (err) {
      if (!(err instanceof OvirtTimeoutError)) throw err;
      await this.stopVm(id, call);
      await this.waitForVmStatus(id, ['down'], { ...options, timeoutMs: Math.max(timeoutMs, 30_000) });
      return 'stopped';
    }
  }

  rebootVm(id: string, call?: CallOptions): Promise<void> {
    return this.t.action('reboot VM', `/vms/${enc(id)}/reboot`, {}, call);
  }

  /**
   * Changes memory, vCPUs and HA. With `nextRun` the change waits for the VM's next start (needed for memory and
   * vCPUs of a running VM); HA settings apply at once either way.
   */
  async updateVm(id: string, changes: VmChanges, options: { nextRun?: boolean } & CallOptions = {}): Promise<Vm> {
    const body = updateVmBody(changes);
    const params = options.nextRun ? { next_run: 'true' } : undefined;
    return map.toVm(await this.t.write('update VM', 'PUT', `/vms/${enc(id)}`, vmSchema, { ...options, params, body }));
  }

  /** Removes the VM with its disks. A VM the engine does not know raises OvirtNotFoundError. */
  async removeVm(id: string, call?: CallOptions): Promise<void> {
    await this.t.write('remove VM', 'DELETE', `/vms/${enc(id)}`, anything, { ...call, params: { detach_only: 'false' } });
  }

  async getVmStatistics(id: string): Promise<VmStatistics> {
    return map.toVmStatistics(
      await this.t.read('get VM statistics', `/vms/${enc(id)}/statistics`, collection('statistic', statisticSchema)),
    );
  }

  /** How many token requests this client has made (metrics). */
  get tokenRequests(): number {
    return this.t.tokens.requests;
  }

  close(): Promise<void> {
    return this.t.close();
  }

  private async waitForVm(id: string, done: (vm: Vm) => boolean, operation: string, options: WaitOptions): Promise<Vm> {
    const deadline = this.now() + options.timeoutMs;
    const poll = options.pollMs ?? 2000;
    for (;;) {
      options.signal?.throwIfAborted();
      const vm = await this.getVm(id, { correlationId: options.correlationId, follow: options.follow });
      if (done(vm)) return vm;
      if (this.now() + poll > deadline) throw new OvirtTimeoutError(`${operation} (VM ${vm.name} is ${vm.status})`, options.timeoutMs);
      await this.sleep(poll);
    }
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
