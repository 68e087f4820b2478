import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { faultSpecSchema } from '../control/faults';
import { ControlError, type Simulator } from '../simulator';
import { HOST_FAULTS } from '../world/model';

const advanceSchema = z
  .object({ ms: z.number().min(0).optional(), seconds: z.number().min(0).optional() })
  .strict()
  .refine((b) => b.ms !== undefined || b.seconds !== undefined, 'give ms or seconds');

const purgeSchema = z
  .object({
    before: z.union([z.number(), z.string()]).optional(),
    upToIndex: z.number().int().optional(),
  })
  .strict()
  .refine((b) => b.before !== undefined || b.upToIndex !== undefined, 'give before or upToIndex');

const restartIdsSchema = z.object({ next: z.number().int().min(1).optional() }).strict();

/** `before` as epoch ms: a number is taken as is, a string must be a date `Date.parse` reads (ISO 8601). */
function epochMs(value: number | string): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new ControlError(400, `before: not a time: ${String(value)}`);
  return ms;
}

const issues = (error: z.ZodError): string =>
  error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

/** The world as plain JSON, for `GET /__sim/world` and debugging. */
export function worldSnapshot(sim: Simulator): unknown {
  const w = sim.world;
  return {
    scenario: sim.scenarioName(),
    now: sim.clock.now(),
    dataCenters: [...w.dataCenters.values()],
    clusters: [...w.clusters.values()],
    hosts: [...w.hosts.values()].map((h) => ({ ...h, maxSchedulingMemory: sim.engine.scheduler.maxSchedulingMemory(h) })),
    storageDomains: [...w.storageDomains.values()],
    templates: [...w.templates.values()],
    vms: [...w.vms.values()],
    disks: [...w.disks.values()],
    networks: [...w.net.networks.values()],
    vnicProfiles: [...w.net.vnicProfiles.values()],
    macPools: [...w.net.macPools.values()],
    nics: [...w.net.nics.values()],
    haQueue: sim.haQueue(),
    lastEventIndex: w.peekNextEventIndex() - 1,
    eventCount: w.events.length,
  };
}

/**
 * The control API under `/__sim` (JSON, outside the engine's paths, its own bearer token): scenario reset, the
 * clock, host failures, VM crashes, guest shutdowns and locks, audit-log purge and id restart, faults, and
 * metrics. Never subject to the switched-on faults.
 */
export function controlRouter(sim: Simulator, controlToken: string): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  router.use((req, res, next) => {
    const header = req.get('authorization') ?? '';
    const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : req.get('x-sim-token');
    if (given !== controlToken) {
      res.status(401).json({ error: 'control token required (Authorization: Bearer <token>)' });
      return;
    }
    next();
  });
  const body = (req: Request): Record<string, unknown> =>
    typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const state = () => ({
    scenario: sim.scenarioName(),
    clock: { mode: sim.clock.mode, now: sim.clock.now(), iso: new Date(sim.clock.now()).toISOString(), speed: sim.clock.getSpeed() },
    metrics: sim.metrics.snapshot(),
    faults: sim.faults.list(),
    haQueue: sim.haQueue(),
  });

  router.get('/state', (_req, res) => {
    res.json(state());
  });
  router.get('/world', (_req, res) => {
    res.json(worldSnapshot(sim));
  });
  router.post('/reset', (req, res) => {
    const b = body(req);
    const seed = typeof b.seed === 'number' ? b.seed : undefined;
    const scenario = typeof b.scenario === 'string' || (typeof b.scenario === 'object' && b.scenario !== null) ? b.scenario : undefined;
    try {
      sim.reset(scenario as Parameters<Simulator['reset']>[0], seed);
    } catch (err) {
      throw new ControlError(400, err instanceof Error ? err.message : String(err));
    }
    res.json(state());
  });
  router.post('/clock/advance', (req, res) => {
    const parsed = advanceSchema.safeParse(body(req));
    if (!parsed.success) throw new ControlError(400, parsed.error.issues.map((i) => i.message).join('; '));
    sim.advance(parsed.data.ms ?? (parsed.data.seconds ?? 0) * 1000);
    res.json(state());
  });
  router.put('/clock', (req, res) => {
    const speed = body(req).speed;
    if (typeof speed !== 'number' || !(speed > 0)) throw new ControlError(400, 'speed must be a positive number');
    sim.setSpeed(speed);
    res.json(state());
  });
  router.post('/hosts/:host/fail', (req, res) => {
    const mode = body(req).mode ?? 'power_loss';
    if (typeof mode !== 'string' || !(HOST_FAULTS as readonly string[]).includes(mode)) {
      throw new ControlError(400, `mode must be one of ${HOST_FAULTS.join(', ')}`);
    }
    sim.failHost(String(req.params.host), mode as (typeof HOST_FAULTS)[number]);
    res.json({ ok: true });
  });
  router.post('/hosts/:host/restore', (req, res) => {
    sim.restoreHost(String(req.params.host));
    res.json({ ok: true });
  });
  router.post('/vms/:vm/crash', (req, res) => {
    const message = body(req).message;
    sim.crashVm(String(req.params.vm), typeof message === 'string' ? message : undefined);
    res.json({ ok: true });
  });
  router.post('/vms/:vm/lock', (req, res) => {
    const locked = body(req).locked;
    sim.lockVm(String(req.params.vm), typeof locked === 'boolean' ? locked : true);
    res.json({ ok: true });
  });
  router.get('/vms/:vm/guest', (req, res) => {
    res.json(sim.guest(String(req.params.vm)));
  });
  router.post('/vms/:vm/guest-shutdown', (req, res) => {
    sim.guestShutdownVm(String(req.params.vm));
    res.json({ ok: true });
  });
  router.post('/events/purge', (req, res) => {
    const parsed = purgeSchema.safeParse(body(req));
    if (!parsed.success) throw new ControlError(400, issues(parsed.error));
    const { before, upToIndex } = parsed.data;
    const removed = sim.purgeEvents({
      ...(before !== undefined ? { before: epochMs(before) } : {}),
      ...(upToIndex !== undefined ? { upToIndex } : {}),
    });
    res.json({ removed });
  });
  router.post('/events/restart-ids', (req, res) => {
    const parsed = restartIdsSchema.safeParse(body(req));
    if (!parsed.success) throw new ControlError(400, issues(parsed.error));
    const next = parsed.data.next ?? 1;
    sim.restartEventIds(next);
    res.json({ ok: true, next });
  });
  router.get('/faults', (_req, res) => {
    res.json(sim.faults.list());
  });
  router.post('/faults', (req, res) => {
    const parsed = faultSpecSchema.safeParse(body(req));
    if (!parsed.success) {
      throw new ControlError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    res.status(201).json(sim.addFault(parsed.data));
  });
  router.delete('/faults/:id', (req, res) => {
    if (!sim.removeFault(String(req.params.id))) throw new ControlError(404, 'no such fault');
    res.status(204).end();
  });
  router.delete('/faults', (_req, res) => {
    sim.clearFaults();
    res.status(204).end();
  });
  router.get('/metrics', (_req, res) => {
    res.json(sim.metrics.snapshot());
  });
  router.post('/metrics/reset', (_req, res) => {
    sim.metrics.reset();
    res.json(sim.metrics.snapshot());
  });
  router.post('/tokens/revoke-all', (_req, res) => {
    sim.tokens.revokeAll();
    res.json({ ok: true });
  });
  router.use((_req, res) => {
    res.status(404).json({ error: 'unknown control route' });
  });
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    if (err instanceof SyntaxError) {
      res.status(400).json({ error: 'malformed JSON' });
      return;
    }
    res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return router;
}
