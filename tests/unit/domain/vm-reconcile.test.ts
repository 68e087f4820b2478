import { endMissing, observedState, reconcileMissing, reconcileObserved } from '../../../server/domain/vm-reconcile';
import { INITIAL_TIMELINE, type IncidentDraft, type TimelineState } from '../../../server/domain/timeline';

const T = Date.UTC(2026, 10, 3, 3, 0, 0);
const up: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'host1', firstUpAt: T - 86_400_000 };
const incident = (cause: IncidentDraft['cause'], startedAt: number, failedHost: string | null = null): IncidentDraft => ({
  openedBy: 'e:1',
  cause,
  startedAt,
  endedAt: null,
  failedHost,
  restartHost: null,
  steps: [],
});

describe('the VM check on one timeline', () => {
  test('when the VM is gone, then a vm_missing incident opens from its removal, with a step that says the check found it', () => {
    const r = reconcileMissing({ ...up, status: 'removed' }, { key: 'reconcile:1', at: T, since: T - 30_000 });
    expect(r.changed).toHaveLength(1);
    expect(r.changed[0]).toMatchObject({ cause: 'vm_missing', startedAt: T - 30_000, endedAt: null, openedBy: 'reconcile:1' });
    expect(r.changed[0]?.steps).toEqual([{ kind: 'reconcile_vm_missing', at: T, hosts: [] }]);
    expect(r.state.open?.cause).toBe('vm_missing');
    // Found again next period: nothing new.
    expect(reconcileMissing(r.state, { key: 'reconcile:2', at: T + 60_000, since: T + 60_000 }).changed).toEqual([]);
  });

  test('when the VM is gone while an outage is open, then that outage ends at the removal and vm_missing takes over', () => {
    const r = reconcileMissing({ ...up, status: 'down', open: incident('crash', T - 600_000) }, { key: 'k', at: T, since: T - 60_000 });
    expect(r.changed.map((i) => [i.cause, i.startedAt, i.endedAt])).toEqual([
      ['crash', T - 600_000, T - 60_000],
      ['vm_missing', T - 60_000, null],
    ]);
  });

  test('when the VM runs but the timeline holds an open outage, then it closes when the VM started, named as the check found it', () => {
    const r = reconcileObserved(
      { ...up, status: 'down', open: incident('host_failure', T - 300_000, 'host1') },
      { status: 'up', host: 'host3', startedAt: T - 120_000 },
      T,
      'k',
      false,
    );
    expect(r.correction).toBe('state');
    expect(r.changed[0]).toMatchObject({ cause: 'ha_restart', endedAt: T - 120_000, restartHost: 'host3' });
    expect(r.changed[0]?.steps).toEqual([{ kind: 'reconcile_state_corrected', at: T, hosts: ['host3'] }]);
    expect(r.state).toMatchObject({ status: 'up', host: 'host3', open: null });
  });

  test('when the VM is down but the timeline says up, then the time is unknown from now (planned for a suspended service)', () => {
    const r = reconcileObserved(up, { status: 'down', host: null, startedAt: null }, T, 'k', false);
    expect(r.changed[0]).toMatchObject({ cause: 'unknown', startedAt: T, endedAt: null });
    expect(reconcileObserved(up, { status: 'down', host: null, startedAt: null }, T, 'k', true).changed[0]?.cause).toBe('planned');
  });

  test('when only the host differs, then the host follows with no incident; transient states are left to the events', () => {
    const r = reconcileObserved(up, { status: 'up', host: 'host2', startedAt: T - 1000 }, T, 'k', false);
    expect(r).toMatchObject({ correction: 'host', changed: [], state: { host: 'host2', status: 'up' } });
    expect(reconcileObserved(up, { status: 'image_locked', host: null, startedAt: null }, T, 'k', false).correction).toBe('none');
    expect(observedState('unknown')).toBe('transient');
    expect(observedState('migrating')).toBe('running');
  });

  test('when a missing service is terminated, then its incident ends then', () => {
    const r = reconcileMissing(up, { key: 'k', at: T, since: T });
    const ended = endMissing(r.state, T + 3600_000);
    expect(ended.changed[0]).toMatchObject({ cause: 'vm_missing', endedAt: T + 3600_000 });
    expect(ended.state.open).toBeNull();
  });
});
