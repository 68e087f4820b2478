/** The SLA parts of a client-area page: this month's SLA box, the past-months table and the credits owed. */
import { formatDuration } from '../presenters/time-words';
import type { ServiceUptimeReport, UptimeMonth } from '../../domain/uptime-report';
import { daysInMonth, formatMonthKey, formatPercent, formatPlainPercent, type Tone } from './client-area-format';

export interface SlaStatus {
  text: string;
  tone: Tone;
}

export interface SlaBox {
  monthLabel: string;
  /** `Uptime so far` while the month runs, `Uptime` once it is over. */
  uptimeLabel: string;
  uptime: string;
  targetText: string;
  status: SlaStatus;
  creditOwed: boolean;
  /** `If the month ended now, the credit would be 5 % of this month's fee`, or once it is over `Credit owed: …`. */
  creditText: string;
  /** `Downtime counted so far` while the month runs. */
  downtimeLabel: string;
  downtimeText: string;
  /** Downtime a whole month may have at the target: `43 min 12 s`. */
  allowedText: string;
  /** How much of that allowance the downtime counted so far uses, for a meter (width in percent, capped at 100). */
  budget: { width: number; text: string; tone: Tone };
  unknownText: string | null;
  excludedText: string | null;
  /** What counts and what does not, for this plan. */
  excludedNote: string;
  /** How an admin's stop counts on this plan. */
  adminStopNote: string;
  /** How a lost contact with the host, the VPS running on, counts on this plan. */
  contactLossNote: string;
  unknownNote: string;
  complete: boolean;
  /** `The month is not over: these are the figures so far, …`; null once it is over. */
  inProgressNote: string | null;
}

export interface PastMonthRow {
  month: string;
  monthLabel: string;
  uptime: string;
  downtimeText: string;
  targetText: string;
  status: SlaStatus;
  creditText: string;
}

export interface PastCredit {
  monthLabel: string;
  /** `August 2026: 99.846 % was below the 99.9 % target — credit owed: 5 % of that month's fee`. */
  text: string;
}

/** The SLA verdict of one month as a short status. */
export function slaStatus(month: UptimeMonth): SlaStatus {
  const { met, complete } = month.sla;
  if (met === null) return { text: 'Not measured yet', tone: 'neutral' };
  if (complete) return met ? { text: 'Met', tone: 'ok' } : { text: 'Missed', tone: 'bad' };
  return met ? { text: 'Met so far', tone: 'ok' } : { text: 'Missed so far', tone: 'bad' };
}

/**
 * The credit line. A finished month: `Credit owed: 5 % of this month's fee` or `No credit owed`. A month in progress
 * owes nothing yet; it says what the credit would be if the month ended now.
 */
export function creditText(month: UptimeMonth): string {
  if (!month.sla.complete) {
    return month.sla.creditPercent > 0
      ? `If the month ended now, the credit would be ${formatPlainPercent(month.sla.creditPercent)} of this month's fee`
      : 'If the month ended now, no credit would be owed';
  }
  if (month.sla.creditPercent <= 0) return 'No credit owed';
  return `Credit owed: ${formatPlainPercent(month.sla.creditPercent)} of this month's fee`;
}

/** The downtime a full calendar month may have at the target (DST's hour either way is ignored: 3.6 s at 99.9 %). */
function allowedSeconds(month: string, targetPercent: number): number {
  // Rounded, not floored: 100 − 99.9 is 0.0999999… in binary and would cost a second.
  return Math.round((daysInMonth(month) * 86400 * Math.max(0, 100 - targetPercent)) / 100);
}

function budgetMeter(used: number, allowed: number): SlaBox['budget'] {
  const share = allowed > 0 ? (used / allowed) * 100 : used > 0 ? 100 : 0;
  const width = Math.min(100, Math.round(share * 10) / 10);
  const tone: Tone = share >= 100 ? 'bad' : share >= 50 ? 'warn' : 'ok';
  const rounded = share > 0 && share < 1 ? '< 1' : String(Math.round(share));
  return { width, text: `${rounded} % of a full month's allowance used`, tone };
}

export function presentSla(report: ServiceUptimeReport): SlaBox {
  const m = report.currentMonth;
  const target = m.sla.targetPercent;
  const allowed = allowedSeconds(m.month, target);
  const counted = m.downSeconds + (report.plan.unknownCountsAsDown ? m.unknownSeconds : 0);
  const plan = report.plan;
  return {
    monthLabel: formatMonthKey(m.month) + (m.sla.complete ? '' : ' (so far)'),
    uptimeLabel: m.sla.complete ? 'Uptime' : 'Uptime so far',
    uptime: formatPercent(m.uptimePercent),
    targetText: formatPlainPercent(target),
    status: slaStatus(m),
    creditOwed: m.sla.creditPercent > 0,
    creditText: creditText(m),
    downtimeLabel: m.sla.complete ? 'Downtime counted' : 'Downtime counted so far',
    downtimeText: formatDuration(counted),
    allowedText: formatDuration(allowed),
    budget: budgetMeter(counted, allowed),
    unknownText: m.unknownSeconds > 0 ? formatDuration(m.unknownSeconds) : null,
    excludedText: m.excludedSeconds > 0 ? formatDuration(m.excludedSeconds) : null,
    excludedNote:
      'Planned, and not counted against the SLA: a suspension by the billing panel, a shutdown from inside your VPS ' +
      'or one you asked for, and a stop inside a maintenance window your provider announced.',
    adminStopNote: plan.unannouncedAdminStopsExcluded
      ? 'A stop by your provider\u2019s administrator outside an announced window is not counted either, as your plan says.'
      : 'A stop by your provider\u2019s administrator outside an announced window counts as downtime.',
    contactLossNote: plan.contactLossCountsAsDown
      ? 'When your provider\u2019s monitoring loses contact with the server your VPS runs on, ' +
        'that time counts as downtime, in your favour, even if your VPS kept running.'
      : 'When your provider\u2019s monitoring loses contact with the server your VPS runs on but your VPS keeps running, that is not downtime.',
    inProgressNote: m.sla.complete
      ? null
      : `${formatMonthKey(m.month)} is not over: the uptime and downtime are the figures so far, and no credit is owed until the month ends.`,
    unknownNote: report.plan.unknownCountsAsDown
      ? 'Time the monitoring could not see counts as downtime, in your favour.'
      : 'Time the monitoring could not see is left out of the calculation: it counts neither as up nor as down.',
    complete: m.sla.complete,
  };
}

export function presentPastMonth(m: UptimeMonth, unknownCountsAsDown: boolean): PastMonthRow {
  const counted = m.downSeconds + (unknownCountsAsDown ? m.unknownSeconds : 0);
  return {
    month: m.month,
    monthLabel: formatMonthKey(m.month),
    uptime: formatPercent(m.uptimePercent),
    downtimeText: counted > 0 ? formatDuration(counted) : '—',
    targetText: formatPlainPercent(m.sla.targetPercent),
    status: slaStatus(m),
    creditText: m.sla.creditPercent > 0 ? formatPlainPercent(m.sla.creditPercent) : '—',
  };
}

/** Finished months that missed the target, in the order given: what the customer may claim. */
export function presentPastCredits(finished: UptimeMonth[]): PastCredit[] {
  return finished
    .filter((m) => m.sla.creditPercent > 0)
    .map((m) => ({
      monthLabel: formatMonthKey(m.month),
      text:
        `${formatMonthKey(m.month)}: ${formatPercent(m.uptimePercent)} was below the ${formatPlainPercent(m.sla.targetPercent)} target` +
        ` — credit owed: ${formatPlainPercent(m.sla.creditPercent)} of that month's fee`,
    }));
}
