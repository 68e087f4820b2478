/**
 * Plain entity reads skip express (ovirt-simulator/http/fast-reads.ts). Two simulators on the same scenario and a
 * manual clock, one with that path and one without, must answer every request with the same status, headers (in
 * order) and body, in every state of the world, and count the same metrics.
 */
import { request } from 'node:http';
import { type RunningSimulator, startSimulator } from '../../../ovirt-simulator';

async function token(sim: RunningSimulator): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'password', scope: 'ovirt-app-api', username: 'admin@internal', password: 'ovirt' });
  const res = await fetch(`${sim.url}/sso/oauth/token`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The whole answer as text (Date left out; the port normalised). */
function send(sim: RunningSimulator, method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: sim.port, method, path, headers, agent: false }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (b += c));
      res.on('end', () => {
        const hs: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          if (res.rawHeaders[i] !== 'Date') hs.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
        resolve(`${res.statusCode} ${res.statusMessage}\n${hs.join('\n')}\n\n${b}`.replaceAll(String(sim.port), 'PORT'));
      });
    });
    r.on('error', reject);
    if (body !== undefined) r.write(body);
    r.end();
  });
}

interface Variant {
  name: string;
  method?: string;
  headers: (token: string) => Record<string, string>;
  body?: string;
}

const bearer = (t: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${t}`, ...extra });
const VARIANTS: Variant[] = [
  { name: 'json', headers: (t) => bearer(t, { accept: 'application/json' }) },
  { name: 'xml', headers: (t) => bearer(t, { accept: 'application/xml' }) },
  { name: 'no accept', headers: (t) => bearer(t) },
  { name: 'mixed accept', headers: (t) => ({ accept: 'Application/JSON;q=0.9, text/xml', authorization: `bearer  ${t} ` }) },
  { name: 'correlation id', headers: (t) => bearer(t, { accept: 'application/json', 'correlation-id': 'abc/def$ghi-123_' }) },
  { name: 'bad correlation id', headers: (t) => bearer(t, { accept: 'application/json', 'correlation-id': '$$$' }) },
  { name: 'version 4', headers: (t) => bearer(t, { accept: 'application/json', version: ' 4 ' }) },
  { name: 'version 3', headers: (t) => bearer(t, { accept: 'application/json', version: '3' }) },
  { name: 'bad token', headers: () => ({ accept: 'application/json', authorization: 'Bearer nope' }) },
  { name: 'no credentials', headers: () => ({ accept: 'application/json' }) },
  {
    name: 'basic',
    headers: () => ({ accept: 'application/json', authorization: `Basic ${Buffer.from('admin@internal:ovirt').toString('base64')}` }),
  },
  {
    name: 'basic, wrong password',
    headers: () => ({ accept: 'application/json', authorization: `Basic ${Buffer.from('admin@internal:x').toString('base64')}` }),
  },
  { name: 'if-none-match', headers: (t) => bearer(t, { accept: 'application/json', 'if-none-match': '*' }) },
  { name: 'HEAD', method: 'HEAD', headers: (t) => bearer(t, { accept: 'application/json' }) },
  {
    name: 'a body',
    headers: (t) => bearer(t, { accept: 'application/json', 'content-type': 'text/plain', 'content-length': '5' }),
    body: 'hello',
  },
  {
    name: 'POST',
    method: 'POST',
    headers: (t) => bearer(t, { accept: 'application/json', 'content-type': 'application/json' }),
    body: '{}',
  },
];

describe('simulator: the fast path for entity reads', () => {
  let fast: RunningSimulator;
  let plain: RunningSimulator;
  const tokens = new Map<RunningSimulator, string>();
  let paths: string[];

  beforeAll(async () => {
    fast = await startSimulator({ scenario: 'ha-drill', clock: 'manual' });
    plain = await startSimulator({ scenario: 'ha-drill', clock: 'manual', fastReads: false });
    for (const s of [fast, plain]) tokens.set(s, await token(s));
    const w = fast.world;
    const first = <T>(m: Map<string, T>) => [...m.keys()][0]!;
    expect(first(plain.world.hosts)).toBe(first(w.hosts));
    const api = '/ovirt-engine/api';
    const host = first(w.hosts);
    paths = [
      `${api}/hosts/${host}`,
      `${api}/v4/hosts/${host}`,
      `${api}/vms/${first(w.vms)}`,
      `${api}/v4/vms/${first(w.vms)}`,
      `${api}/clusters/${first(w.clusters)}`,
      `${api}/datacenters/${first(w.dataCenters)}`,
      `${api}/storagedomains/${first(w.storageDomains)}`,
      `${api}/templates/${first(w.templates)}`,
      `${api}/disks/${first(w.disks)}`,
      `${api}/networks/${first(w.net.networks)}`,
      `${api}/vnicprofiles/${first(w.net.vnicProfiles)}`,
      `${api}/macpools/${first(w.net.macPools)}`,
      `${api}/vnicprofiles/nope`,
      `${api}/events/${w.events[0]?.index ?? 1}`,
      `${api}/jobs/nope`,
      `${api}/hosts/nope`,
      `${api}/hosts/${host}/`,
      `${api}/hosts/${host}?x=1`,
      `${api}/hosts/${host};a=b`,
      `${api}/hosts/%41`,
      `${api}/HOSTS/${host}`,
      `${api}/v3/hosts/${host}`,
      `${api}/constructor/x`,
      `${api}/__proto__/x`,
      `${api}/hosts`,
    ];
  });
  afterAll(async () => {
    await fast.close();
    await plain.close();
  });

  const compare = async () => {
    const differences: string[] = [];
    for (const path of paths) {
      for (const v of VARIANTS) {
        const at = (s: RunningSimulator) => send(s, v.method ?? 'GET', path, v.headers(tokens.get(s)!), v.body);
        const [a, b] = await Promise.all([at(fast), at(plain)]);
        if (a !== b) differences.push(`${v.name} ${path}\n--- fast\n${a.slice(0, 400)}\n--- express\n${b.slice(0, 400)}`);
      }
    }
    expect(differences).toEqual([]);
    expect(fast.control.metrics.snapshot()).toEqual(plain.control.metrics.snapshot());
  };

  test('when the world is as loaded, then both paths answer alike', compare);

  test('when a host has failed and HA restarted its VMs, then both paths answer alike', async () => {
    for (const s of [fast, plain]) {
      s.control.failHost([...s.world.hosts.keys()][0]!, 'power_loss');
      s.control.advance(90_000);
    }
    await compare();
  });

  test('when faults are switched on, then reads go through the fault layer on both', async () => {
    for (const s of [fast, plain]) {
      s.control.addFault({ kind: 'error', path: '/api/hosts/*', status: 503 });
      s.control.addFault({ kind: 'latency', path: '/api/nothing', latencyMs: 1 });
    }
    await compare();
    for (const s of [fast, plain]) s.control.clearFaults();
  });

  test('when the tokens have expired, then both answer 401 alike', async () => {
    for (const s of [fast, plain]) s.control.advance(3_600_000);
    await compare();
  });
});
