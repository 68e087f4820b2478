import { backendFailure, entityNotFound, incompleteParameters, invalidValue } from './engine-error';
import { VM_RUNNING_STATUSES, type Template, type Vm } from './model';
import { NIC_INTERFACES, type NicInterface, type VmNic } from './network-model';
import { MAC_PATTERN } from './network-registry';
import type { Ref } from './vm-references';
import type { Actor, World } from './world';

/** A `<nic>` from a request. `vnicProfile: null` is an empty `<vnic_profile/>`: the NIC on no network. */
export interface NicInput {
  name?: string;
  interface?: string;
  mac?: string;
  vnicProfile?: Ref | null;
  linked?: boolean;
  plugged?: boolean;
}

/** `VmInterfaceType.getDescription()`, which the engine writes into the NIC events' `${InterfaceType}`. */
const INTERFACE_DESCRIPTIONS: Record<NicInterface, string> = {
  e1000: 'e1000',
  e1000e: 'e1000e',
  pci_passthrough: 'PCI Passthrough',
  rtl8139: 'rtl8139',
  rtl8139_virtio: 'Dual mode rtl8139, VirtIO',
  spapr_vlan: 'sPAPR VLAN',
  virtio: 'VirtIO',
};

/**
 * VM NICs (`AddVmInterface`, `UpdateVmInterface`, `RemoveVmInterface`) and the copies of a template's NICs a new VM
 * gets. MACs come from the cluster's MAC pool (the simulator's one `Default` pool) unless the request names one.
 */
export class NicCommands {
  constructor(private readonly world: World) {}

  /**
   * Gives a new VM a copy of each template NIC with a fresh MAC (call before the VM is added, after every other
   * check, so a pool without room fails the create and leaves nothing behind).
   */
  copyTemplateNics(vm: Vm, template: Pick<Template, 'id'>, action: 'add' | 'run' = 'add'): void {
    const net = this.world.net;
    const copies: VmNic[] = [];
    for (const source of net.nicsOf(template.id)) {
      const id = net.nextNicId(vm.id);
      const mac = this.allocate(id);
      if (mac === undefined) {
        for (const c of copies) if (c.mac) net.releaseMac(c.mac);
        throw backendFailure(409, `Cannot ${action} VM. Not enough MAC addresses left in MAC Address Pool.`);
      }
      copies.push({ ...source, id, ownerId: vm.id, owner: 'vm', mac });
    }
    for (const nic of copies) net.addNic(nic);
  }

  add(vm: Vm, input: NicInput, actor: Actor): VmNic {
    this.checkVm(vm, 'add');
    if (!input.name) throw incompleteParameters('Nic', ['name'], 'add');
    this.checkName(vm, input.name, undefined);
    const nicInterface = this.checkInterface(input.interface) ?? 'virtio';
    const profileId = input.vnicProfile ? this.resolveProfile(vm, input.vnicProfile, 'add') : undefined;
    const net = this.world.net;
    const id = net.nextNicId(vm.id);
    let mac: string | undefined;
    if (input.mac !== undefined) {
      mac = this.checkMac(input.mac, input.name, 'add', undefined);
      net.reserveMac(mac, id);
    } else {
      mac = this.allocate(id);
      if (mac === undefined) throw backendFailure(409, 'Cannot add Interface. Not enough MAC addresses left in MAC Address Pool.');
    }
    const nic: VmNic = {
      id,
      name: input.name,
      ownerId: vm.id,
      owner: 'vm',
      vnicProfileId: profileId,
      mac,
      interface: nicInterface,
      linked: input.linked ?? true,
      plugged: input.plugged ?? true,
    };
    net.addNic(nic);
    this.world.log('NETWORK_ADD_VM_INTERFACE', this.eventParams(nic), { vm, actor });
    return nic;
  }

  update(vm: Vm, nic: VmNic, input: NicInput, actor: Actor): VmNic {
    this.checkVm(vm, 'edit');
    const running = VM_RUNNING_STATUSES.has(vm.status);
    if (input.name !== undefined && input.name !== nic.name) this.checkName(vm, input.name, nic);
    const nicInterface = this.checkInterface(input.interface);
    // UpdateVmInterface refuses device changes of a NIC plugged into a running guest (wording **unconfirmed**).
    if (running && nic.plugged && input.plugged !== false) {
      if (nicInterface !== undefined && nicInterface !== nic.interface) {
        throw backendFailure(
          409,
          'Cannot edit Interface. Updating the network interface type is not supported while the interface is plugged into a running virtual machine.',
        );
      }
      if (input.mac !== undefined && input.mac.toLowerCase() !== nic.mac) {
        throw backendFailure(
          409,
          'Cannot edit Interface. Updating the MAC address is not supported while the interface is plugged into a running virtual machine.',
        );
      }
    }
    let profileId = nic.vnicProfileId;
    if (input.vnicProfile === null) profileId = undefined;
    else if (input.vnicProfile) profileId = this.resolveProfile(vm, input.vnicProfile, 'edit');
    const net = this.world.net;
    if (input.mac !== undefined && input.mac.toLowerCase() !== nic.mac) {
      const mac = this.checkMac(input.mac, nic.name, 'edit', nic);
      if (nic.mac) net.releaseMac(nic.mac);
      net.reserveMac(mac, nic.id);
      nic.mac = mac;
    }
    const wasLinked = nic.linked;
    if (input.name !== undefined) nic.name = input.name;
    if (nicInterface !== undefined) nic.interface = nicInterface;
    nic.vnicProfileId = profileId;
    if (input.linked !== undefined) nic.linked = input.linked;
    if (input.plugged !== undefined) nic.plugged = input.plugged;
    const linkState = wasLinked === nic.linked ? ' ' : nic.linked ? 'Link State is UP.' : 'Link State is DOWN.';
    this.world.log('NETWORK_UPDATE_VM_INTERFACE', { ...this.eventParams(nic), LinkState: linkState }, { vm, actor });
    return nic;
  }

  remove(vm: Vm, nic: VmNic, actor: Actor): void {
    this.checkVm(vm, 'remove');
    if (VM_RUNNING_STATUSES.has(vm.status) && nic.plugged) {
      // ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_DEVICE-style message; exact wording **unconfirmed**.
      throw backendFailure(409, 'Cannot remove Interface. Active device cannot be removed, unplug it first.');
    }
    this.world.net.removeNic(nic);
    this.world.log('NETWORK_REMOVE_VM_INTERFACE', this.eventParams(nic), { vm, actor });
  }

  // ---- checks -------------------------------------------------------------------------------------------------

  private eventParams(nic: VmNic): Record<string, string> {
    return { InterfaceName: nic.name, InterfaceType: INTERFACE_DESCRIPTIONS[nic.interface] };
  }

  private allocate(nicId: string): string | undefined {
    const pool = this.world.net.defaultPool();
    return pool ? this.world.net.allocateMac(pool, nicId) : undefined;
  }

  private checkVm(vm: Vm, action: string): void {
    if (vm.locked) {
      throw backendFailure(409, `Cannot ${action} Interface. Related operation is currently in progress. Please try again later.`);
    }
    if (vm.status === 'image_locked') {
      throw backendFailure(409, `Cannot ${action} Interface: VM is locked. Please try again in a few minutes.`);
    }
  }

  private checkName(vm: Vm, name: string, self: VmNic | undefined): void {
    const taken = this.world.net.nicsOf(vm.id).some((n) => n.name === name && n !== self);
    if (taken) throw backendFailure(409, 'Network interface name is already in use');
  }

  private checkInterface(value: string | undefined): NicInterface | undefined {
    if (value === undefined) return undefined;
    if (!(NIC_INTERFACES as readonly string[]).includes(value)) throw invalidValue(value, 'NicInterface', NIC_INTERFACES);
    return value as NicInterface;
  }

  /** A MAC the request names: well formed, unicast, not held by another NIC (VALIDATION_VM_NETWORK_MAC_ADDRESS_*). */
  private checkMac(raw: string, nicName: string, action: string, self: VmNic | undefined): string {
    if (!MAC_PATTERN.test(raw)) {
      throw backendFailure(
        400,
        `Cannot ${action} Interface. The Network Interface ${nicName} has an invalid MAC address ${raw}. MAC address must be in ` +
          `format "HH:HH:HH:HH:HH:HH" where H is a hexadecimal character (either a digit or A-F, case is insignificant).`,
      );
    }
    const mac = raw.toLowerCase();
    if (parseInt(mac.slice(0, 2), 16) & 1) throw backendFailure(400, 'Multi-cast MAC address is not allowed.');
    const holder = this.world.net.macHolder(mac);
    if (holder && holder !== self) {
      const owner = this.world.vms.get(holder.ownerId);
      throw backendFailure(409, `MAC Address ${mac} is already in use by VM or snapshot: ${owner?.name ?? ''}.`);
    }
    return mac;
  }

  /** A profile by id (or name), whose network must be attached to the VM's cluster. */
  private resolveProfile(vm: Vm, ref: Ref, action: 'add' | 'edit'): string | undefined {
    const net = this.world.net;
    if (ref.id === undefined && ref.name === undefined) return undefined;
    const cluster = this.world.cluster(vm.clusterId);
    const inCluster = new Set(net.networksOfCluster(cluster.id).map((l) => l.networkId));
    const profile =
      ref.id !== undefined
        ? net.vnicProfiles.get(ref.id)
        : [...net.vnicProfiles.values()].find((p) => p.name === ref.name && inCluster.has(p.networkId));
    if (!profile) {
      if (ref.id === undefined) throw entityNotFound(`VnicProfile: name=${ref.name ?? ''}`);
      // ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS is BAD_PARAMETERS.
      throw backendFailure(400, `Cannot ${action} Interface. The specified VM network interface profile doesn't exist.`);
    }
    if (!inCluster.has(profile.networkId)) {
      const network = net.networks.get(profile.networkId);
      throw backendFailure(
        409,
        `Failed ${action} Interface. The following networks (${network?.name ?? ''}) are not defined in the cluster.`,
      );
    }
    return profile.id;
  }
}
