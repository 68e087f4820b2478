/**
 * What the VPS actions need from the engine, as the engine does it: power actions with their status sequences and events,
 * graphics consoles with the remote-viewer file, and statistics that move with the VM's life.
 */
import type { Vm } from '../../../ovirt-simulator/world/model';
import { json, auth, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
type Stat = { name: string; values?: { value?: Array<{ datum: string | number }> } };

describe('simulator consoles, statistics and power actions', () => {
  let h: Harness;
  let vm: Vm;
  beforeEach(async () => {
    h = await startHarness();
    const up = [...h.sim.world.vms.values()].find((v) => v.status === 'up');
    if (!up) throw new Error('the scenario has no running VM');
    vm = up;
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const xml = () => ({ ...auth(h), 'Content-Type': 'application/xml', Accept: 'application/xml' });
  const stats = async () => {
    const res = await h.http.get(`/ovirt-engine/api/vms/${vm.id}/statistics`).set(json(h));
    const list = (res.body as { statistic: Stat[] }).statistic;
    return (name: string) => (list.find((s) => s.name === name)?.values?.value ?? []).map((v) => Number(v.datum));
  };
  const codesFor = (from: number) => h.sim.world.events.filter((e) => e.index > from && e.vm?.id === vm.id).map((e) => e.code);
  const lastIndex = () => h.sim.world.events.at(-1)?.index ?? 0;

  it(
    'when a running VM is asked for its consoles and a remote-viewer file, then it gets SPICE and VNC and a .vv with a 120 s ticket; ' +
      'a VM that is down gets 409',
    async () => {
      const list = await h.http.get(`/ovirt-engine/api/vms/${vm.id}/graphicsconsoles?current=true`).set(json(h));
      expect(list.status).toBe(200);
      const consoles = (list.body as { graphics_console: Json[] }).graphics_console;
      expect(consoles.map((c) => c.protocol)).toEqual(['spice', 'vnc']);
      expect(consoles[0]).toMatchObject({ address: expect.any(String), port: expect.anything(), tls_port: expect.anything() });
      const spice = String(consoles[0]?.id);

      const file = await h.http
        .post(`/ovirt-engine/api/vms/${vm.id}/graphicsconsoles/${spice}/remoteviewerconnectionfile`)
        .set(xml())
        .send('<action/>');
      expect(file.status).toBe(200);
      expect(file.text).toMatch(
        new RegExp(
          /<action>\s*<remote_viewer_connection_file>\[virt-viewer\]\ntype=spice\nhost=[^\n]+\nport=-1\n/.source +
            /password=[A-Za-z0-9_-]{12}\n# Password is valid for 120 seconds\./.source,
        ),
      );
      expect(file.text).toContain(`vm-guid=${vm.id}`);
      const again = await h.http
        .post(`/ovirt-engine/api/vms/${vm.id}/graphicsconsoles/${spice}/remoteviewerconnectionfile`)
        .set(json(h))
        .send({});
      const text = String((again.body as Json).remote_viewer_connection_file);
      // Each file sets a new ticket.
      expect(/password=(\S+)/.exec(text)?.[1]).not.toBe(/password=([A-Za-z0-9_-]+)/.exec(file.text)?.[1]);

      await h.http.post(`/ovirt-engine/api/vms/${vm.id}/stop`).set(xml()).send('<action/>').expect(200);
      h.sim.control.advance(60_000);
      const refused = await h.http
        .post(`/ovirt-engine/api/vms/${vm.id}/graphicsconsoles/${spice}/remoteviewerconnectionfile`)
        .set(xml())
        .send('<action/>');
      expect(refused.status).toBe(409);
      expect(refused.text).toContain(`<detail>[Vm ${vm.name} is not running.]</detail>`);
      await h.http.get(`/ovirt-engine/api/vms/${vm.id}/graphicsconsoles/nope`).set(json(h)).expect(404);
    },
  );

  it(
    'when simulated time passes, then a running VM’s CPU, memory and network move, elapsed.time is its uptime and the history lists ' +
      'fill every 30 s; down, all are zero and empty',
    async () => {
      const first = await stats();
      const uptime = first('elapsed.time')[0] ?? 0;
      expect(uptime).toBe(Math.floor((h.sim.control.clock.now() - (vm.startTime ?? 0)) / 1000));
      const seen = new Set<number>();
      for (let i = 0; i < 6; i++) {
        h.sim.control.advance(30_000);
        const s = await stats();
        seen.add(s('cpu.current.total')[0] ?? -1);
        expect(s('cpu.usage.history')[0]).toBeCloseTo((s('cpu.current.total')[0] ?? 0) - 0.5, 5);
        expect(s('memory.used')[0]).toBeGreaterThan(0);
      }
      expect(seen.size).toBeGreaterThan(3);
      const later = await stats();
      expect(later('elapsed.time')[0]).toBe(uptime + 180);
      expect(later('memory.usage.history').length).toBe(later('cpu.usage.history').length);
      expect(later('network.usage.history').length).toBeLessThanOrEqual(40);

      await h.http.post(`/ovirt-engine/api/vms/${vm.id}/stop`).set(xml()).send('<action/>').expect(200);
      h.sim.control.advance(60_000);
      const down = await stats();
      expect(down('cpu.current.total')).toEqual([0]);
      expect(down('elapsed.time')).toEqual([0]);
      expect(down('cpu.usage.history')).toEqual([]);

      // Started again: the history starts over with one sample.
      await h.http.post(`/ovirt-engine/api/vms/${vm.id}/start`).set(xml()).send('<action/>').expect(200);
      h.sim.control.advance(60_000);
      expect((await stats())('cpu.usage.history').length).toBeGreaterThanOrEqual(1);
    },
  );

  it('when a running VM’s NIC and disk statistics are read, then rates move with time, totals grow, and all are 0 once it is down', async () => {
    const nics = await h.http.get(`/ovirt-engine/api/vms/${vm.id}/nics`).set(json(h));
    const nicId = String(((nics.body as { nic: Json[] }).nic[0] ?? {}).id);
    const disk = [...h.sim.world.disks.values()].find((d) => d.vmId === vm.id);
    const read = async (path: string) => {
      const res = await h.http.get(path).set(json(h));
      expect(res.status).toBe(200);
      const list = (res.body as { statistic: Stat[] }).statistic;
      return (name: string) => Number(list.find((s) => s.name === name)?.values?.value?.[0]?.datum ?? NaN);
    };
    const nicPath = `/ovirt-engine/api/vms/${vm.id}/nics/${nicId}/statistics`;
    const diskPath = `/ovirt-engine/api/disks/${disk?.id}/statistics`;
    const before = await read(nicPath);
    expect(before('data.current.rx.bps')).toBeCloseTo(before('data.current.rx') * 8, 5);
    const rates = new Set<number>();
    for (let i = 0; i < 5; i++) {
      h.sim.control.advance(30_000);
      rates.add((await read(diskPath))('data.current.read'));
    }
    expect(rates.size).toBeGreaterThan(2);
    expect((await read(nicPath))('data.total.rx')).toBeGreaterThan(before('data.total.rx'));
    await h.http.post(`/ovirt-engine/api/vms/${vm.id}/stop`).set(xml()).send('<action/>').expect(200);
    h.sim.control.advance(60_000);
    expect((await read(nicPath))('data.current.tx')).toBe(0);
    expect((await read(diskPath))('data.current.write')).toBe(0);
    await h.http.get(`/ovirt-engine/api/vms/${vm.id}/nics/nope/statistics`).set(json(h)).expect(404);
  });

  it('when a VM is rebooted, shut down and powered off, then statuses and event codes follow the engine', async () => {
    let from = lastIndex();
    await h.http
      .post(`/ovirt-engine/api/vms/${vm.id}/reboot`)
      .set({ ...xml(), 'Correlation-Id': 'act-1' })
      .send('<action/>')
      .expect(200);
    expect(vm.status).toBe('reboot_in_progress');
    h.sim.control.advance(60_000);
    expect(vm.status).toBe('up');
    expect(codesFor(from)).toEqual([157]);
    expect(h.sim.world.events.find((e) => e.index > from && e.code === 157)?.correlationId).toBe('act-1');

    from = lastIndex();
    await h.http.post(`/ovirt-engine/api/vms/${vm.id}/shutdown`).set(xml()).send('<action/>').expect(200);
    expect(vm.status).toBe('powering_down');
    h.sim.control.advance(120_000);
    expect(vm.status).toBe('down');
    expect(codesFor(from)).toEqual([73, 61]);

    await h.http.post(`/ovirt-engine/api/vms/${vm.id}/start`).set(xml()).send('<action/>').expect(200);
    h.sim.control.advance(120_000);
    expect(vm.status).toBe('up');
    from = lastIndex();
    await h.http.post(`/ovirt-engine/api/vms/${vm.id}/stop`).set(xml()).send('<action/>').expect(200);
    // A power-off goes straight to down once VDSM's destroy is done: no powering_down on the way.
    expect(vm.status).toBe('up');
    h.sim.control.advance(60_000);
    expect(vm.status).toBe('down');
    expect(codesFor(from)).toEqual([33]);
    // Stopping a VM that is down is skipped and succeeds, logging 254.
    from = lastIndex();
    await h.http.post(`/ovirt-engine/api/vms/${vm.id}/stop`).set(xml()).send('<action/>').expect(200);
    expect(codesFor(from)).toEqual([254]);
  });
});
