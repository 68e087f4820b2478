import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as map from '../../server/ovirt/mappers';
import { clusterSchema, collection, eventSchema, hostSchema, storageDomainSchema, vmSchema } from '../../server/ovirt/schemas';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'engine-json', name), 'utf8'));

describe('parsing the engine JSON of both dialects', () => {
  test('a VM from a 4.3+ engine (numbers and booleans as strings) and from an older one (natives) read the same', () => {
    const modern = map.toVm(vmSchema.parse(fixture('vm-4.4-strings.json')));
    const older = map.toVm(vmSchema.parse(fixture('vm-4.2-natives.json')));
    expect(modern).toMatchObject({
      id: '123',
      name: 'obh-svc-1001',
      status: 'up',
      memoryBytes: 4294967296,
      vcpus: 2,
      ha: { enabled: true, priority: 50 },
      hostId: '456',
      clusterId: '234',
      leaseStorageDomainId: 'abc',
      nextRunConfigurationExists: false,
      startTime: new Date(1704103200000),
    });
    for (const key of ['memoryBytes', 'vcpus', 'ha', 'hostId', 'clusterId', 'status', 'startTime', 'nextRunConfigurationExists'] as const) {
      expect(older[key]).toEqual(modern[key]);
    }
  });

  test('hosts give memory, topology, power management and status; missing parts get safe defaults', () => {
    const hosts = collection('host', hostSchema).parse(fixture('hosts.json')).map(map.toHost);
    expect(hosts[0]).toMatchObject({
      name: 'host1',
      memoryBytes: 270186856448,
      maxSchedulingMemoryBytes: 265421012992,
      cpu: { sockets: 2, cores: 14, threads: 2 },
      powerManagement: { enabled: true, automatic: true },
      spm: 'spm',
      vmSummary: { active: 3, migrating: 0, total: 3 },
    });
    expect(hosts[1]).toMatchObject({
      status: 'non_responsive',
      memoryBytes: 68719476736,
      powerManagement: { enabled: false },
      maxSchedulingMemoryBytes: undefined,
    });
  });

  test('clusters give over-commit, HA reservation and fencing policy in either dialect', () => {
    const clusters = collection('cluster', clusterSchema).parse(fixture('clusters.json')).map(map.toCluster);
    expect(clusters).toEqual([
      expect.objectContaining({
        name: 'Default',
        memoryOverCommitPercent: 150,
        haReservation: false,
        fencingPolicyEnabled: true,
        dataCenterId: '123',
      }),
      expect.objectContaining({ name: 'Old', memoryOverCommitPercent: 100, haReservation: true, fencingPolicyEnabled: true }),
    ]);
  });

  test('events read code and index from strings or numbers and dates from epoch ms, with or without index', () => {
    const events = collection('event', eventSchema).parse(fixture('events.json')).map(map.toEvent);
    expect(events.map((e) => [e.index, e.code, e.time.toISOString()])).toEqual([
      [5022, 506, '2024-01-01T10:00:15.123Z'],
      [5020, 32, '2024-01-01T10:00:05.123Z'],
      [5021, 12, '2024-01-01T10:00:10.000Z'],
    ]);
    expect(events[1]?.correlationId).toBe('svc-1001-create');
    expect(events[0]?.vm).toEqual({ id: '123', name: 'obh-svc-1001' });
  });

  test('storage domains are shared unless localfs', () => {
    const sds = collection('storage_domain', storageDomainSchema).parse(fixture('storage-domains.json')).map(map.toStorageDomain);
    expect(sds.map((s) => [s.name, s.storageType, s.shared, s.status])).toEqual([
      ['nfs-data', 'nfs', true, 'active'],
      ['local', 'localfs', false, undefined],
    ]);
    expect(sds[0]?.dataCenterIds).toEqual(['123']);
  });

  test('an empty collection is an empty body, and means an empty list', () => {
    expect(collection('vm', vmSchema).parse(fixture('empty-collection.json'))).toEqual([]);
  });

  test('a document with a wrong type is refused rather than misread', () => {
    expect(vmSchema.safeParse({ id: '1', name: 'x', memory: 'lots' }).success).toBe(false);
    expect(vmSchema.safeParse({ id: '1', name: 'x', high_availability: { enabled: 'maybe' } }).success).toBe(false);
  });
});
