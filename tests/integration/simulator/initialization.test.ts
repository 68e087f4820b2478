import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
const API = '/ovirt-engine/api';
const SECRET = 'S3cret-Root-Pw';

const INIT_XML = `<vm>
  <name>init01</name>
  <cluster><name>Default</name></cluster>
  <template><name>debian-12</name></template>
  <initialization>
    <host_name>init01.example.com</host_name>
    <user_name>root</user_name>
    <root_password>${SECRET}</root_password>
    <authorized_ssh_keys>ssh-ed25519 AAAAC3 test@example</authorized_ssh_keys>
    <dns_servers>192.0.2.53</dns_servers>
    <nic_configurations>
      <nic_configuration>
        <name>eth0</name><on_boot>true</on_boot><boot_protocol>static</boot_protocol>
        <ip><address>192.0.2.10</address><netmask>255.255.255.0</netmask><gateway>192.0.2.1</gateway></ip>
      </nic_configuration>
    </nic_configurations>
  </initialization>
</vm>`;

describe('simulator initialization (cloud-init) and guest agent', () => {
  let h: Harness;
  let vmId: string;
  const start = (body = '<action/>') =>
    h.http.post(`${API}/vms/${vmId}/start`).set(auth(h)).set('Content-Type', 'application/xml').send(body);
  const guest = async (): Promise<Json> =>
    (await h.http.get(`/__sim/vms/${vmId}/guest`).set('Authorization', 'Bearer simulator')).body as Json;

  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo' });
    const res = await h.http.post(`${API}/vms`).set(auth(h)).set('Content-Type', 'application/xml').send(INIT_XML);
    expect(res.status).toBe(202);
    vmId = /<vm href="[^"]+" id="([^"]+)">/.exec(res.text)?.[1] ?? '';
    expect(res.text).not.toContain(SECRET);
    h.sim.control.advance(15_000);
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('when the VM is read in XML and JSON, with and without All-Content, then initialization shows and the root password only as ******', async () => {
    for (const allContent of [false, true]) {
      const xml = h.http.get(`${API}/vms/${vmId}`).set(auth(h));
      const xmlRes = await (allContent ? xml.set('All-Content', 'true') : xml);
      expect(xmlRes.text).toContain('<host_name>init01.example.com</host_name>');
      expect(xmlRes.text).toContain('<root_password>******</root_password>');
      expect(xmlRes.text).not.toContain(SECRET);
      const js = h.http.get(`${API}/vms?search=name%3Dinit01`).set(json(h));
      const jsRes = await (allContent ? js.set('All-Content', 'true') : js);
      expect(jsRes.text).not.toContain(SECRET);
      const init = ((jsRes.body as { vm: Json[] }).vm[0] as Json).initialization as Json;
      expect(init).toEqual(
        expect.objectContaining({ host_name: 'init01.example.com', user_name: 'root', root_password: '******', dns_servers: '192.0.2.53' }),
      );
      const nic = (init.nic_configurations as { nic_configuration: Json[] }).nic_configuration[0];
      expect(nic).toEqual({
        boot_protocol: 'static',
        ip: { address: '192.0.2.10', gateway: '192.0.2.1', netmask: '255.255.255.0' },
        name: 'eth0',
        on_boot: 'true',
      });
    }
  });

  it('when the VM has not run, then nothing was applied and no device is reported', async () => {
    const g = await guest();
    expect(g).toEqual(expect.objectContaining({ initialized: false, appliedInit: null, fqdn: null }));
    const nic = h.sim.world.net.nicsOf(vmId)[0];
    const rd = await h.http.get(`${API}/vms/${vmId}/nics/${nic?.id ?? ''}/reporteddevices`).set(json(h));
    expect(rd.status).toBe(200);
    expect(rd.body).toEqual({});
  });

  it('when it starts the first time, then cloud-init applies the initialization, and once up the guest agent reports FQDN and addresses', async () => {
    expect((await start()).status).toBe(200);
    const g = await guest();
    expect(g.initialized).toBe(true);
    const applied = (g.appliedInit as { init: { strings: Json } }).init.strings;
    expect(applied.host_name).toBe('init01.example.com');
    expect(applied.root_password).toBe(SECRET);
    h.sim.control.advance(10_000);
    const nic = h.sim.world.net.nicsOf(vmId)[0];
    const path = `${API}/vms/${vmId}/nics/${nic?.id ?? ''}/reporteddevices`;
    // Up, but the agent has not reported yet.
    expect((await h.http.get(path).set(json(h))).body).toEqual({});
    h.sim.control.advance(5_000);
    const rd = (await h.http.get(path).set(json(h))).body as { reported_device: Json[] };
    expect(rd.reported_device).toHaveLength(1);
    expect(rd.reported_device[0]).toEqual(
      expect.objectContaining({
        name: 'eth0',
        description: 'guest reported data',
        type: 'network',
        mac: { address: nic?.mac },
        ips: { ip: [{ address: '192.0.2.10', gateway: '192.0.2.1', netmask: '255.255.255.0', version: 'v4' }] },
      }),
    );
    const xml = await h.http.get(path).set(auth(h));
    expect(xml.text).toMatch(/<reported_devices>\s*<reported_device href="[^"]+" id="[^"]+">\s*<name>eth0<\/name>/);
    expect(xml.text).toContain('<address>192.0.2.10</address>');
    const all = (await h.http.get(`${API}/vms/${vmId}/reporteddevices`).set(json(h))).body as { reported_device: Json[] };
    expect(all.reported_device.map((d) => d.name)).toEqual(['eth0']);
    const vm = (await h.http.get(`${API}/vms/${vmId}`).set(json(h))).body as Json;
    expect(vm.status).toBe('up');
    expect(vm.fqdn).toBe('init01.example.com');
  });

  it(
    'when it is stopped and started again, then cloud-init does not run again unless use_cloud_init asks, and a run-once ' +
      'initialization is not stored',
    async () => {
      await h.http.post(`${API}/vms/${vmId}/stop`).set(auth(h)).set('Content-Type', 'application/xml').send('<action/>');
      h.sim.control.advance(5_000);
      const vm = (await h.http.get(`${API}/vms/${vmId}`).set(json(h))).body as Json;
      expect(vm.fqdn).toBeUndefined();
      const firstApplied = ((await guest()).appliedInit as { at: number }).at;
      // Changing the stored initialization does not re-run cloud-init on an initialized VM.
      const put = await h.http
        .put(`${API}/vms/${vmId}`)
        .set(json(h))
        .set('Content-Type', 'application/json')
        .send({ initialization: { host_name: 'renamed.example.com' } });
      expect(put.status).toBe(200);
      expect(((put.body as Json).initialization as Json).host_name).toBe('renamed.example.com');
      expect(((put.body as Json).initialization as Json).root_password).toBe('******');
      expect((await start()).status).toBe(200);
      expect(((await guest()).appliedInit as { at: number }).at).toBe(firstApplied);
      h.sim.control.advance(20_000);
      expect(((await h.http.get(`${API}/vms/${vmId}`).set(json(h))).body as Json).fqdn).toBe('init01.example.com');

      await h.http.post(`${API}/vms/${vmId}/stop`).set(auth(h)).set('Content-Type', 'application/xml').send('<action/>');
      h.sim.control.advance(5_000);
      const runOnce = await h.http
        .post(`${API}/vms/${vmId}/start`)
        .set(json(h))
        .set('Content-Type', 'application/json')
        .send({ use_cloud_init: 'true', vm: { initialization: { host_name: 'once.example.com' } } });
      expect(runOnce.status).toBe(200);
      h.sim.control.advance(20_000);
      const g = await guest();
      expect(g.fqdn).toBe('once.example.com');
      expect((g.appliedInit as { init: { strings: Json } }).init.strings.root_password).toBe(SECRET);
      const stored = ((await h.http.get(`${API}/vms/${vmId}`).set(json(h))).body as Json).initialization as Json;
      expect(stored.host_name).toBe('renamed.example.com');
    },
  );

  it('when the initialization is obviously wrong, then the engine answers 400', async () => {
    const bad = async (initialization: Json) =>
      h.http
        .post(`${API}/vms`)
        .set(json(h))
        .set('Content-Type', 'application/json')
        .send({ name: 'bad-init', cluster: { name: 'Default' }, template: { name: 'Blank' }, initialization });
    const protocol = await bad({ nic_configurations: { nic_configuration: [{ name: 'eth0', boot_protocol: 'magic' }] } });
    expect(protocol.status).toBe(400);
    expect((protocol.body as Json).reason).toBe('Invalid value');
    const ip = await bad({
      nic_configurations: { nic_configuration: [{ name: 'eth0', boot_protocol: 'static', ip: { address: '999.1.1.1' } }] },
    });
    expect(ip.status).toBe(400);
    const noAddress = await bad({ nic_configurations: { nic_configuration: [{ name: 'eth0', boot_protocol: 'static' }] } });
    expect(noAddress.status).toBe(400);
    const host = await bad({ host_name: 'not a host name!' });
    expect(host.status).toBe(400);
    expect(h.sim.world.findVm('bad-init')).toBeUndefined();
  });
});
