import { ENGINE_EVENT as E } from '../../../server/domain/engine-event-codes';
import { incidentSummary } from '../../../server/http/presenters/incident-text';
import {
  applyGap,
  applyHostEvent,
  applyVmEvent,
  type HostHealth,
  INITIAL_TIMELINE,
  type IncidentDraft,
  type TimelineEvent,
  type TimelineState,
} from '../../../server/domain/timeline';

const T0 = Date.UTC(2026, 10, 3, 3, 12, 4);
const at = (s: number) => T0 + s * 1000;

let seq = 0;
const ev = (code: number, s: number, hostName: string | null, description = '', correlationId: string | null = null): TimelineEvent => ({
  key: `1:${++seq}`,
  code,
  at: at(s),
  hostName,
  description,
  correlationId,
});
/** A call the bridge made for the panel: its correlation id (server/use-cases/provisioning.ts). */
const PANEL = 'svc-4821-job-77';

/** Feeds host events (vm = false) and VM events in order; returns the last state and every incident version. */
function play(
  events: Array<[TimelineEvent, 'host' | 'vm']>,
  start: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'host2', firstUpAt: 0 },
) {
  let state = start;
  let health: HostHealth = {};
  const incidents = new Map<string, IncidentDraft>();
  for (const [e, kind] of events) {
    if (kind === 'host') {
      health = applyHostEvent(health, e);
      continue;
    }
    const r = applyVmEvent(state, e, health);
    state = r.state;
    for (const i of r.changed) incidents.set(i.openedBy, i);
  }
  return { state, incidents: [...incidents.values()] };
}

describe('incident builder', () => {
  test('when a host fails and the engine fences it and restarts the VM elsewhere, then one ha_restart incident runs from the first sign to up', () => {
    const { state, incidents } = play([
      [ev(E.VDS_HOST_NOT_RESPONDING_CONNECTING, 0, 'host2'), 'host'],
      [ev(E.VDS_FAILURE, 86, 'host2'), 'host'],
      [ev(E.VM_SET_TO_UNKNOWN_STATUS, 86, 'host2'), 'vm'],
      [ev(E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE, 120, 'host2'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 130, 'host3'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 153, 'host3'), 'vm'],
    ]);
    expect(incidents).toHaveLength(1);
    const [i] = incidents;
    expect(i).toMatchObject({ cause: 'ha_restart', startedAt: at(0), endedAt: at(153), failedHost: 'host2', restartHost: 'host3' });
    expect(state).toMatchObject({ status: 'up', host: 'host3', open: null });
    expect(incidentSummary(i!, 'UTC', at(1000))).toBe(
      'Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s',
    );
  });

  test('when a restart attempt fails on a host first, then the incident stays open until the VM is really up', () => {
    const { state, incidents } = play([
      [ev(E.VDS_HOST_NOT_RESPONDING_CONNECTING, 0, 'host2'), 'host'],
      [ev(E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE, 90, 'host2'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 91, 'host1'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM_FAILED, 92, 'host1'), 'vm'],
      [ev(E.HA_VM_RESTART_FAILED, 92, null), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 121, 'host1'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 131, 'host1'), 'vm'],
    ]);
    expect(incidents[0]).toMatchObject({ cause: 'ha_restart', startedAt: at(0), endedAt: at(131), restartHost: 'host1' });
    expect(incidents[0]?.steps.map((s) => ('kind' in s ? s.kind : s.text))).toEqual([
      'host_not_responding',
      'host_fenced',
      'restart_started',
      'restart_failed',
      'restart_started',
      'running_again',
    ]);
    expect(state.status).toBe('up');
  });

  test('when no host has room for the HA VM, then it is waiting_for_room until it restarts, with one counted step', () => {
    const played = play([
      [ev(E.VDS_HOST_NOT_RESPONDING_CONNECTING, 0, 'host2'), 'host'],
      [ev(E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE, 90, 'host2'), 'vm'],
      [ev(E.HA_VM_RESTART_FAILED, 91, null), 'vm'],
      [ev(E.HA_VM_RESTART_FAILED, 121, null), 'vm'],
      [
        ev(
          E.USER_FAILED_RUN_VM,
          151,
          null,
          'Failed to run VM vps-1 due to a failed validation: [Cannot run VM. There is no host that satisfies current scheduling constraints.]',
        ),
        'vm',
      ],
      [ev(E.HA_VM_RESTART_FAILED, 151, null), 'vm'],
    ]);
    expect(played.incidents[0]).toMatchObject({ cause: 'waiting_for_room', startedAt: at(0), endedAt: null, failedHost: 'host2' });
    const noRoom = played.incidents[0]?.steps.filter((s) => 'kind' in s && s.kind === 'no_room');
    expect(noRoom).toEqual([expect.objectContaining({ at: at(91), count: 4, lastAt: at(151) })]);
    expect(played.state.status).toBe('down');
    // Room freed: the engine restarts it on another host, and the incident is told as the HA restart it became.
    const after = play(
      [
        [ev(E.VDS_INITIATED_RUN_VM, 1900, 'host1'), 'vm'],
        [ev(E.VDS_INITIATED_RUN_VM, 1910, 'host1'), 'vm'],
      ],
      played.state,
    );
    expect(after.incidents[0]).toMatchObject({ cause: 'ha_restart', endedAt: at(1910), restartHost: 'host1' });
  });

  test('when a crashed HA VM finds no room, then it waits for room and is a crash once it restarts', () => {
    const played = play([
      [ev(E.VM_DOWN_ERROR, 0, null, 'VM vps-1 is down with error.'), 'vm'],
      [ev(E.HA_VM_FAILED, 0, null), 'vm'],
      [ev(E.HA_VM_RESTART_FAILED, 1, null), 'vm'],
    ]);
    expect(played.incidents[0]).toMatchObject({ cause: 'waiting_for_room', failedHost: null });
    const after = play(
      [
        [ev(E.VDS_INITIATED_RUN_VM, 40, 'host2'), 'vm'],
        [ev(E.VDS_INITIATED_RUN_VM, 50, 'host2'), 'vm'],
      ],
      played.state,
    );
    expect(after.incidents[0]).toMatchObject({ cause: 'crash', endedAt: at(50) });
  });

  test('when the host only lost contact and the VM is restored to Up on it, then the cause is host_contact_lost', () => {
    const { incidents, state } = play([
      [ev(E.VDS_HOST_NOT_RESPONDING_CONNECTING, 0, 'host2'), 'host'],
      [ev(E.VM_SET_TO_UNKNOWN_STATUS, 80, 'host2'), 'vm'],
      [ev(E.VDS_SOFT_RECOVER, 91, 'host2'), 'host'],
      [ev(E.VM_STATUS_RESTORED, 91, 'host2'), 'vm'],
    ]);
    expect(incidents).toEqual([
      expect.objectContaining({ cause: 'host_contact_lost', startedAt: at(0), endedAt: at(91), failedHost: 'host2', restartHost: 'host2' }),
    ]);
    expect(incidents[0]?.steps.map((s) => ('kind' in s ? s.kind : s.text))).toEqual([
      'host_not_responding',
      'vm_unknown',
      'contact_restored',
    ]);
    expect(state).toMatchObject({ status: 'up', host: 'host2', open: null });
  });

  test('when the VM was restarted before it is restored to Up, then it is no loss of contact', () => {
    const { incidents } = play([
      [ev(E.VDS_HOST_NOT_RESPONDING_CONNECTING, 0, 'host2'), 'host'],
      [ev(E.VM_SET_TO_UNKNOWN_STATUS, 80, 'host2'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 90, 'host3'), 'vm'],
      [ev(E.VM_STATUS_RESTORED, 100, 'host3'), 'vm'],
    ]);
    expect(incidents[0]?.cause).toBe('unknown');
  });

  test('when the VM crashes on a healthy host, then a crash incident ends when HA brings it up', () => {
    const { incidents } = play([
      [ev(E.VM_DOWN_ERROR, 0, null, 'VM vps-1 is down with error. Exit message: Lost connection with qemu process.'), 'vm'],
      [ev(E.HA_VM_FAILED, 0, null), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 2, 'host2'), 'vm'],
      [ev(E.VDS_INITIATED_RUN_VM, 12, 'host2'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'crash', startedAt: at(0), endedAt: at(12), restartHost: 'host2' })]);
  });

  test('when the panel suspends and later unsuspends, then the stop is planned from the shutdown request', () => {
    const { incidents } = play([
      [ev(E.USER_INITIATED_SHUTDOWN_VM, 0, 'host2', '', PANEL), 'vm'],
      [ev(E.VM_DOWN, 40, 'host2', 'VM vps-1 is down. Exit message: Admin shut down from the engine'), 'vm'],
      [ev(E.USER_STARTED_VM, 3600, 'host1'), 'vm'],
      [ev(E.USER_RUN_VM, 3610, 'host1'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'planned', startedAt: at(0), endedAt: at(3610) })]);
  });

  test('when an admin shuts the VM down in the engine, then it is an admin_stop on the host it ran on, from the request', () => {
    const { incidents } = play([
      [ev(E.USER_INITIATED_SHUTDOWN_VM, 0, 'host2', 'VM shutdown initiated by admin@internal-authz on VM vps-1 (Host: host2).'), 'vm'],
      [ev(E.VM_DOWN, 40, 'host2', 'VM vps-1 is down. Exit message: Admin shut down from the engine'), 'vm'],
      [ev(E.USER_RUN_VM, 600, 'host2'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'admin_stop', startedAt: at(0), endedAt: at(600), failedHost: 'host2' })]);
    const powerOff = play([[ev(E.USER_STOP_VM, 5, 'host2', 'VM vps-1 powered off by admin@internal-authz (Host: host2).'), 'vm']]);
    expect(powerOff.incidents[0]).toMatchObject({ cause: 'admin_stop', startedAt: at(5) });
    const byPanel = play([[ev(E.USER_STOP_VM, 5, 'host2', 'VM vps-1 powered off by admin@internal-authz (Host: host2).', PANEL), 'vm']]);
    expect(byPanel.incidents[0]).toMatchObject({ cause: 'planned', startedAt: at(5) });
  });

  test('when the customer powers off inside the guest, then the stop is theirs', () => {
    const { incidents, state } = play([
      [ev(E.VM_DOWN, 10, 'host2', 'VM vps-1 is down. Exit message: User shut down from within the guest'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'customer', startedAt: at(10), endedAt: null })]);
    expect(state.status).toBe('down');
  });

  test('when a host goes to maintenance, then the live migration is a zero-length maintenance note', () => {
    const { incidents, state } = play([
      [
        ev(
          E.VM_MIGRATION_START_SYSTEM_INITIATED,
          0,
          'host2',
          'Migration initiated by system (VM: vps-1, Source: host2, Destination: host3, Reason: Host preparing for maintenance).',
        ),
        'vm',
      ],
      [
        ev(
          E.VM_MIGRATION_DONE,
          8,
          'host3',
          'Migration completed (VM: vps-1, Source: host2, Destination: host3, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))',
        ),
        'vm',
      ],
    ]);
    expect(incidents).toEqual([
      expect.objectContaining({ cause: 'maintenance', startedAt: at(8), endedAt: at(8), failedHost: 'host2', restartHost: 'host3' }),
    ]);
    expect(state.host).toBe('host3');
  });

  test('when events were lost and the VM ran since before the gap, then nothing is recorded; otherwise the gap is unknown', () => {
    const up: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'host1', firstUpAt: 0 };
    const gap = { key: 'gap:1:10', from: at(0), to: at(600) };
    expect(applyGap(up, gap, { status: 'up', host: 'host1', startedAt: at(-100) }).changed).toEqual([]);
    const restarted = applyGap(up, gap, { status: 'up', host: 'host2', startedAt: at(300) });
    expect(restarted.changed).toEqual([expect.objectContaining({ cause: 'unknown', startedAt: at(0), endedAt: at(600) })]);
    const down = applyGap(up, gap, { status: 'down', host: null, startedAt: null });
    expect(down.changed).toEqual([expect.objectContaining({ cause: 'unknown', startedAt: at(0), endedAt: null })]);
    expect(down.state.status).toBe('down');
  });
});
