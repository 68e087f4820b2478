import fc from 'fast-check';
/**
 * The client-area presenter: the words, numbers, colours and chart geometry a customer sees, without a browser.
 * Most cases start from the year-old fixture VPS and change one thing.
 */
import {
  causeLabel,
  creditText,
  dayClass,
  dayTooltip,
  formatDateTime,
  formatDuration,
  formatPercent,
  presentClientServiceList,
  presentClientServicePage,
} from '../../server/http/view-models/client-area';
import type { Incident, UptimeDay, UptimeMonth } from '../../server/domain/uptime-report';
import { buildUptimeReport, FIXTURE_ACTIVE_SINCE, FIXTURE_INCIDENTS, FIXTURE_NOW } from '../browser/fixtures/client-uptime-report';

function day(overrides: Partial<UptimeDay> = {}): UptimeDay {
  return {
    date: '2026-11-03',
    from: new Date('2026-11-03T00:00:00Z'),
    to: new Date('2026-11-04T00:00:00Z'),
    measuredSeconds: 86_400,
    downSeconds: 0,
    unknownSeconds: 0,
    excludedSeconds: 0,
    uptimePercent: 100,
    incidents: 0,
    ...overrides,
  };
}

function month(overrides: Partial<Omit<UptimeMonth, 'sla'>> & { sla?: Partial<UptimeMonth['sla']> } = {}): UptimeMonth {
  const { sla, ...rest } = overrides;
  return {
    month: '2026-08',
    from: new Date('2026-08-01T00:00:00Z'),
    to: new Date('2026-09-01T00:00:00Z'),
    measuredSeconds: 2_678_400,
    downSeconds: 4109,
    unknownSeconds: 0,
    excludedSeconds: 0,
    uptimePercent: 99.846,
    ...rest,
    sla: { targetPercent: 99.9, met: false, creditPercent: 5, complete: true, ...sla },
  };
}

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [1, '1 s'],
    [45, '45 s'],
    [59.6, '1 min'],
    [60, '1 min'],
    [153, '2 min 33 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [3840, '1 h 4 min'],
    [4109, '1 h 8 min'],
    [86_400, '1 d'],
    [206_100, '2 d 9 h'],
  ])('%p s reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('reads nonsense as 0 s rather than "-3 s" or "NaN s"', () => {
    expect(formatDuration(-3)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('0 s');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('0 s');
  });
});

describe('formatPercent', () => {
  it('shows three decimals and a spaced percent sign', () => {
    expect(formatPercent(99.982)).toBe('99.982 %');
    expect(formatPercent(99.9)).toBe('99.900 %');
    expect(formatPercent(99.82, 2)).toBe('99.82 %');
  });

  it('says 100 % only for 100, never rounds up to it', () => {
    expect(formatPercent(100)).toBe('100 %');
    expect(formatPercent(99.9996)).toBe('99.999 %');
    expect(formatPercent(99.99999, 2)).toBe('99.99 %');
  });

  it('keeps a digit that binary floating point nearly loses', () => {
    expect(formatPercent(99.98199999999999)).toBe('99.982 %');
  });

  it('shows a dash when nothing was measured', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });
});

describe('formatDateTime in the plan time zone', () => {
  const t = new Date('2026-11-03T03:12:04Z');

  it('writes UTC as "3 Nov 2026, 03:12:04 UTC"', () => {
    expect(formatDateTime(t, 'UTC')).toBe('3 Nov 2026, 03:12:04 UTC');
  });

  it('moves with the zone and its daylight saving time', () => {
    expect(formatDateTime(t, 'Europe/Berlin')).toBe('3 Nov 2026, 04:12:04 CET');
    expect(formatDateTime(new Date('2026-07-03T03:12:04Z'), 'Europe/Berlin')).toBe('3 Jul 2026, 05:12:04 CEST');
    expect(formatDateTime(new Date('2026-11-03T20:00:04Z'), 'Asia/Tokyo')).toBe('4 Nov 2026, 05:00:04 GMT+9');
  });

  it('uses the 24-hour clock with midnight as 00', () => {
    expect(formatDateTime(new Date('2026-10-02T00:00:00Z'), 'UTC')).toBe('2 Oct 2026, 00:00:00 UTC');
  });

  it('formats incident times and steps in the plan zone, naming the day when a step is on another day', () => {
    const page = presentClientServicePage(buildUptimeReport({ timeZone: 'Europe/Amsterdam' }));
    const ha = page.incidents.find((i) => i.id === 41);
    expect(ha?.startText).toBe('3 Nov 2026, 04:12:04 CET');
    expect(ha?.endText).toBe('04:14:37');
    expect(ha?.steps.map((s) => s.timeText)).toEqual(['04:12:04', '04:13:10', '04:13:52', '04:14:37']);
    const suspension = page.incidents.find((i) => i.id === 31);
    expect(suspension?.startText).toBe('2 Oct 2026, 02:00:00 CEST');
    expect(suspension?.endText).toBe('4 Oct 2026, 11:15:00 CEST');
    expect(page.timeZone).toBe('Europe/Amsterdam');
  });
});

describe('90-day bars', () => {
  const target = 99.9;

  it('colours a day by its uptime against the target', () => {
    expect(dayClass(day(), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-up');
    expect(dayClass(day({ uptimePercent: 99.95, downSeconds: 43 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-minor');
    expect(dayClass(day({ uptimePercent: 99.9, downSeconds: 86 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-minor');
    expect(dayClass(day({ uptimePercent: 99.82, downSeconds: 153 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-degraded');
    expect(dayClass(day({ uptimePercent: 95, downSeconds: 4320 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-degraded');
    expect(dayClass(day({ uptimePercent: 94.99, downSeconds: 4329 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-down');
  });

  it('stripes any day with unknown time, unless an outage below target must show', () => {
    expect(dayClass(day({ unknownSeconds: 60 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-unknown');
    expect(dayClass(day({ uptimePercent: 99.95, downSeconds: 40, unknownSeconds: 60 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-unknown');
    expect(dayClass(day({ uptimePercent: null, measuredSeconds: 60, unknownSeconds: 60 }), target, FIXTURE_ACTIVE_SINCE)).toBe(
      'bar-unknown',
    );
    expect(dayClass(day({ uptimePercent: 90, downSeconds: 8640, unknownSeconds: 60 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-down');
  });

  it('greys days without data and days before activation', () => {
    expect(dayClass(day({ uptimePercent: null, measuredSeconds: 0 }), target, FIXTURE_ACTIVE_SINCE)).toBe('bar-none');
    expect(dayClass(day(), target, null)).toBe('bar-inactive');
    expect(dayClass(day(), target, new Date('2026-11-04T00:00:00Z'))).toBe('bar-inactive');
    // The activation day itself is measured.
    expect(dayClass(day(), target, new Date('2026-11-03T18:00:00Z'))).toBe('bar-up');
  });

  it('writes a tooltip a person reads at a glance', () => {
    expect(dayTooltip(day({ uptimePercent: 99.8229, downSeconds: 153, incidents: 1 }), FIXTURE_ACTIVE_SINCE)).toBe(
      '3 Nov 2026 — 99.82 % · down 2 min 33 s · 1 incident',
    );
    expect(dayTooltip(day(), FIXTURE_ACTIVE_SINCE)).toBe('3 Nov 2026 — 100 % · no downtime');
    expect(dayTooltip(day(), FIXTURE_ACTIVE_SINCE, true)).toBe('3 Nov 2026 (today) — 100 % · no downtime');
    expect(dayTooltip(day({ unknownSeconds: 2832, incidents: 1 }), FIXTURE_ACTIVE_SINCE)).toBe(
      '3 Nov 2026 — 100 % · unknown 47 min 12 s · 1 incident',
    );
    expect(dayTooltip(day({ excludedSeconds: 1351, incidents: 2 }), FIXTURE_ACTIVE_SINCE)).toBe(
      '3 Nov 2026 — 100 % · planned 22 min 31 s (not counted) · 2 incidents',
    );
    expect(dayTooltip(day({ uptimePercent: null, excludedSeconds: 86_400, incidents: 1 }), FIXTURE_ACTIVE_SINCE)).toBe(
      '3 Nov 2026 — planned downtime, not counted (1 d) · 1 incident',
    );
    expect(dayTooltip(day(), null)).toBe('3 Nov 2026 — not active yet');
  });

  it('lays out 90 bars edge to edge with today on the right', () => {
    const { chart } = presentClientServicePage(buildUptimeReport());
    expect(chart.bars).toHaveLength(90);
    expect(chart.viewBox).toBe(`0 0 ${chart.width} ${chart.height}`);
    expect(chart.bars[0]).toMatchObject({ x: 0, y: 0, width: 6, height: 40, date: '2026-08-09' });
    expect(chart.bars[89]).toMatchObject({ x: chart.width - 6, date: '2026-11-06' });
    expect(chart.bars[89]?.tooltip).toBe('6 Nov 2026 (today) — 100 % · no downtime');
    const nov3 = chart.bars.find((b) => b.date === '2026-11-03');
    expect(nov3).toMatchObject({ className: 'bar-degraded', tooltip: '3 Nov 2026 — 99.82 % · down 2 min 33 s · 1 incident' });
    expect(chart.startLabel).toBe('90 days ago');
    expect(chart.endLabel).toBe('Today');
  });

  it('draws days before activation as low stubs and says so to screen readers', () => {
    const { chart } = presentClientServicePage(buildUptimeReport({ activeSince: new Date('2026-10-28T10:00:00Z'), incidents: [] }));
    const stubs = chart.bars.filter((b) => b.className === 'bar-inactive');
    expect(stubs).toHaveLength(80);
    expect(stubs[0]).toMatchObject({ height: 6, y: 34, tooltip: '9 Aug 2026 — not active yet' });
    expect(chart.ariaLabel).toBe('Daily uptime for the last 90 days: 10 days at 100 %, 80 days before the VPS was active.');
    expect(chart.legend.map((l) => l.className)).toEqual(['bar-up', 'bar-inactive']);
  });

  it('right-aligns a short report so today stays at the right edge', () => {
    const report = buildUptimeReport();
    report.days = report.days.slice(-10);
    const { chart } = presentClientServicePage(report);
    expect(chart.bars).toHaveLength(10);
    expect(chart.bars[0]?.x).toBe(80 * 8);
    expect(chart.bars[9]?.x).toBe(chart.width - 6);
  });

  it('lists the days that were not clean, newest first', () => {
    const { chart } = presentClientServicePage(buildUptimeReport());
    expect(chart.problemDays.map((d) => d.date)).toEqual(['2026-11-03', '2026-09-29', '2026-09-14', '2026-08-17']);
    expect(chart.problemDays[0]).toEqual({
      date: '2026-11-03',
      dateText: '3 Nov 2026',
      uptime: '99.82 %',
      down: '2 min 33 s',
      unknown: '—',
      incidents: 1,
    });
  });
});

describe('state badge', () => {
  const openHa: Incident = {
    id: 99,
    cause: 'ha_restart',
    timeClass: 'down',
    startedAt: new Date(FIXTURE_NOW.getTime() - 60_000),
    endedAt: null,
    durationSeconds: 60,
    countedSeconds: 60,
    maintenanceWindow: null,
    failedHost: 'host2',
    restartHost: null,
    summary: 'Host host2 failed at 14:19:00; your VPS is being restarted on another host',
    steps: [],
  };

  it('says "Restarting after a host failure" while an HA restart is open, whatever the VM status', () => {
    const page = presentClientServicePage(buildUptimeReport({ vmStatus: 'down', incidents: [openHa, ...FIXTURE_INCIDENTS] }));
    expect(page.badge).toMatchObject({ text: 'Restarting after a host failure', tone: 'warn' });
    expect(page.incidents[0]).toMatchObject({ ongoing: true, endText: 'ongoing', endIso: null, durationText: '1 min so far' });
    expect(page.incidents[0]?.causeLabel).toBe('Host failure — restarting automatically on another host');
    const hostFailure = presentClientServicePage(buildUptimeReport({ incidents: [{ ...openHa, cause: 'host_failure' }] }));
    expect(hostFailure.badge.text).toBe('Restarting after a host failure');
  });

  it('says plainly that a VPS waiting for room is down, with no "no action needed" and no "restarted automatically"', () => {
    const waiting: Incident = {
      ...openHa,
      cause: 'waiting_for_room',
      failedHost: null,
      steps: [
        { at: openHa.startedAt, kind: 'host_fenced', hosts: [], count: 1 },
        { at: new Date(openHa.startedAt.getTime() + 5000), kind: 'no_room', hosts: [], count: 3 },
      ],
    };
    const page = presentClientServicePage(buildUptimeReport({ vmStatus: 'down', incidents: [waiting, ...FIXTURE_INCIDENTS] }));
    expect(page.badge).toMatchObject({ text: 'Down — waiting for room on another host', tone: 'bad' });
    expect(page.badge.detail).toMatch(
      /^The server your VPS ran on failed, and no other server has room to start it yet\. Your provider has been alerted/,
    );
    expect(page.incidents[0]).toMatchObject({ causeLabel: 'Down — no host has room to restart it yet', countsText: 'Counted as downtime' });
    expect(page.incidents[0]?.steps.map((s) => s.text)).toEqual([
      'The host running your VPS was powered off by its power management (fenced); your VPS was marked down',
      'No host had room to restart your VPS; the engine keeps trying and your provider has been alerted (3 attempts so far)',
    ]);
    const words = JSON.stringify([page.badge, page.incidents[0]]);
    expect(words).not.toMatch(/no action is needed|restarted automatically on another host|restarting automatically/i);
  });

  it('tells an admin stop inside an announced window, and a VPS that kept running while its host was out of contact', () => {
    const stop: Incident = {
      ...openHa,
      cause: 'admin_stop',
      timeClass: 'excluded',
      countedSeconds: 0,
      maintenanceWindow: { title: 'Kernel updates', message: 'Hosts reboot one by one.' },
    };
    const page = presentClientServicePage(buildUptimeReport({ vmStatus: 'down', incidents: [stop] }));
    expect(page.badge).toMatchObject({ text: 'Stopped for announced maintenance', detail: 'Kernel updates. Hosts reboot one by one.' });
    expect(page.incidents[0]?.countsText).toBe('Announced maintenance — not counted against the SLA');
    const lost: Incident = {
      ...openHa,
      cause: 'host_contact_lost',
      timeClass: 'up',
      countedSeconds: 0,
      endedAt: new Date(openHa.startedAt.getTime() + 91_000),
      durationSeconds: 91,
    };
    const kept = presentClientServicePage(buildUptimeReport({ incidents: [lost] }));
    expect(kept.badge.text).toBe('Running');
    expect(kept.incidents[0]).toMatchObject({
      causeLabel: 'Kept running — the monitoring lost contact with its host',
      countsText: 'Not downtime — your VPS kept running',
      countsTone: 'ok',
    });
  });

  it.each([
    [{ state: 'active', vmStatus: 'up' }, 'Running', 'ok'],
    [{ state: 'active', vmStatus: 'down' }, 'Down', 'bad'],
    [{ state: 'suspended', vmStatus: 'down' }, 'Suspended', 'neutral'],
    [{ state: 'provisioning', vmStatus: null, activeSince: null }, 'Being set up', 'neutral'],
    [{ state: 'pending', vmStatus: null, activeSince: null }, 'Being set up', 'neutral'],
    [{ state: 'failed', vmStatus: null }, 'Setup failed', 'bad'],
  ] as const)('%o reads "%s" (%s)', (options, text, tone) => {
    expect(presentClientServicePage(buildUptimeReport(options)).badge).toMatchObject({ text, tone });
  });

  it('ignores closed incidents', () => {
    expect(presentClientServicePage(buildUptimeReport()).badge.text).toBe('Running');
  });
});

describe('incident timeline', () => {
  const page = presentClientServicePage(buildUptimeReport());

  it('keeps the report order (newest first) and names each cause in customer words', () => {
    expect(page.incidents.map((i) => i.causeLabel)).toEqual([
      'Host failure — restarted automatically on another host',
      'Host maintenance — moved live, no downtime',
      'Shut down from inside the VPS',
      'Planned: stopped or suspended through the billing panel',
      'VPS crashed — restarted automatically',
      'Unknown — the monitoring record is incomplete',
      'VPS crashed — restarted automatically',
    ]);
  });

  it('shows the HA restart with its summary, times and duration', () => {
    expect(page.incidents[0]).toMatchObject({
      startText: '3 Nov 2026, 03:12:04 UTC',
      endText: '03:14:37',
      durationText: '2 min 33 s',
      countsText: 'Counted as downtime',
      summary: 'Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:14:37; down 2 min 33 s',
    });
    expect(page.incidents[0]?.steps[0]).toEqual({
      timeText: '03:12:04',
      iso: '2026-11-03T03:12:04.000Z',
      text: 'Host host2 stopped responding',
    });
  });

  it('says how each kind of time counts', () => {
    expect(page.incidents.find((i) => i.cause === 'maintenance')).toMatchObject({
      durationText: '0 s',
      countsText: 'Not counted against the SLA',
    });
    expect(page.incidents.find((i) => i.cause === 'unknown')?.countsText).toBe('Left out of the SLA calculation');
    const strict = presentClientServicePage(buildUptimeReport({ unknownCountsAsDown: true }));
    expect(strict.incidents.find((i) => i.cause === 'unknown')?.countsText).toBe('Counted as downtime (in your favour)');
  });

  it('labels a host failure that was never restarted elsewhere', () => {
    expect(causeLabel({ cause: 'host_failure', endedAt: new Date() })).toBe('Host failure — down with its host');
    expect(causeLabel({ cause: 'host_failure', endedAt: null })).toBe('Host failure — waiting to restart on another host');
  });
});

describe('uptime figures', () => {
  it('shows the four windows in order with their downtime', () => {
    const { figures } = presentClientServicePage(buildUptimeReport());
    expect(figures.map((f) => [f.label, f.value, f.downText, f.unknownText])).toEqual([
      ['Last 24 hours', '100 %', 'no downtime', null],
      ['Last 7 days', '99.974 %', 'down 2 min 33 s', null],
      ['Last 30 days', '99.994 %', 'down 2 min 33 s', null],
      ['Last 90 days', '99.943 %', 'down 1 h 11 min', 'unknown 47 min 12 s, left out'],
    ]);
  });

  it('never says "no downtime" beside a figure below 100 %, even for less than a second or unknown time that counts (property)', () => {
    const base = buildUptimeReport();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.boolean(),
        (measuredMs, downMs, unknownMs, strict) => {
          const measured = 86_400 - (Math.round(measuredMs / 1000) % 3600);
          const down = downMs / 1000;
          const unknown = unknownMs / 1000;
          const baseSeconds = measured - (strict ? 0 : unknown);
          const uptime = baseSeconds > 0 ? (100 * (baseSeconds - down - (strict ? unknown : 0))) / baseSeconds : null;
          const w24 = {
            ...base.windows[0]!,
            measuredSeconds: measured,
            downSeconds: Math.round(down),
            unknownSeconds: Math.round(unknown),
            uptimePercent: uptime,
          };
          const report = { ...base, plan: { ...base.plan, unknownCountsAsDown: strict }, windows: [w24, ...base.windows.slice(1)] };
          const card = presentClientServicePage(report).figures[0]!;
          if (card.value !== '100 %') expect(card.downText).not.toBe('no downtime');
          if (card.downText === 'no downtime') expect(card.value).toBe('100 %');
        },
      ),
      { numRuns: 500, seed: 2026126 },
    );
    const tiny = { ...base.windows[0]!, downSeconds: 0, unknownSeconds: 0, uptimePercent: 99.9995 };
    expect(presentClientServicePage({ ...base, windows: [tiny, ...base.windows.slice(1)] }).figures[0]).toMatchObject({
      value: '99.999 %',
      downText: 'down less than 1 s',
    });
  });

  it('shows a dash and a note before the VPS ever ran, and "since" for a window it only partly covers', () => {
    const none = presentClientServicePage(buildUptimeReport({ activeSince: null, incidents: [] }));
    expect(none.figures.every((f) => f.value === '—' && f.note === 'Not measured: the VPS has not run yet')).toBe(true);
    const young = presentClientServicePage(buildUptimeReport({ activeSince: new Date('2026-11-01T08:00:00Z'), incidents: [] }));
    expect(young.figures.map((f) => f.note)).toEqual([null, 'since 1 Nov 2026', 'since 1 Nov 2026', 'since 1 Nov 2026']);
  });
});

describe('SLA and credit', () => {
  it('states this month so far, its allowance and what does not count', () => {
    const { sla } = presentClientServicePage(buildUptimeReport());
    expect(sla).toMatchObject({
      monthLabel: 'November 2026 (so far)',
      uptimeLabel: 'Uptime so far',
      downtimeLabel: 'Downtime counted so far',
      uptime: '99.968 %',
      targetText: '99.9 %',
      status: { text: 'Met so far', tone: 'ok' },
      creditOwed: false,
      creditText: 'If the month ended now, no credit would be owed',
      downtimeText: '2 min 33 s',
      allowedText: '43 min 12 s',
      budget: { width: 5.9, text: "6 % of a full month's allowance used", tone: 'ok' },
    });
    expect(sla.excludedNote).toBe(
      'Planned, and not counted against the SLA: a suspension by the billing panel, a shutdown from inside your VPS or one you ' +
        'asked for, and a stop inside a maintenance window your provider announced.',
    );
    expect(sla.adminStopNote).toBe('A stop by your provider\u2019s administrator outside an announced window counts as downtime.');
    expect(sla.contactLossNote).toMatch(/keeps running, that is not downtime/);
    expect(sla.inProgressNote).toBe(
      'November 2026 is not over: the uptime and downtime are the figures so far, and no credit is owed until the month ends.',
    );
    expect(sla.unknownNote).toMatch(/left out of the calculation/);
  });

  it('counts unknown time as downtime when the plan says so', () => {
    const report = buildUptimeReport({
      unknownCountsAsDown: true,
      incidents: [
        ...FIXTURE_INCIDENTS,
        {
          ...FIXTURE_INCIDENTS[5]!,
          id: 60,
          startedAt: new Date('2026-11-04T10:00:00Z'),
          endedAt: new Date('2026-11-04T10:10:00Z'),
          durationSeconds: 600,
        },
      ],
    });
    const { sla } = presentClientServicePage(report);
    expect(sla.unknownText).toBe('10 min');
    expect(sla.downtimeText).toBe('12 min 33 s');
    expect(sla.unknownNote).toBe('Time the monitoring could not see counts as downtime, in your favour.');
  });

  it('writes the credit line for a missed month, finished or still running', () => {
    expect(creditText(month())).toBe("Credit owed: 5 % of this month's fee");
    expect(creditText(month({ sla: { complete: false } }))).toBe("If the month ended now, the credit would be 5 % of this month's fee");
    expect(creditText(month({ sla: { complete: false, met: true, creditPercent: 0 } }))).toBe(
      'If the month ended now, no credit would be owed',
    );
    expect(creditText(month({ sla: { met: true, creditPercent: 0 } }))).toBe('No credit owed');
    expect(creditText(month({ sla: { creditPercent: 2.5 } }))).toBe("Credit owed: 2.5 % of this month's fee");
  });

  it('lists past months with their verdict, and the credits owed for them', () => {
    const page = presentClientServicePage(buildUptimeReport());
    expect(page.pastMonths).toHaveLength(11);
    expect(page.pastMonths[0]?.monthLabel).toBe('October 2026');
    expect(page.pastMonths.find((m) => m.month === '2026-08')).toEqual({
      month: '2026-08',
      monthLabel: 'August 2026',
      uptime: '99.846 %',
      downtimeText: '1 h 8 min',
      targetText: '99.9 %',
      status: { text: 'Missed', tone: 'bad' },
      creditText: '5 %',
    });
    expect(page.pastCredits).toEqual([
      { monthLabel: 'August 2026', text: "August 2026: 99.846 % was below the 99.9 % target — credit owed: 5 % of that month's fee" },
    ]);
  });

  it('says "Missed so far" and shows the credit while a bad month is still running', () => {
    const now = new Date('2026-08-20T12:00:00Z');
    const { sla } = presentClientServicePage(buildUptimeReport({ now }));
    expect(sla.status).toEqual({ text: 'Missed so far', tone: 'bad' });
    expect(sla.creditText).toBe("If the month ended now, the credit would be 5 % of this month's fee");
    // 1 h 8 min against an allowance of 44 min 38 s: the meter is full and red.
    expect(sla.budget).toEqual({ width: 100, text: "153 % of a full month's allowance used", tone: 'bad' });
  });
});

describe('page frame', () => {
  it('titles the page by hostname, or by service id without one', () => {
    expect(presentClientServicePage(buildUptimeReport())).toMatchObject({
      heading: 'vps-4821.example-hosting.net',
      billingServiceId: '4821',
      planName: 'HA VPS Pro',
      targetText: '99.9 %',
    });
    expect(presentClientServicePage(buildUptimeReport({ hostname: null })).heading).toBe('VPS #4821');
  });

  it('warns when the monitoring data is old', () => {
    expect(presentClientServicePage(buildUptimeReport()).freshness).toEqual({
      text: 'Monitoring data as of 6 Nov 2026, 14:19:20 UTC',
      stale: false,
    });
    expect(presentClientServicePage(buildUptimeReport({ eventsReadAt: new Date(FIXTURE_NOW.getTime() - 3_600_000) })).freshness.stale).toBe(
      true,
    );
    expect(presentClientServicePage(buildUptimeReport({ eventsReadAt: null })).freshness).toEqual({
      text: 'The monitoring has not read this VPS yet',
      stale: true,
    });
  });
});

describe('presentClientServiceList', () => {
  it('gives one row per VPS with state, plan, 30-day uptime, SLA and link', () => {
    const list = presentClientServiceList([
      buildUptimeReport(),
      buildUptimeReport({
        billingServiceId: 'a/b 7',
        hostname: null,
        state: 'provisioning',
        vmStatus: null,
        activeSince: null,
        incidents: [],
      }),
    ]);
    expect(list.title).toBe('Your services');
    expect(list.empty).toBe(false);
    expect(list.services[0]).toEqual({
      hostname: 'vps-4821.example-hosting.net',
      billingServiceId: '4821',
      badge: { text: 'Running', tone: 'ok', detail: null },
      planName: 'HA VPS Pro',
      uptime30d: '99.994 %',
      uptime30dTone: 'ok',
      sla: { text: 'Met so far', tone: 'ok' },
      href: '/client/services/4821',
    });
    expect(list.services[1]).toMatchObject({
      hostname: 'VPS #a/b 7',
      uptime30d: '—',
      uptime30dTone: 'neutral',
      sla: { text: 'Not measured yet', tone: 'neutral' },
      href: '/client/services/a%2Fb%207',
    });
    expect(presentClientServiceList([])).toEqual({ title: 'Your services', services: [], empty: true });
  });
});
