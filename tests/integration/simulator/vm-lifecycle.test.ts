import axios from 'axios';
import { auth, json, settle, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

const newVmXml = (name: string, extra = '') => `<vm>
  <name>${name}</name>
  <description>customer 42</description>
  <comment>plan=ha-gold</comment>
  <cluster><name>Default</name></cluster>
  <template><name>debian-12</name></template>
  <memory>4294967296</memory>
  <cpu><topology><sockets>1</sockets><cores>2</cores><threads>1</threads></topology></cpu>
  <high_availability><enabled>true</enabled><priority>100</priority></high_availability>
  <placement_policy><affinity>migratable</affinity></placement_policy>
  ${extra}
</vm>`;

describe('simulator VM lifecycle over HTTP (XML as an SDK sends it)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'demo', timings: { vmCreateMs: 10_000 } });
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const xml = () => ({ ...auth(h), 'Content-Type': 'application/xml', Accept: 'application/xml' });

  it('when a VM is created, used and removed, then statuses and events follow the engine', async () => {
    // create → 202 image_locked
    const created = await h.http
      .post('/ovirt-engine/api/vms')
      .set({ ...xml(), 'Correlation-Id': 'create-web01' })
      .send(newVmXml('web01'));
    expect(created.status).toBe(202);
    expect(created.text).toContain('<status>image_locked</status>');
    expect(created.text).toContain('<creation_status>in_progress</creation_status>');
    const id = /<vm href="[^"]+" id="([^"]+)">/.exec(created.text)?.[1] ?? '';
    expect(created.headers.location).toMatch(new RegExp(`/ovirt-engine/api/vms/${id}$`));

    // locked while the image is copied
    const early = await h.http.post(`/ovirt-engine/api/vms/${id}/start`).set(xml()).send('<action/>');
    expect(early.status).toBe(409);
    expect(early.text).toMatch(
      new RegExp(
        /<action>\s*<fault>\s*<detail>\[Cannot run VM: VM is locked\. Please try again in a few minutes\.\]<\/detail>\s*/.source +
          /<reason>Operation Failed<\/reason>\s*<\/fault>\s*<status>failed<\/status>\s*<\/action>/.source,
      ),
    );

    h.sim.control.advance(10_000);
    const down = await h.http.get(`/ovirt-engine/api/vms/${id}`).set(json(h));
    expect(down.body).toEqual(
      expect.objectContaining({
        status: 'down',
        description: 'customer 42',
        comment: 'plan=ha-gold',
        memory: '4294967296',
        high_availability: { enabled: 'true', priority: '100' },
        placement_policy: { affinity: 'migratable' },
        memory_policy: { ballooning: 'true', guaranteed: '4294967296', max: '17179869184' },
      }),
    );

    // start → 200 complete; wait_for_launch → powering_up → up
    const started = await h.http.post(`/ovirt-engine/api/vms/${id}/start`).set(xml()).send('<action/>');
    expect(started.status).toBe(200);
    expect(started.text).toContain('<status>complete</status>');
    expect(started.text).toContain(`<vm href="/ovirt-engine/api/vms/${id}" id="${id}"/>`);
    expect(h.sim.world.vms.get(id)?.status).toBe('wait_for_launch');
    h.sim.control.advance(2_000);
    expect(h.sim.world.vms.get(id)?.status).toBe('powering_up');
    h.sim.control.advance(8_000);
    expect(h.sim.world.vms.get(id)?.status).toBe('up');

    // events for this VM, oldest first via sortby
    const ev = await h.http.get(`/ovirt-engine/api/events?search=${encodeURIComponent('event_vm=web01 sortby time asc')}`).set(json(h));
    const events = (ev.body as { event: Json[] }).event;
    expect(events.map((e) => e.code)).toEqual(['37', '53', '153', '32']);
    expect(events[0]).toEqual(
      expect.objectContaining({
        description: 'VM web01 creation was initiated by admin@internal-authz.',
        correlation_id: 'create-web01',
        severity: 'normal',
        vm: expect.objectContaining({ id, name: 'web01' }),
      }),
    );
    expect(String(events[2]?.description)).toMatch(/^VM web01 was started by admin@internal-authz \(Host: host[123]\)\.$/);

    // running VM cannot be removed
    const busy = await h.http.delete(`/ovirt-engine/api/vms/${id}`).set(xml());
    expect(busy.status).toBe(409);
    expect(busy.text).toMatch(/<fault>\s*<detail>\[Cannot remove VM\. VM is running\.\]<\/detail>/);

    // update while running
    const updated = await h.http
      .put(`/ovirt-engine/api/vms/${id}`)
      .set(xml())
      .send('<vm><description>moved</description><high_availability><priority>50</priority></high_availability></vm>');
    expect(updated.status).toBe(200);
    expect(updated.text).toContain('<description>moved</description>');
    expect(updated.text).toMatch(/<priority>50<\/priority>/);

    // stop, then remove
    expect((await h.http.post(`/ovirt-engine/api/vms/${id}/stop`).set(xml()).send('<action><force>true</force></action>')).status).toBe(
      200,
    );
    h.sim.control.advance(1_000);
    const again = await h.http.post(`/ovirt-engine/api/vms/${id}/stop`).set(xml()).send('<action/>');
    expect(again.status).toBe(200);
    const removed = await h.http.delete(`/ovirt-engine/api/vms/${id}`).set(xml());
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('<status>complete</status>');
    expect((await h.http.get(`/ovirt-engine/api/vms/${id}`).set(xml())).status).toBe(404);
    const codes = h.sim.world.events.map((e) => e.code);
    expect(codes.slice(-4)).toEqual([35, 33, 254, 113]);
  });

  it('when Expect: 201-created is sent, then the answer waits for the image and is 201 down', async () => {
    // superagent cannot send an Expect header (Node flushes headers early), so this one goes through axios.
    const pending = axios.post<string>(`${h.sim.apiUrl}/vms`, newVmXml('web02'), {
      headers: { ...xml(), Expect: '201-created' },
      responseType: 'text',
      validateStatus: () => true,
    });
    await settle(() => h.sim.world.findVm('web02') !== undefined);
    h.sim.control.advance(10_000);
    const res = await pending;
    expect(res.status).toBe(201);
    expect(res.data).toContain('<status>down</status>');
  });

  it('when a name is taken or a field is missing, then 409 / 400 faults', async () => {
    await h.http.post('/ovirt-engine/api/vms').set(xml()).send(newVmXml('dup'));
    const dup = await h.http
      .post('/ovirt-engine/api/vms')
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({
        name: 'dup',
        cluster: { name: 'Default' },
        template: { name: 'debian-12' },
      });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      detail: '[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]',
      reason: 'Operation Failed',
    });
    const missing = await h.http.post('/ovirt-engine/api/vms').set(xml()).send('<vm><cluster><name>Default</name></cluster></vm>');
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/<detail>Vm \[name\] required for add<\/detail>\s*<reason>Incomplete parameters<\/reason>/);
    const badCluster = await h.http
      .post('/ovirt-engine/api/vms')
      .set(xml())
      .send('<vm><name>x</name><cluster><name>Nope</name></cluster><template><name>Blank</name></template></vm>');
    expect(badCluster.status).toBe(404);
    expect(badCluster.text).toContain('Entity not found: Cluster: name=Nope');
    const malformed = await h.http.post('/ovirt-engine/api/vms').set(xml()).send('<vm><name>x</vm>');
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('Request syntactically incorrect.');
  });

  it('when no host has room, then start is refused with the scheduling fault', async () => {
    // An empty 64 GiB host offers 65536 − 321 reserved − 65 guest overhead = 65150 MB (the engine's arithmetic).
    const body = { name: 'huge', cluster: { name: 'Default' }, template: { name: 'Blank' }, memory: String(128 * 1024 ** 3) };
    const created = await h.http.post('/ovirt-engine/api/vms').set(json(h)).set('Content-Type', 'application/json').send(body);
    expect(created.status).toBe(201); // Blank has no disks: synchronous
    const id = (created.body as Json).id as string;
    const res = await h.http.post(`/ovirt-engine/api/vms/${id}/start`).set(json(h)).set('Content-Type', 'application/json').send({});
    expect(res.status).toBe(409);
    const fault = res.body as { fault: Json; status: string };
    expect(fault.status).toBe('failed');
    expect(fault.fault.detail).toBe(
      '[Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:, ' +
        'The host host1 did not satisfy internal filter Memory because its available memory is too low (65150 MB) to run the VM., ' +
        'The host host2 did not satisfy internal filter Memory because its available memory is too low (65150 MB) to run the VM., ' +
        'The host host3 did not satisfy internal filter Memory because its available memory is too low (65150 MB) to run the VM.]',
    );
  });

  it('when a VM is migrated, suspended, resumed and rebooted, then it ends up on the requested host', async () => {
    const created = await h.http
      .post('/ovirt-engine/api/vms')
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ name: 'mig', cluster: { name: 'Default' }, template: { name: 'Blank' } });
    const id = (created.body as Json).id as string;
    await h.http
      .post(`/ovirt-engine/api/vms/${id}/start`)
      .set(xml())
      .send('<action><vm><placement_policy><hosts><host><name>host1</name></host></hosts></placement_policy></vm></action>');
    h.sim.control.advance(10_000);
    expect(h.sim.world.findHost('host1')?.id).toBe(h.sim.world.vms.get(id)?.hostId);
    const mig = await h.http
      .post(`/ovirt-engine/api/vms/${id}/migrate`)
      .set(xml())
      .send('<action><host><name>host3</name></host></action>');
    expect(mig.status).toBe(200);
    expect(h.sim.world.vms.get(id)?.status).toBe('migrating');
    h.sim.control.advance(8_000);
    expect(h.sim.world.vms.get(id)?.hostId).toBe(h.sim.world.findHost('host3')?.id);
    await h.http.post(`/ovirt-engine/api/vms/${id}/suspend`).set(xml()).send('<action/>');
    h.sim.control.advance(5_000);
    expect(h.sim.world.vms.get(id)?.status).toBe('suspended');
    await h.http.post(`/ovirt-engine/api/vms/${id}/start`).set(xml()).send('<action/>');
    expect(h.sim.world.vms.get(id)?.status).toBe('restoring_state');
    h.sim.control.advance(5_000);
    const reboot = await h.http.post(`/ovirt-engine/api/vms/${id}/reboot`).set(xml()).send('<action/>');
    expect(reboot.status).toBe(200);
    expect(h.sim.world.vms.get(id)?.status).toBe('reboot_in_progress');
  });

  it('when hosts are put in maintenance and fenced, then the host actions answer like the engine', async () => {
    const host = h.sim.world.findHost('host2');
    const id = host?.id ?? '';
    const deact = await h.http.post(`/ovirt-engine/api/hosts/${id}/deactivate`).set(xml()).send('<action/>');
    expect(deact.status).toBe(200);
    h.sim.control.advance(10_000);
    expect(host?.status).toBe('maintenance');
    const noType = await h.http.post(`/ovirt-engine/api/hosts/${id}/fence`).set(xml()).send('<action/>');
    expect(noType.status).toBe(400);
    const badType = await h.http
      .post(`/ovirt-engine/api/hosts/${id}/fence`)
      .set(xml())
      .send('<action><fence_type>foo</fence_type></action>');
    expect(badType.status).toBe(400);
    expect(badType.text).toContain(
      'foo is not a member of FenceType. Possible values for FenceType are: manual, restart, start, stop, status',
    );
    const status = await h.http
      .post(`/ovirt-engine/api/hosts/${id}/fence`)
      .set(xml())
      .send('<action><fence_type>status</fence_type></action>');
    expect(status.text).toMatch(/<power_management>\s*<status>on<\/status>\s*<\/power_management>/);
    const act = await h.http.post(`/ovirt-engine/api/hosts/${id}/activate`).set(xml()).send('<action/>');
    expect(act.status).toBe(200);
    h.sim.control.advance(10_000);
    expect(host?.status).toBe('up');
  });
});
