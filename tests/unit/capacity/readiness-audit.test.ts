import { auditReadiness, type ClusterInventory, type ReadinessCheckId, type ReadinessFinding, worstStatus } from '../../../server/capacity';
import { blogCluster, cluster, host, nfsData, vm } from './cluster-builder';

const CHECKS: ReadinessCheckId[] = [
  'shared_storage',
  'local_storage_ha_vms',
  'power_management',
  'fencing_policy',
  'hosts_up',
  'failover_capacity',
  'ha_reservation',
  'ha_drift',
];

function finding(inv: ClusterInventory, check: ReadinessCheckId, options = {}): ReadinessFinding {
  const f = auditReadiness(inv, options).findings.find((x) => x.check === check);
  if (!f) throw new Error(`no ${check} finding`);
  return f;
}

const healthy = () => blogCluster(150);

describe('readiness audit', () => {
  test('a healthy cluster: every check ok, in a fixed order, each with message and fix', () => {
    const report = auditReadiness(healthy());
    expect(report.cluster).toBe('Default');
    expect(report.dataCenter).toBe('dc1');
    expect(report.verdict).toBe('ok');
    expect(report.findings.map((f) => f.check)).toEqual(CHECKS);
    for (const f of report.findings) {
      expect(f.status).toBe('ok');
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(0);
    }
    // 96 - 45 GiB, less the engine's 386 MiB per host and the VMs' 1,082 MiB of overhead.
    expect(report.hosts.map((h) => h.memory.freeBytes / 1024 ** 2)).toEqual([51 * 1024 - 1468, 51 * 1024 - 1468, 51 * 1024 - 1468]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  describe('shared storage', () => {
    test('when the only data domain is local, then failure with how to add shared storage', () => {
      const inv = healthy();
      inv.storageDomains = [{ id: 'sd-l', name: 'local1', type: 'data', storageType: 'localfs', status: 'active', shared: false }];
      const f = finding(inv, 'shared_storage');
      expect(f.status).toBe('failure');
      expect(f.message).toContain('Data center dc1 has no active shared data domain');
      expect(f.message).toContain('local1 (localfs, active)');
      expect(f.fix).toMatch(/^Add shared storage: Storage > Domains > New Domain/);
    });

    test('when the shared data domain is in maintenance, then failure with how to activate it', () => {
      const inv = healthy();
      inv.storageDomains = [{ ...nfsData, status: 'maintenance' }];
      const f = finding(inv, 'shared_storage');
      expect(f.status).toBe('failure');
      expect(f.fix).toBe('Activate the shared data domain: Compute > Data Centers > dc1 > Storage > select nfs-data > Activate.');
    });

    test('when one shared domain is active and another is not, then warning naming the inactive one', () => {
      const inv = healthy();
      inv.storageDomains = [nfsData, { id: 'sd-i', name: 'iscsi-2', type: 'data', storageType: 'iscsi', status: 'inactive', shared: true }];
      const f = finding(inv, 'shared_storage');
      expect(f.status).toBe('warning');
      expect(f.message).toContain('Not active: iscsi-2 (iscsi, inactive)');
    });

    test('ISO and export domains do not count as data storage', () => {
      const inv = healthy();
      inv.storageDomains = [{ ...nfsData, type: 'iso' }];
      expect(finding(inv, 'shared_storage').status).toBe('failure');
    });
  });

  describe('HA VMs on local storage', () => {
    test('when an HA VM has a disk on local storage, then failure naming it', () => {
      const inv = healthy();
      inv.storageDomains.push({ id: 'sd-l', name: 'local1', type: 'data', storageType: 'localfs', status: 'active', shared: false });
      inv.vms.push(vm('pinned-db', 'node01', { storageDomainIds: ['sd-nfs', 'sd-l'] }));
      inv.vms.push(vm('plain-local', 'node01', { storageDomainIds: ['sd-l'], ha: false }));
      const f = finding(inv, 'local_storage_ha_vms');
      expect(f.status).toBe('failure');
      expect(f.message).toBe('1 HA VM keeps disks on local storage (local1) and cannot restart on another host: pinned-db.');
      expect(f.fix).toContain('Storage > Disks > select the disk > Move');
    });

    test('when the disks of an HA VM were not read, then warning', () => {
      const inv = healthy();
      const { storageDomainIds: _omit, ...noDisks } = vm('mystery', 'node01');
      inv.vms.push(noDisks);
      expect(finding(inv, 'local_storage_ha_vms')).toMatchObject({ status: 'warning' });
    });
  });

  describe('power management', () => {
    test('when a host has no power management, then failure saying its HA VMs will not restart automatically', () => {
      const inv = healthy();
      inv.hosts[1] = { ...host('node02'), powerManagement: { enabled: false, agentCount: 0 } };
      const f = finding(inv, 'power_management');
      expect(f.status).toBe('failure');
      expect(f.message).toMatch(
        new RegExp(
          /^HA VMs on host node02 will not restart automatically if it fails /.source +
            /\(9 VMs: vps-2-1, vps-2-2, vps-2-3, vps-2-4, vps-2-5 and 4 more\): power management is not enabled\.$/.source,
        ),
      );
      expect(f.fix).toMatch(/^Compute > Hosts > select node02 > Edit > Power Management/);
    });

    test('when power management is on but has no fence agent, then failure; lease VMs are said to restart anyway', () => {
      const inv = cluster(
        [host('a', { powerManagement: { enabled: true, agentCount: 0 } }), host('b')],
        [vm('leased', 'a', { lease: true })],
      );
      const f = finding(inv, 'power_management');
      expect(f.status).toBe('failure');
      expect(f.message).toBe(
        'Host a runs no HA VM without a lease now, but any the scheduler starts there would not restart automatically if it fails; ' +
          '1 VM with a VM lease would still restart: power management has no fence agent.',
      );
    });
  });

  test('when the fencing policy is off, then failure with the menu path', () => {
    const inv = healthy();
    inv.cluster.fencingPolicyEnabled = false;
    const f = finding(inv, 'fencing_policy');
    expect(f.status).toBe('failure');
    expect(f.message).toContain('27 HA VMs without a lease');
    expect(f.fix).toBe('Compute > Clusters > select Default > Edit > Fencing Policy: tick "Enable fencing".');
  });

  describe('hosts up', () => {
    test('when only one host is up, then failure', () => {
      const inv = cluster([host('a'), host('b', { status: 'maintenance' })], []);
      const f = finding(inv, 'hosts_up');
      expect(f.status).toBe('failure');
      expect(f.message).toBe(
        '1 of 2 hosts up. In maintenance: b (maintenance). With fewer than two hosts up, a host failure leaves no host for its VMs.',
      );
    });

    test('when a single-host cluster is audited, then the fix is to add a host', () => {
      expect(finding(cluster([host('a')], []), 'hosts_up').fix).toBe('Add a second host to the cluster: Compute > Hosts > New.');
    });

    test('when two are up and one is non-responsive, then warning', () => {
      const inv = cluster([host('a'), host('b'), host('c', { status: 'non_responsive' })], []);
      expect(finding(inv, 'hosts_up')).toMatchObject({ status: 'warning', message: '2 of 3 hosts up. Not up: c (non_responsive).' });
    });
  });

  describe('failover capacity', () => {
    test('when N+1 fails, then failure with the model numbers', () => {
      const report = auditReadiness(blogCluster(100));
      const f = report.findings.find((x) => x.check === 'failover_capacity');
      expect(f).toMatchObject({
        status: 'failure',
        message: 'N+1 fails: if node01 fails, 3 HA VMs (15.4 GiB, 8 vCPUs) find no host with room. 3 of 3 cases fail.',
      });
      expect(f?.fix).toContain('Compute > Hosts > New');
      expect(report.failover.status).toBe('fails');
      expect(report.verdict).toBe('failure');
    });

    test('when the bound cannot prove N+k, then warning, not ok', () => {
      const inv = cluster(
        [host('a'), host('b'), host('c')],
        [vm('big', 'a', { memoryGiB: 32 }), ...Array.from({ length: 20 }, (_, j) => vm(`b${j}`, 'b', { memoryGiB: 1 }))],
      );
      inv.vms.push(...Array.from({ length: 20 }, (_, j) => vm(`c${j}`, 'c', { memoryGiB: 1 })));
      expect(finding(inv, 'failover_capacity', { enumerationLimit: 0 }).status).toBe('warning');
    });

    test('the configured k is audited', () => {
      expect(finding(healthy(), 'failover_capacity', { k: 2 }).status).toBe('failure');
    });
  });

  test('the HA reservation flag is information either way', () => {
    const on = healthy();
    on.cluster.haReservation = true;
    expect(finding(on, 'ha_reservation')).toMatchObject({ status: 'ok', fix: 'Nothing to do.' });
    const off = finding(healthy(), 'ha_reservation');
    expect(off.status).toBe('ok');
    expect(off.fix).toContain('Enable HA Reservation');
  });

  describe('HA drift', () => {
    test("when a VM's HA differs from its plan, then warning naming the VM and both values", () => {
      const inv = healthy();
      inv.vms.push(
        vm('vps-a', 'node01', { ha: false, plan: { productId: '42', expectedHa: { enabled: true, priority: 100 } } }),
        vm('vps-b', 'node02', { ha: 1, plan: { productId: '42', expectedHa: { enabled: true, priority: 100 } } }),
        vm('vps-c', 'node03', { ha: 100, plan: { productId: '42', expectedHa: { enabled: true, priority: 100 } } }),
        vm('vps-d', 'node03', { ha: false, plan: { productId: '9', expectedHa: { enabled: false, priority: 50 } } }),
      );
      const report = auditReadiness(inv);
      const f = report.findings.find((x) => x.check === 'ha_drift');
      expect(f?.status).toBe('warning');
      expect(f?.message).toBe(
        'HA settings of 2 VMs differ from their plan: vps-a (plan 42): HA off in oVirt, plan has it on (priority 100) and vps-b ' +
          '(plan 42): HA priority 1 in oVirt, plan has 100.',
      );
      expect(report.drift.map((d) => [d.vmName, d.differs])).toEqual([
        ['vps-a', ['enabled']],
        ['vps-b', ['priority']],
      ]);
    });

    test('when every planned VM matches, then ok', () => {
      const inv = healthy();
      inv.vms.push(vm('vps-c', 'node03', { ha: 100, plan: { productId: '42', expectedHa: { enabled: true, priority: 100 } } }));
      expect(finding(inv, 'ha_drift')).toMatchObject({ status: 'ok', message: 'The HA settings of the one VM linked to a plan match it.' });
    });
  });

  test('the verdict is the worst finding', () => {
    expect(worstStatus([])).toBe('ok');
    expect(worstStatus(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worstStatus(['warning', 'failure', 'ok'])).toBe('failure');
    const inv = cluster([host('a'), host('b'), host('c', { status: 'non_responsive' })], []);
    expect(auditReadiness(inv).verdict).toBe('warning');
  });
});
