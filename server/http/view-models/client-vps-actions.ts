/**
 * The client area's VPS controls: the action buttons, the confirmation pages (power off, reinstall), the
 * result of an action, and the log of the customer's own actions. Every form posts with the session's CSRF token and
 * works without JavaScript; words for people are made here from the records.
 */
import type { OsOption } from '../../domain/plan';
import type { ServiceActionKind, ServiceActionRecord } from '../../domain/service-action';
import { formatDateTime, type Tone } from './client-area-format';

/** What each action is called on the page. */
export const ACTION_LABELS: Record<ServiceActionKind, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  stop: 'Power off',
  reboot: 'Reboot',
  reinstall: 'Reinstall',
  console: 'Console',
};

/** The message after a successful request (post-redirect-get: `?done=<key>`); fixed words, never from the URL. */
const DONE: Record<string, string> = {
  start: 'Start requested: your VPS is booting and is reachable again in a minute or so.',
  shutdown: 'Shutdown requested: the operating system is asked to shut down cleanly, which can take a few minutes.',
  stop: 'Power off requested: your VPS is being switched off.',
  reboot: 'Reboot requested: your VPS restarts and is reachable again in a minute or so.',
  reinstall:
    'Reinstall started: the new system boots in a few minutes with the same addresses and host name. The old disk is being erased.',
};

export function doneMessage(key: string | undefined): string | undefined {
  return key ? DONE[key] : undefined;
}

const OUTCOMES: Record<ServiceActionRecord['outcome'], { text: string; tone: Tone }> = {
  queued: { text: 'Waiting', tone: 'neutral' },
  running: { text: 'In progress', tone: 'warn' },
  succeeded: { text: 'Done', tone: 'ok' },
  failed: { text: 'Failed', tone: 'bad' },
};

export interface ClientActionsView {
  billingServiceId: string;
  csrf: string;
  base: string;
  done?: string;
  /** Why the VPS takes no actions now; the buttons are left out then. */
  unavailable?: string;
  log: ClientLogRow[];
}

export interface ClientLogRow {
  action: string;
  whenIso: string;
  whenText: string;
  outcome: string;
  tone: Tone;
  error: string | null;
}

/** The customer's own actions, newest first, in the plan's time zone (the console file counts: it is an action). */
export function presentClientActionLog(records: readonly ServiceActionRecord[], timeZone: string): ClientLogRow[] {
  return records
    .filter((r) => r.actor.kind === 'customer')
    .map((r) => ({
      action: ACTION_LABELS[r.action],
      whenIso: r.requestedAt.toISOString(),
      whenText: formatDateTime(r.requestedAt, timeZone),
      outcome: OUTCOMES[r.outcome].text,
      tone: OUTCOMES[r.outcome].tone,
      error: r.error,
    }));
}

export function presentClientActions(input: {
  billingServiceId: string;
  csrf: string;
  done?: string;
  unavailable?: string;
  log: ClientLogRow[];
}): ClientActionsView {
  return { ...input, base: `/client/services/${encodeURIComponent(input.billingServiceId)}`, done: doneMessage(input.done) };
}

/** The power-off confirmation page. */
export function presentStopConfirmation(billingServiceId: string, heading: string, csrf: string) {
  const base = `/client/services/${encodeURIComponent(billingServiceId)}`;
  return { title: `Power off ${heading}?`, heading, billingServiceId, csrf, base, listHref: '/client/services' };
}

export interface OsChoiceView {
  key: string;
  label: string;
  selected: boolean;
}

/**
 * The reinstall page: the plan's OS options (the current one selected), empty password and key fields (what was typed
 * is never sent back), and the warning that the disk is wiped, which the customer must tick to go on.
 */
export function presentReinstallPage(input: {
  billingServiceId: string;
  heading: string;
  csrf: string;
  osOptions: readonly OsOption[];
  currentOs: string | null;
  chosenOs?: string;
  error?: string;
  problems?: string[];
}) {
  const selected = input.chosenOs ?? input.currentOs;
  const options: OsChoiceView[] = input.osOptions.map((o) => ({ key: o.key, label: o.label, selected: o.key === selected }));
  const base = `/client/services/${encodeURIComponent(input.billingServiceId)}`;
  return {
    title: `Reinstall ${input.heading}`,
    heading: input.heading,
    billingServiceId: input.billingServiceId,
    csrf: input.csrf,
    base,
    listHref: '/client/services',
    options,
    // A plan without OS choices reinstalls its own system: nothing to pick.
    hasChoice: options.length > 0,
    error: input.error,
    problems: input.problems ?? [],
  };
}

/** An action the bridge or the engine refused: what happened, in the refusal's own words, and the way back. */
export function presentActionRefused(input: {
  billingServiceId: string;
  action: ServiceActionKind;
  status: number;
  message: string;
  retryAfterSeconds?: number;
}) {
  const label = ACTION_LABELS[input.action];
  const why =
    input.status === 429
      ? 'Too many actions on this VPS in a short time'
      : input.status === 409
        ? 'Your VPS cannot do this right now'
        : input.status === 503
          ? 'The virtualisation platform cannot be reached right now'
          : 'The request could not be carried out';
  return {
    title: `${label}: not done`,
    heading: `${label}: not done`,
    why,
    message: input.message,
    retryText: input.retryAfterSeconds ? `You can try again in ${Math.ceil(input.retryAfterSeconds / 60)} minute(s).` : undefined,
    backHref: `/client/services/${encodeURIComponent(input.billingServiceId)}`,
    listHref: '/client/services',
  };
}
