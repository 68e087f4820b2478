/**
 * A VM's graphics consoles and the remote-viewer connection file the engine makes for one, and the VM's
 * statistics with their history lists, and its NICs' and disks' (network and disk I/O). One method per remote
 * operation, like OvirtClient, which exposes this as `ovirt.consoles`.
 *
 * The file (`POST /vms/{id}/graphicsconsoles/{gc}/remoteviewerconnectionfile`, model VmGraphicsConsoleService
 * RemoteViewerConnectionFile) holds a console ticket (a password) valid for the engine's ticket lifetime, 120 s
 * (ConsoleOptions.TICKET_VALIDITY_SECONDS): it is handed on, never logged.
 */
import { z } from 'zod';
import { collection, num } from './schemas';
import type { CallOptions, OvirtTransport } from './transport';

const consoleSchema = z.object({ id: z.string(), protocol: z.string().optional() });
const fileSchema = z.object({ remote_viewer_connection_file: z.string().optional() });
const statisticSchema = z.object({
  name: z.string(),
  unit: z.string().optional(),
  values: z.object({ value: z.array(z.object({ datum: num.optional() })).optional() }).optional(),
});

/** The engine's console ticket lifetime (ConsoleOptions.TICKET_VALIDITY_SECONDS). */
export const CONSOLE_TICKET_SECONDS = 120;

export interface GraphicsConsole {
  id: string;
  /** `spice` or `vnc`. */
  protocol: string | undefined;
}

/** One statistic: its unit and values, newest first (the `*.history` ones hold a list, the rest one value). */
export interface VmStatistic {
  unit: string | undefined;
  values: number[];
}

export class VmConsoleApi {
  constructor(private readonly t: OvirtTransport) {}

  async listGraphicsConsoles(vmId: string, call?: CallOptions): Promise<GraphicsConsole[]> {
    const list = await this.t.read(
      'list graphics consoles',
      `/vms/${enc(vmId)}/graphicsconsoles`,
      collection('graphics_console', consoleSchema),
      call,
    );
    return list.map((c) => ({ id: c.id, protocol: c.protocol }));
  }

  /**
   * The `.vv` file for the console; the engine refuses (409) when the VM is not running. Sent once, never retried:
   * each call sets a new ticket on the VM.
   */
  async remoteViewerFile(vmId: string, consoleId: string, call?: CallOptions): Promise<string> {
    const path = `/vms/${enc(vmId)}/graphicsconsoles/${enc(consoleId)}/remoteviewerconnectionfile`;
    const res = await this.t.write('console file', 'POST', path, fileSchema, { ...call, body: {} });
    return res.remote_viewer_connection_file ?? '';
  }

  /** `GET /vms/{id}/statistics` by name, with every value (the history lists are newest first, 30 s apart). */
  statistics(vmId: string, call?: CallOptions): Promise<Map<string, VmStatistic>> {
    return this.statisticsAt('get VM statistics', `/vms/${enc(vmId)}/statistics`, call);
  }

  /** A VM NIC's rates and totals (`data.current.rx`/`tx` in bytes per second, `data.total.rx`/`tx` in bytes). */
  nicStatistics(vmId: string, nicId: string, call?: CallOptions): Promise<Map<string, VmStatistic>> {
    return this.statisticsAt('get NIC statistics', `/vms/${enc(vmId)}/nics/${enc(nicId)}/statistics`, call);
  }

  /** A disk's rates (`data.current.read`/`write` in bytes per second) and latencies. */
  diskStatistics(diskId: string, call?: CallOptions): Promise<Map<string, VmStatistic>> {
    return this.statisticsAt('get disk statistics', `/disks/${enc(diskId)}/statistics`, call);
  }

  private async statisticsAt(operation: string, path: string, call?: CallOptions): Promise<Map<string, VmStatistic>> {
    const list = await this.t.read(operation, path, collection('statistic', statisticSchema), call);
    return new Map(
      list.map((s) => [s.name, { unit: s.unit, values: (s.values?.value ?? []).flatMap((v) => (v.datum === undefined ? [] : [v.datum])) }]),
    );
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
