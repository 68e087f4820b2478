import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

describe('simulator REST API: wire format and resources', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('when the root is read in XML, then product_info, summary and links are there', async () => {
    const res = await h.http.get('/ovirt-engine/api').set(auth(h));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/xml/);
    expect(res.headers['correlation-id']).toBeDefined();
    expect(res.text).toContain('<name>oVirt Engine</name>');
    expect(res.text).toContain('<link href="/ovirt-engine/api/vms" rel="vms"/>');
    expect(res.text).toMatch(/<vms>\s*<active>15<\/active>\s*<total>15<\/total>\s*<\/vms>/);
  });

  it('when the root is read in JSON, then numbers are strings and time is epoch ms', async () => {
    const res = await h.http.get('/ovirt-engine/api').set(json(h));
    const body = res.body as Json;
    expect((body.summary as Json).hosts).toEqual({ active: '3', total: '3' });
    expect(typeof body.time).toBe('number');
    expect(res.text).toContain('"major" : "4"');
  });

  it('when VMs are listed in JSON, then the collection is {"vm":[…]} with references, actions and string numbers', async () => {
    const res = await h.http.get('/ovirt-engine/api/vms').set(json(h));
    const vms = (res.body as { vm: Json[] }).vm;
    expect(vms.map((v) => v.name)).toEqual([...vms.map((v) => v.name as string)].sort());
    const web01 = vms.find((v) => v.name === 'web01') as Json;
    expect(web01.href).toBe(`/ovirt-engine/api/vms/${String(web01.id)}`);
    expect(web01.memory).toBe(String(8 * 1024 ** 3));
    expect(web01.high_availability).toEqual({ enabled: 'true', priority: '100' });
    expect(web01.status).toBe('up');
    expect(web01.lease).toEqual({ storage_domain: expect.objectContaining({ id: expect.any(String) }) });
    expect((web01.host as Json).href).toMatch(/^\/ovirt-engine\/api\/hosts\//);
    expect(((web01.actions as Json).link as Json[]).map((l) => l.rel)).toEqual(expect.arrayContaining(['start', 'stop', 'migrate']));
    expect(typeof web01.start_time).toBe('number');
    expect((web01.cpu as Json).topology).toEqual({ cores: '4', sockets: '1', threads: '1' });
  });

  it('when /v4 is used, then every href carries /v4', async () => {
    const res = await h.http.get('/ovirt-engine/api/v4/hosts').set(auth(h));
    expect(res.text).toContain('href="/ovirt-engine/api/v4/hosts/');
    expect(res.text).not.toMatch(/href="\/ovirt-engine\/api\/(?!v4)/);
  });

  it('when a host is read, then CPU topology, memory, max_scheduling_memory, PM, SPM and summary are shown', async () => {
    const list = await h.http.get('/ovirt-engine/api/hosts?search=name%3Dhost1').set(json(h));
    const host = (list.body as { host: Json[] }).host[0] as Json;
    expect(host.memory).toBe(String(64 * 1024 ** 3));
    // The engine's arithmetic: 65536 MiB − reserved 321 − guest overhead 65 − VMs with their overhead
    // (web01, web02 8192 + 136; db01 16384 + 152; mail01 4096 + 112; dev01 2048 + 108).
    expect(host.max_scheduling_memory).toBe(String((65536 - 321 - 65 - (2 * 8328 + 16536 + 4208 + 2156)) * 1024 ** 2));
    expect((host.cpu as Json).topology).toEqual({ cores: '16', sockets: '2', threads: '1' });
    expect((host.power_management as Json).enabled).toBe('true');
    expect(host.spm).toEqual({ priority: '5', status: 'spm' });
    expect(host.summary).toEqual({ active: '5', migrating: '0', total: '5' });
    const agents = await h.http.get(`/ovirt-engine/api/hosts/${String(host.id)}/fenceagents`).set(json(h));
    expect((agents.body as { agent: Json[] }).agent[0]).toEqual(expect.objectContaining({ type: 'ipmilan', address: '10.0.0.11' }));
  });

  it('when clusters, data centers, storage domains and templates are read, then their HA-relevant fields are there', async () => {
    const clusters = ((await h.http.get('/ovirt-engine/api/clusters').set(json(h))).body as { cluster: Json[] }).cluster;
    expect(clusters[0]).toEqual(
      expect.objectContaining({
        name: 'Default',
        ha_reservation: 'false',
        memory_policy: expect.objectContaining({ over_commit: { percent: '100' } }),
        fencing_policy: expect.objectContaining({ enabled: 'true' }),
        scheduling_policy: expect.objectContaining({ id: 'b4ed2332-a7ac-4d5f-9596-99a439cb2812' }),
      }),
    );
    const dcs = ((await h.http.get('/ovirt-engine/api/datacenters').set(json(h))).body as { data_center: Json[] }).data_center;
    expect(dcs[0]).toEqual(expect.objectContaining({ name: 'Default', local: 'false', status: 'up' }));
    const top = ((await h.http.get('/ovirt-engine/api/storagedomains').set(json(h))).body as { storage_domain: Json[] }).storage_domain;
    const nfs = top.find((s) => s.name === 'nfs-data') as Json;
    expect(nfs.status).toBeUndefined();
    expect(nfs.storage).toEqual(expect.objectContaining({ type: 'nfs', address: 'nfs.example.com' }));
    expect(nfs.type).toBe('data');
    const inDc = await h.http.get(`/ovirt-engine/api/datacenters/${String(dcs[0]?.id)}/storagedomains`).set(json(h));
    expect((inDc.body as { storage_domain: Json[] }).storage_domain.map((s) => s.status)).toEqual(['active', 'active']);
    const templates = await h.http.get('/ovirt-engine/api/templates?search=name%3Ddebian-12').set(auth(h));
    expect(templates.text).toMatch(/<templates>\s*<template href="\/ovirt-engine\/api\/templates\/[^"]+" id="[^"]+">/);
  });

  it('when an unknown id is read, then 404 with an empty body', async () => {
    const res = await h.http.get('/ovirt-engine/api/vms/00000000-0000-0000-0000-00000000abcd').set(auth(h));
    expect(res.status).toBe(404);
    expect(res.text).toBe('');
  });

  it('when VMs are searched, then name wildcards, host=, status= (backend names) and max work', async () => {
    const names = async (q: string) => {
      const res = await h.http.get(`/ovirt-engine/api/vms?${q}`).set(json(h));
      return ((res.body as { vm?: Json[] }).vm ?? []).map((v) => v.name);
    };
    expect(await names('search=name%3Dweb0*')).toEqual(['web01', 'web02', 'web03', 'web04', 'web05', 'web06']);
    expect(await names('search=host%3Dhost3%20and%20name%3Dweb*')).toEqual(['web05', 'web06']);
    expect(await names('search=cluster%3DDefault&max=2')).toEqual(['cache01', 'db01']);
    expect(await names('search=status%3Ddown')).toEqual([]);
    // Not a backend enum name: the engine's INVALID_CONDITION_VALUE, which its REST layer answers with no VMs.
    const bad = await h.http.get('/ovirt-engine/api/vms?search=status%3Dimage_locked').set(json(h));
    expect(bad.status).toBe(200);
    expect(bad.body).toEqual({});
  });

  it('when VM statistics are read, then ids are the engine ids and elapsed.time is the uptime', async () => {
    const vm = h.sim.world.findVm('web01');
    const res = await h.http.get(`/ovirt-engine/api/vms/${vm?.id ?? ''}/statistics`).set(json(h));
    const stats = (res.body as { statistic: Json[] }).statistic;
    const elapsed = stats.find((s) => s.name === 'elapsed.time') as Json;
    expect(elapsed.id).toBe('57dfc947-ba36-3a51-a1ad-3800b6199ff5');
    expect(elapsed.values).toEqual({ value: [{ datum: '3600' }] });
  });
});
