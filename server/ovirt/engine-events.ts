/**
 * The engine's audit log (`/events`): what event sync reads to build timelines. One method per remote operation, like
 * OvirtClient, which exposes this as `ovirt.events`.
 */
import { OvirtNotFoundError } from './errors';
import { toEvent } from './mappers';
import { collection, eventSchema } from './schemas';
import type { OvirtTransport } from './transport';
import type { EngineEvent } from './types';

export class EngineEventsApi {
  constructor(private readonly t: OvirtTransport) {}

  /**
   * Every event newer than `afterIndex`, oldest first. The engine sorts newest first and applies `max` after that
   * sort, so `from` with `max` would return the newest page and silently skip older events: ask without `max`.
   */
  async eventsSince(afterIndex: number, options: { search?: string } = {}): Promise<EngineEvent[]> {
    const list = await this.t.read('list events', '/events', collection('event', eventSchema), {
      params: { from: afterIndex, search: options.search },
    });
    return list
      .map(toEvent)
      .filter((e) => e.index > afterIndex)
      .sort((a, b) => a.index - b.index);
  }

  /** One event by its index; undefined when the engine has no such event (purged, or ids restarted). */
  async findEvent(index: number): Promise<EngineEvent | undefined> {
    try {
      return toEvent(await this.t.read('get event', `/events/${index}`, eventSchema));
    } catch (err) {
      if (err instanceof OvirtNotFoundError) return undefined;
      throw err;
    }
  }

  /** The newest event's index (0 when there is none): where a first poller starts. */
  async latestEventIndex(): Promise<number> {
    const list = await this.t.read('latest event', '/events', collection('event', eventSchema), { params: { max: 1 } });
    return list.reduce((max, e) => Math.max(max, e.index ?? Number(e.id)), 0);
  }
}
