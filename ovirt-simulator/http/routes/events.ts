import express, { type Router } from 'express';
import { presentEvent, presentJob } from '../../present/event';
import { collection } from '../../present/links';
import { applySearch } from '../../search/filter';
import { eventFields, jobFields } from '../../search/fields';
import type { Simulator } from '../../simulator';
import { api, intParam } from '../context';
import { readEvent, readJob } from '../entity-reads';
import { sendDoc } from '../respond';
import { listOptions } from './shared';

/** `/events` (docs/ovirt-api.md §12) and `/jobs` (§9). */
export function eventsRouter(sim: Simulator): Router {
  const router = express.Router();

  router.get('/events', (req, res) => {
    const from = intParam(req, res, 'from');
    const events = sim.world.events;
    // The log is sorted by index, so `from` is a binary search rather than a scan of the whole log.
    const start = from === undefined ? 0 : sim.world.audit.firstEventAfter(from);
    // Newest first by default, and `max` applies after the sort (docs/ovirt-api.md §12.1).
    const selected = applySearch(events.slice(start), eventFields(), listOptions(req, res, { field: 'index', desc: true }));
    sendDoc(
      res,
      200,
      collection(
        'events',
        'event',
        selected.map((e) => presentEvent(e, api(res).base)),
      ),
    );
  });

  router.get('/events/:id', (req, res) => {
    sendDoc(res, 200, readEvent(sim, String(req.params.id), api(res).base));
  });

  router.get('/jobs', (req, res) => {
    const jobs = applySearch(sim.world.jobs.values(), jobFields(), listOptions(req, res, { field: 'start_time', desc: false }));
    sendDoc(
      res,
      200,
      collection(
        'jobs',
        'job',
        jobs.map((j) => presentJob(j, api(res).base)),
      ),
    );
  });

  router.get('/jobs/:id', (req, res) => {
    sendDoc(res, 200, readJob(sim, String(req.params.id), api(res).base));
  });

  return router;
}
