/**
 * The daily-ish clean-up, run by the periodic `housekeeping` job: webhook deliveries and finished jobs past their
 * retention, and one-time links and sessions past their use. Each store deletes only what is expired, so a run on
 * several instances at once is harmless.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';

const DAY = 86_400_000;

/** What deletes rows older than a cut-off. */
interface PurgesBefore {
  purge(before: Date): Promise<number>;
}
/** What knows its own expiry and deletes what is past it. */
interface PurgesExpired {
  purge(): Promise<number>;
}

export class Housekeeping {
  constructor(
    private readonly d: {
      deliveries: PurgesBefore;
      jobs: { purgeFinished(before: Date): Promise<number> };
      /** One-time links, kept a day past their issue whatever their own lifetime. */
      links: PurgesBefore[];
      sessions: PurgesExpired[];
      retention: { webhookDays: number; jobDays: number };
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async run(): Promise<void> {
    const now = this.d.clock.now().getTime();
    const deliveriesPurged = await this.d.deliveries.purge(new Date(now - this.d.retention.webhookDays * DAY));
    const jobsPurged = await this.d.jobs.purgeFinished(new Date(now - this.d.retention.jobDays * DAY));
    let linksPurged = 0;
    for (const links of this.d.links) linksPurged += await links.purge(new Date(now - DAY));
    for (const sessions of this.d.sessions) linksPurged += await sessions.purge();
    if (deliveriesPurged + jobsPurged + linksPurged > 0) this.d.logger.info({ deliveriesPurged, jobsPurged, linksPurged }, 'housekeeping');
  }
}
