import { ENGINE_EVENT as E } from '../../../server/domain/engine-event-codes';
import fc from 'fast-check';
import { type IncidentStepFact, isLegacyStep, type StoredStep } from '../../../server/domain/incident-steps';
import { factOfSentence } from '../../../migrations/20261206120000_convert_incident_text_steps_to_facts';
import { reportStep } from '../../../server/domain/incident-report';
import { incidentSummary, stepText } from '../../../server/http/presenters/incident-text';
import {
  applyHostEvent,
  applyVmEvent,
  type HostHealth,
  INITIAL_TIMELINE,
  type IncidentDraft,
  type TimelineEvent,
  type TimelineState,
} from '../../../server/domain/timeline';

const T0 = Date.UTC(2026, 10, 3, 3, 12, 4);
/** Host names a customer must never read; spaces, regex characters and unicode included. */
const HOSTS = ['SECRET-a', 'SECRET b.lab', 'SECRET_c.*+?^$ (x) [y] {z} | \\ / ✓ ünï 💥'];
const HOST_CODES = [
  E.VDS_HOST_NOT_RESPONDING_CONNECTING,
  E.VDS_HOST_NOT_RESPONDING,
  E.VDS_FAILURE,
  E.VDS_DETECTED,
  E.VDS_ACTIVATE_ASYNC,
  E.VDS_SOFT_RECOVER,
];
const VM_CODES = [
  E.VM_SET_TO_UNKNOWN_STATUS,
  E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE,
  E.VM_FAILURE,
  E.VDS_INITIATED_RUN_VM,
  E.USER_RUN_VM,
  E.VM_STATUS_RESTORED,
  E.VM_RECOVERED_FROM_PAUSE_ERROR,
  E.VM_DOWN_ERROR,
  E.HA_VM_FAILED,
  E.HA_VM_RESTART_FAILED,
  E.VDS_INITIATED_RUN_VM_FAILED,
  E.USER_FAILED_RUN_VM,
  E.USER_INITIATED_SHUTDOWN_VM,
  E.USER_SUSPEND_VM,
  E.USER_STOP_VM,
  E.USER_SUSPEND_VM_OK,
  E.VM_DOWN,
  E.VM_MIGRATION_START,
  E.VM_MIGRATION_START_SYSTEM_INITIATED,
  E.VM_MIGRATION_DONE,
  E.VM_MIGRATION_ABORT,
  E.VM_MIGRATION_FAILED,
  E.VM_MIGRATION_TO_SERVER_FAILED,
  E.USER_STARTED_VM,
  E.USER_REMOVE_VM_FINISHED,
];

/** What an engine event's description says for the codes whose text the timeline reads (migrations). */
function description(code: number, host: string, other: string): string {
  if (code === E.VM_MIGRATION_START_SYSTEM_INITIATED || code === E.VM_MIGRATION_START)
    return `Migration initiated by system (VM: vps-1, Source: ${host}, Destination: ${other}, Reason: Host preparing for maintenance).`;
  if (code === E.VM_MIGRATION_DONE)
    return `Migration completed (VM: vps-1, Source: ${other}, Destination: ${host}, Duration: 8 seconds, Total: 8 seconds, Actual downtime: (N/A))`;
  if (code === E.VM_DOWN) return 'VM vps-1 is down. Exit message: User shut down from within the guest';
  if (code === E.USER_FAILED_RUN_VM)
    return (
      'Failed to run VM vps-1 due to a failed validation: [Cannot run VM. There is no host that satisfies current scheduling ' +
      'constraints.] (User: SYSTEM).'
    );
  return '';
}

/** One engine event of a run; hosts are indexes into the run's host names, so one run can be played with any names. */
const eventArb = fc.record({
  host: fc.boolean(),
  code: fc.integer({ min: 0, max: 1000 }),
  hostIndex: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null, freq: 8 }),
  otherIndex: fc.integer({ min: 0, max: 2 }),
  gap: fc.integer({ min: 1, max: 600 }),
});

type RunEvent = { host: boolean; code: number; hostIndex: number | null; otherIndex: number; gap: number };

/** Plays a run of host and VM events from a running VM on `names`; returns every version of every incident. */
function play(events: RunEvent[], names: readonly string[] = HOSTS): IncidentDraft[] {
  let state: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: names[0]!, firstUpAt: 0 };
  let health: HostHealth = {};
  let at = T0;
  const seen: IncidentDraft[] = [];
  for (const [i, e] of events.entries()) {
    at += e.gap * 1000;
    const codes = e.host ? HOST_CODES : VM_CODES;
    const code = codes[e.code % codes.length]!;
    const hostName = e.hostIndex === null ? null : names[e.hostIndex]!;
    const event: TimelineEvent = {
      key: `1:${i + 1}`,
      code,
      at,
      hostName,
      description: description(code, hostName ?? names[0]!, names[e.otherIndex]!),
    };
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

/** A step as customers read it under CLIENT_HOST_NAMES=hide: the report's rendering (hosts dropped, then worded). */
const hidden = (s: StoredStep) => stepText(reportStep(s, false));
/** A step as admins read it: with its hosts. */
const shown = (s: StoredStep) => stepText(reportStep(s, true));

/** A step stored as a sentence by the builder's first version, as migration 20261206120000 leaves it. */
// The migration names kinds as plain strings (it must not change with the code); these are StepKinds.
const migrated = (s: { at: number; text: string }): StoredStep => (factOfSentence(s) as StoredStep | undefined) ?? s;
/** How such a sentence reads after the migration, with its hosts and without them. */
const oldStep = (text: string) => ({ shown: shown(migrated({ at: T0, text })), hidden: hidden(migrated({ at: T0, text })) });

/** Everything a customer reads of the incidents under CLIENT_HOST_NAMES=hide. */
function customerTexts(incidents: IncidentDraft[]): string[] {
  return incidents.flatMap((i) => [incidentSummary(i, 'UTC', T0 + 86_400_000, false), ...i.steps.map(hidden)]);
}

/**
 * Host names of every kind: words of our own sentences ("host", "VPS", "running again"), the '?' the timeline writes
 * for an unknown host, spaces, regex characters, unicode. A comma or ')' ends the destination in a migration's
 * description and leading or trailing spaces are trimmed there, so those would make two runs differ in what the
 * engine said, not in how it is told; they are left out of the names compared.
 */
const nameArb = fc
  .oneof(
    fc.constantFrom(
      'host',
      'Host',
      'VPS',
      'your VPS',
      'running again',
      'the engine',
      '?',
      'e',
      'on host',
      'constructor',
      '__proto__',
      'toString',
      '.*',
      '\\S+',
      '$&',
      '(a|b)',
      '💥',
      'ünï',
      'a b',
    ),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  )
  .filter((n) => n.trim() === n && n.length > 0 && !/[,)]/.test(n));

describe('incidents without host names (CLIENT_HOST_NAMES=hide)', () => {
  test('when any run of engine events is told without host names, then no host name is left in a summary or step (property)', () => {
    let named = 0;
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 40 }), (events) => {
        for (const incident of play(events)) {
          const texts = [incidentSummary(incident, 'UTC', T0 + 86_400_000, false), ...incident.steps.map(hidden)];
          for (const text of texts) if (text.includes('SECRET')) throw new Error(`host name left in: ${text}`);
          // Every step is a fact now: hiding is rendering, nothing is rewritten.
          if (incident.steps.some(isLegacyStep)) throw new Error('a sentence was stored');
          named += incident.steps.filter((s) => shown(s).includes('SECRET')).length;
        }
      }),
      { numRuns: 2000, seed: 20261201 },
    );
    // The runs did produce steps that name hosts, so the check above had something to hide.
    expect(named).toBeGreaterThan(100);
  });

  test('when a run is told with any host names at all, then customers read exactly what they read with other names (property)', () => {
    const plain = ['h0', 'h1', 'h2'];
    let named = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(nameArb, { minLength: 3, maxLength: 3 }),
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        (names, events) => {
          const incidents = play(events, names);
          expect(customerTexts(incidents)).toEqual(customerTexts(play(events, plain)));
          named += incidents.flatMap((i) => i.steps).filter((s) => !isLegacyStep(s) && s.hosts.some((h) => names.includes(h))).length;
        },
      ),
      { numRuns: 1500, seed: 20261206 },
    );
    expect(named).toBeGreaterThan(100);
  });

  test('when any run of engine events is played, then every incident keeps its steps in time order and each engine fact once (property)', () => {
    let steps = 0;
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 60 }), (events) => {
        for (const incident of play(events)) {
          const facts = incident.steps.filter((s): s is IncidentStepFact => !isLegacyStep(s));
          steps += facts.length;
          for (let i = 1; i < incident.steps.length; i++) expect(incident.steps[i]!.at).toBeGreaterThanOrEqual(incident.steps[i - 1]!.at);
          const keys = facts.map((s) => `${s.kind}|${s.at}|${s.hosts.join('/')}|${s.action ?? ''}`);
          expect(new Set(keys).size).toBe(keys.length);
          // A host stopped responding once per incident, however many events told it.
          const trouble = facts.filter((s) => s.kind === 'host_not_responding').map((s) => s.hosts.join('/'));
          expect(new Set(trouble).size).toBe(trouble.length);
          // A fact that repeats (a restart failing every 30 s) is one step with a count, never two in a row.
          for (let i = 1; i < facts.length; i++) {
            const [a, b] = [facts[i - 1]!, facts[i]!];
            if (a.kind === b.kind && (a.kind === 'restart_failed' || a.kind === 'no_room'))
              expect(a.hosts.join('/')).not.toBe(b.hosts.join('/'));
          }
        }
      }),
      { numRuns: 2000, seed: 20261222 },
    );
    expect(steps).toBeGreaterThan(1000);
  });

  test(
    'when a stored sentence names a host with spaces, regex characters or unicode, then after the migration admins read it as ' +
      'written and customers without the host',
    () => {
      for (const name of HOSTS) {
        expect(oldStep(`Host ${name} stopped responding to the engine`)).toEqual({
          shown: `Host ${name} stopped responding to the engine`,
          hidden: 'The host running your VPS stopped responding to the engine',
        });
        expect(oldStep(`Moved live from host ${name} to host ${name} x for host maintenance; no downtime`)).toEqual({
          shown: `Moved live from host ${name} to host ${name} x for host maintenance; no downtime`,
          hidden: 'Moved live to another host for host maintenance; no downtime',
        });
        expect(oldStep(`Your VPS is running again on host ${name}`)).toEqual({
          shown: `Your VPS is running again on host ${name}`,
          hidden: 'Your VPS is running again',
        });
      }
    },
  );

  test('when every sentence the first version stored is migrated, then it reads as before, with and without host names', () => {
    // [stored, as customers who do not see host names read it]: the words the regex rewriting gave before the migration.
    const before: Array<[string, string]> = [
      ['Host h2 stopped responding to the engine', 'The host running your VPS stopped responding to the engine'],
      ['The engine lost contact with your VPS', 'The engine lost contact with your VPS'],
      [
        'Host ? was powered off by its power management (fenced); your VPS was marked down',
        'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      ],
      ['Host h2 came back without your VPS running', 'The host came back without your VPS running'],
      ['Your VPS stopped unexpectedly', 'Your VPS stopped unexpectedly'],
      ['Your VPS stopped unexpectedly on host h2', 'Your VPS stopped unexpectedly'],
      ['The engine queued your VPS for an automatic restart', 'The engine queued your VPS for an automatic restart'],
      ['The engine started your VPS on host ?', 'The engine started your VPS'],
      ['A restart attempt failed; the engine keeps trying', 'A restart attempt failed; the engine keeps trying'],
      ['Your VPS is running', 'Your VPS is running'],
      ['Your VPS is running on host h 3', 'Your VPS is running'],
      ['Your VPS is running again on host h3', 'Your VPS is running again'],
      ['Host h2 answered again; your VPS had kept running there', 'The host answered again; your VPS had kept running there'],
      ['The host answered again; your VPS had kept running there', 'The host answered again; your VPS had kept running there'],
      ['Shut down from inside the VPS', 'Shut down from inside the VPS'],
      ['Start requested', 'Start requested'],
      ['Your VPS was removed', 'Your VPS was removed'],
      [
        'The engine no longer holds its record of this time; it is shown as unknown',
        'The engine no longer holds its record of this time; it is shown as unknown',
      ],
      [
        'Moved live from host h1 to host ? for host maintenance; no downtime',
        'Moved live to another host for host maintenance; no downtime',
      ],
    ];
    for (const [text, plain] of before) {
      expect(isLegacyStep(migrated({ at: T0, text }))).toBe(false);
      expect(oldStep(text)).toEqual({ shown: text, hidden: plain });
    }
    // No fact reads these the same: they stay sentences, name no host, and read as written.
    for (const text of [
      'Powered off by your provider',
      'Suspended by your provider',
      'Shut down by your provider',
      'Your VPS failed; the engine queued it for an automatic restart',
      'Found running again after a gap in the engine record',
      'Seen running again by the engine',
    ]) {
      expect(isLegacyStep(migrated({ at: T0, text }))).toBe(true);
      expect(oldStep(text)).toEqual({ shown: text, hidden: text });
    }
  });

  test('when an HA restart stored as sentences is migrated and told without host names, then it says what happened in the same words otherwise', () => {
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
      ].map(migrated),
    };
    expect(incidentSummary(incident, 'UTC', T0 + 200_000)).toBe(
      'Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s',
    );
    expect(incidentSummary(incident, 'UTC', T0 + 200_000, false)).toBe(
      'The host running your VPS failed at 03:12:04; your VPS was restarted on another host at 03:14:37; down 2 min 33 s',
    );
    expect(incident.steps.map(hidden)).toEqual([
      'The host running your VPS stopped responding to the engine',
      'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      'Your VPS is running again',
    ]);
  });

  test('when an HA restart is recorded as facts, then admins read the hosts and customers the same steps without them', () => {
    let state: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'host2', firstUpAt: 0 };
    let health: HostHealth = {};
    health = applyHostEvent(health, { key: '1:1', code: E.VDS_HOST_NOT_RESPONDING_CONNECTING, at: T0, hostName: 'host2', description: '' });
    let last: IncidentDraft | undefined;
    for (const [i, [code, s, host]] of (
      [
        [E.VM_SET_TO_UNKNOWN_STATUS, 86, 'host2'],
        [E.VM_WAS_SET_DOWN_DUE_TO_HOST_REBOOT_OR_MANUAL_FENCE, 120, 'host2'],
        [E.VDS_INITIATED_RUN_VM, 130, 'host3'],
        [E.VDS_INITIATED_RUN_VM, 153, 'host3'],
      ] as const
    ).entries()) {
      const r = applyVmEvent(state, { key: `1:${i + 2}`, code, at: T0 + s * 1000, hostName: host, description: '' }, health);
      state = r.state;
      last = r.changed[0] ?? last;
    }
    expect(last!.steps.map(shown)).toEqual([
      'Host host2 stopped responding to the engine',
      'The engine lost contact with your VPS',
      'Host host2 was powered off by its power management (fenced); your VPS was marked down',
      'The engine started your VPS on host host3',
      'Your VPS is running again on host host3',
    ]);
    expect(last!.steps.map(hidden)).toEqual([
      'The host running your VPS stopped responding to the engine',
      'The engine lost contact with your VPS',
      'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      'The engine started your VPS',
      'Your VPS is running again',
    ]);
  });

  test('when a stored sentence names no host, then after the migration it reads as it did', () => {
    expect(oldStep('A restart attempt failed; the engine keeps trying')).toEqual({
      shown: 'A restart attempt failed; the engine keeps trying',
      hidden: 'A restart attempt failed; the engine keeps trying',
    });
    expect(oldStep('The host answered again; your VPS had kept running there')).toEqual({
      shown: 'The host answered again; your VPS had kept running there',
      hidden: 'The host answered again; your VPS had kept running there',
    });
  });
});
