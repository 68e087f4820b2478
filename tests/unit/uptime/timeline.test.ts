import { describeIncident } from '../../../server/domain/incident-text';
import { applyGap, applyHostEvent, applyVmEvent, type HostHealth, INITIAL_TIMELINE, type IncidentDraft, type TimelineEvent, type TimelineState } from '../../../server/domain/timeline';

const T0 = Date.UTC(2026, 10, 3, 3, 12, 4);
const at = (s: number) => T0 + s * 1000;

let seq = 0;
const ev = (code: number, s: number, hostName: string | null, description = ''): TimelineEvent => ({ key: `1:${++seq}`, code, at: at(s), hostName, description });

/** Feeds host events (vm = false) and VM events in order; returns the last state and every incident version. */
function play(events: Array<[TimelineEvent, 'host' | 'vm']>, start: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'host2', firstUpAt: 0 }) {
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
      [ev(9008, 0, 'host2'), 'host'],
      [ev(12, 86, 'host2'), 'host'],
      [ev(142, 86, 'host2'), 'vm'],
      [ev(143, 120, 'host2'), 'vm'],
      [ev(506, 130, 'host3'), 'vm'],
      [ev(506, 153, 'host3'), 'vm'],
    ]);
    expect(incidents).toHaveLength(1);
    const [i] = incidents;
    expect(i).toMatchObject({ cause: 'ha_restart', startedAt: at(0), endedAt: at(153), failedHost: 'host2', restartHost: 'host3' });
    expect(state).toMatchObject({ status: 'up', host: 'host3', open: null });
    expect(describeIncident(i!, 'UTC', at(1000))).toBe('Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s');
  });

  test('when a restart attempt fails first, then the incident stays open until the VM is really up', () => {
    const { state, incidents } = play([
      [ev(9008, 0, 'host2'), 'host'],
      [ev(143, 90, 'host2'), 'vm'],
      [ev(9603, 91, null), 'vm'],
      [ev(506, 121, 'host1'), 'vm'],
      [ev(506, 131, 'host1'), 'vm'],
    ]);
    expect(incidents[0]).toMatchObject({ cause: 'ha_restart', startedAt: at(0), endedAt: at(131), restartHost: 'host1' });
    expect(incidents[0]?.steps.map((s) => s.text)).toContain('A restart attempt failed; the engine keeps trying');
    expect(state.status).toBe('up');
  });

  test('when the host only lost its network and the VM is restored, then the time is unknown, not down', () => {
    const { incidents } = play([
      [ev(9008, 0, 'host2'), 'host'],
      [ev(142, 80, 'host2'), 'vm'],
      [ev(13, 200, 'host2'), 'host'],
      [ev(163, 200, 'host2'), 'vm'],
    ]);
    expect(incidents[0]).toMatchObject({ cause: 'unknown', startedAt: at(0), endedAt: at(200) });
  });

  test('when the VM crashes on a healthy host, then a crash incident ends when HA brings it up', () => {
    const { incidents } = play([
      [ev(119, 0, null, 'VM vps-1 is down with error. Exit message: Lost connection with qemu process.'), 'vm'],
      [ev(9602, 0, null), 'vm'],
      [ev(506, 2, 'host2'), 'vm'],
      [ev(506, 12, 'host2'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'crash', startedAt: at(0), endedAt: at(12), restartHost: 'host2' })]);
  });

  test('when the panel suspends and later unsuspends, then the stop is planned from the shutdown request', () => {
    const { incidents } = play([
      [ev(73, 0, 'host2'), 'vm'],
      [ev(61, 40, 'host2', 'VM vps-1 is down. Exit message: Admin shut down from the engine'), 'vm'],
      [ev(153, 3600, 'host1'), 'vm'],
      [ev(32, 3610, 'host1'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'planned', startedAt: at(0), endedAt: at(3610) })]);
  });

  test('when the customer powers off inside the guest, then the stop is theirs', () => {
    const { incidents, state } = play([[ev(61, 10, 'host2', 'VM vps-1 is down. Exit message: User shut down from within the guest'), 'vm']]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'customer', startedAt: at(10), endedAt: null })]);
    expect(state.status).toBe('down');
  });

  test('when a host goes to maintenance, then the live migration is a zero-length maintenance note', () => {
    const { incidents, state } = play([
      [ev(67, 0, 'host2', 'Migration initiated by system (VM: vps-1, Source: host2, Destination: host3, Reason: Host preparing for maintenance).'), 'vm'],
      [ev(63, 8, 'host3', 'Migration completed (VM: vps-1, Source: host2, Destination: host3, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))'), 'vm'],
    ]);
    expect(incidents).toEqual([expect.objectContaining({ cause: 'maintenance', startedAt: at(8), endedAt: at(8), failedHost: 'host2', restartHost: 'host3' })]);
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
