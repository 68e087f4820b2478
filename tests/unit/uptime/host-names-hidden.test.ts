import fc from 'fast-check';
import { describeIncident, stepWithoutHostNames } from '../../../server/domain/incident-text';
import { applyHostEvent, applyVmEvent, type HostHealth, INITIAL_TIMELINE, type IncidentDraft, type TimelineEvent, type TimelineState } from '../../../server/domain/timeline';

const T0 = Date.UTC(2026, 10, 3, 3, 12, 4);
const HOSTS = ['SECRET-a', 'SECRET-b.lab', 'SECRET_c'];
const HOST_CODES = [9008, 9027, 12, 13, 9502, 75];
const VM_CODES = [142, 143, 66, 506, 32, 163, 196, 119, 9602, 9603, 507, 73, 501, 33, 503, 61, 62, 67, 63, 64, 65, 120, 153, 113];

/** What an engine event's description says for the codes whose text the timeline reads (migrations). */
function description(code: number, host: string, other: string): string {
  if (code === 67 || code === 62) return `Migration initiated by system (VM: vps-1, Source: ${host}, Destination: ${other}, Reason: Host preparing for maintenance).`;
  if (code === 63) return `Migration completed (VM: vps-1, Source: ${other}, Destination: ${host}, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))`;
  if (code === 61) return 'VM vps-1 is down. Exit message: User shut down from within the guest';
  return '';
}

const eventArb = fc.record({
  host: fc.boolean(),
  code: fc.integer({ min: 0, max: 1000 }),
  hostName: fc.option(fc.constantFrom(...HOSTS), { nil: null, freq: 8 }),
  other: fc.constantFrom(...HOSTS),
  gap: fc.integer({ min: 1, max: 600 }),
});

type RunEvent = { host: boolean; code: number; hostName: string | null; other: string; gap: number };

/** Plays a run of host and VM events from a running VM; returns every version of every incident. */
function play(events: RunEvent[]): IncidentDraft[] {
  let state: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: HOSTS[0]!, firstUpAt: 0 };
  let health: HostHealth = {};
  let at = T0;
  const seen: IncidentDraft[] = [];
  for (const [i, e] of events.entries()) {
    at += e.gap * 1000;
    const codes = e.host ? HOST_CODES : VM_CODES;
    const code = codes[e.code % codes.length]!;
    const event: TimelineEvent = { key: `1:${i + 1}`, code, at, hostName: e.hostName, description: description(code, e.hostName ?? HOSTS[0]!, e.other) };
    if (e.host) {
      health = applyHostEvent(health, event);
      continue;
    }
    const r = applyVmEvent(state, event, health);
    state = r.state;
    seen.push(...r.changed);
  }
  return seen;
}

describe('incidents without host names (CLIENT_HOST_NAMES=hide)', () => {
  test('when any run of engine events is told without host names, then no host name is left in a summary or step (property)', () => {
    let named = 0;
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 40 }), (events) => {
        for (const incident of play(events)) {
          const texts = [describeIncident(incident, 'UTC', T0 + 86_400_000, false), ...incident.steps.map((s) => stepWithoutHostNames(s.text))];
          for (const text of texts) if (text.includes('SECRET')) throw new Error(`host name left in: ${text}`);
          named += incident.steps.filter((s) => s.text.includes('SECRET')).length;
        }
      }),
      { numRuns: 2000, seed: 20261201 },
    );
    // The runs did produce steps that name hosts, so the check above had something to hide.
    expect(named).toBeGreaterThan(100);
  });

  test('when an HA restart is told without host names, then it says what happened in the same words otherwise', () => {
    const incident: IncidentDraft = {
      openedBy: '1:1',
      cause: 'ha_restart',
      startedAt: T0,
      endedAt: T0 + 153_000,
      failedHost: 'host2',
      restartHost: 'host3',
      steps: [
        { at: T0, text: 'Host host2 stopped responding to the engine' },
        { at: T0 + 86_000, text: 'Host host2 was powered off by its power management (fenced); your VPS was marked down' },
        { at: T0 + 153_000, text: 'Your VPS is running again on host host3' },
      ],
    };
    expect(describeIncident(incident, 'UTC', T0 + 200_000)).toBe('Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s');
    expect(describeIncident(incident, 'UTC', T0 + 200_000, false)).toBe('The host running your VPS failed at 03:12:04; your VPS was restarted on another host at 03:14:37; down 2 min 33 s');
    expect(incident.steps.map((s) => stepWithoutHostNames(s.text))).toEqual([
      'The host running your VPS stopped responding to the engine',
      'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      'Your VPS is running again',
    ]);
  });

  test('when a step names no host, then it is shown as it is', () => {
    expect(stepWithoutHostNames('A restart attempt failed; the engine keeps trying')).toBe('A restart attempt failed; the engine keeps trying');
    expect(stepWithoutHostNames('The host answered again; your VPS had kept running there')).toBe('The host answered again; your VPS had kept running there');
  });
});
