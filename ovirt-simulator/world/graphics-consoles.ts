/**
 * A VM's graphics consoles and the remote-viewer connection file (model VmGraphicsConsoleService,
 * ConsoleDescriptorGenerator in the engine). Every VM has a SPICE and a VNC console, with ids derived from the VM's id
 * (the engine derives them from the VM id and the protocol as well, so they are stable across reads).
 *
 * The file is made only while the VM runs ("Vm X is not running.", ConfigureConsoleOptionsQuery); each one sets a new
 * ticket valid for 120 s (ConsoleOptions.TICKET_VALIDITY_SECONDS) and says so in a comment line, as the engine does.
 */
import { randomBytes } from 'node:crypto';
import { nameUuid } from '../random';
import { backendFailure } from './engine-error';
import { VM_RUNNING_STATUSES, type Host, type Vm } from './model';

export type GraphicsProtocol = 'spice' | 'vnc';

export interface GraphicsConsole {
  id: string;
  protocol: GraphicsProtocol;
  /** The display port on the host while the VM runs (VDSM hands out 5900 up); undefined when down. */
  port: number | undefined;
  tlsPort: number | undefined;
  address: string | undefined;
}

/** The engine's console ticket lifetime in seconds. */
export const TICKET_VALIDITY_SECONDS = 120;

const PROTOCOLS: readonly GraphicsProtocol[] = ['spice', 'vnc'];

/** A small stable number per VM, so two VMs on one host get different display ports. */
function portOffset(vm: Vm): number {
  let h = 0;
  for (const c of vm.id) h = (h * 31 + c.charCodeAt(0)) % 400;
  return h * 2;
}

function running(vm: Vm): boolean {
  return VM_RUNNING_STATUSES.has(vm.status) && vm.status !== 'unknown' && vm.hostId !== undefined;
}

export function graphicsConsolesOf(vm: Vm, host: Host | undefined): GraphicsConsole[] {
  const up = running(vm) && host !== undefined;
  return PROTOCOLS.map((protocol, i) => ({
    id: nameUuid(`${vm.id}:graphics:${protocol}`),
    protocol,
    port: up ? 5900 + portOffset(vm) + i : undefined,
    tlsPort: up && protocol === 'spice' ? 5901 + portOffset(vm) : undefined,
    address: up ? host.address : undefined,
  }));
}

/**
 * The `.vv` text for one console with a fresh ticket: `[virt-viewer]` with the display's host, ports and password, and
 * `[ovirt]` naming the engine and the VM. Throws the engine's 409 when the VM is not running.
 */
export function remoteViewerFile(
  vm: Vm,
  host: Host | undefined,
  gc: GraphicsConsole,
  engineHost: string,
): { text: string; ticket: string } {
  if (!running(vm) || !host) throw backendFailure(409, `Vm ${vm.name} is not running.`);
  const ticket = randomBytes(9).toString('base64url');
  const lines = [
    '[virt-viewer]',
    `type=${gc.protocol}`,
    `host=${host.address}`,
    `port=${gc.protocol === 'spice' ? -1 : (gc.port ?? -1)}`,
    `password=${ticket}`,
    `# Password is valid for ${TICKET_VALIDITY_SECONDS} seconds.`,
    'delete-this-file=1',
    'fullscreen=0',
    `title=${vm.name}:%d - Press SHIFT+F12 to Release Cursor`,
    'toggle-fullscreen=shift+f11',
    'release-cursor=shift+f12',
    'secure-attention=ctrl+alt+end',
    ...(gc.protocol === 'spice'
      ? [
          `tls-port=${gc.tlsPort ?? -1}`,
          'enable-smartcard=0',
          'enable-usb-autoshare=0',
          'usb-filter=-1,-1,-1,-1,0',
          'tls-ciphers=DEFAULT',
          `host-subject=O=simulator,CN=${host.address}`,
          'secure-channels=main;inputs;cursor;playback;record;display;smartcard;usbredir',
        ]
      : []),
    'versions=rhev-win64:2.0-160;rhev-win32:2.0-160;rhel8:7.0-3;rhel7:2.0-6;rhel6:99.0-1',
    'newer-version-url=http://www.ovirt.org/documentation/admin-guide/virt/console-client-resources',
    '',
    '[ovirt]',
    `host=${engineHost}`,
    `vm-guid=${vm.id}`,
    'admin=1',
    '',
  ];
  return { text: lines.join('\n'), ticket };
}
