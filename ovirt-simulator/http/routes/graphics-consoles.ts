import express, { type Request, type Response, type Router } from 'express';
import { collection, ref } from '../../present/links';
import type { Simulator } from '../../simulator';
import { EngineError } from '../../world/engine-error';
import { type GraphicsConsole, graphicsConsolesOf, remoteViewerFile, TICKET_VALIDITY_SECONDS } from '../../world/graphics-consoles';
import type { Vm } from '../../world/model';
import type { Node } from '../../wire/document';
import { api, boolParam } from '../context';
import { sendActionFault, sendDoc } from '../respond';
import { found } from './shared';

/** One console as the engine renders it; address and ports only for the running VM and `current=true`. */
function presentConsole(gc: GraphicsConsole, vm: Vm, base: string, current: boolean): Node {
  const href = `${base}/vms/${vm.id}/graphicsconsoles/${gc.id}`;
  return {
    href,
    id: gc.id,
    ...(current && gc.address !== undefined ? { address: gc.address } : {}),
    ...(current && gc.port !== undefined ? { port: gc.port } : {}),
    protocol: gc.protocol,
    ...(current && gc.tlsPort !== undefined ? { tls_port: gc.tlsPort } : {}),
    vm: ref(base, 'vms', vm.id),
    actions: {
      link: ['remoteviewerconnectionfile', 'ticket', 'proxyticket'].map((rel) => ({ href: `${href}/${rel}`, rel })),
    },
  };
}

/** `/vms/{id}/graphicsconsoles` (model VmGraphicsConsolesService / VmGraphicsConsoleService). */
export function graphicsConsolesRouter(sim: Simulator): Router {
  const router = express.Router();
  const vmOf = (req: Request): Vm => found(sim.world.vms.get(String(req.params.id)));
  const consoles = (vm: Vm) => graphicsConsolesOf(vm, vm.hostId ? sim.world.hosts.get(vm.hostId) : undefined);
  const consoleOf = (req: Request, vm: Vm) => found(consoles(vm).find((c) => c.id === req.params.gc));

  router.get('/vms/:id/graphicsconsoles', (req, res) => {
    const vm = vmOf(req);
    const current = boolParam(req, res, 'current');
    sendDoc(
      res,
      200,
      collection(
        'graphics_consoles',
        'graphics_console',
        consoles(vm).map((gc) => presentConsole(gc, vm, api(res).base, current)),
      ),
    );
  });

  router.get('/vms/:id/graphicsconsoles/:gc', (req, res) => {
    const vm = vmOf(req);
    const current = boolParam(req, res, 'current');
    sendDoc(res, 200, { root: 'graphics_console', body: presentConsole(consoleOf(req, vm), vm, api(res).base, current) });
  });

  // The file holds a fresh ticket; a VM that is not running gets the engine's 409 in an action fault.
  router.post('/vms/:id/graphicsconsoles/:gc/remoteviewerconnectionfile', (req: Request, res: Response) => {
    const vm = vmOf(req);
    const gc = consoleOf(req, vm);
    try {
      const host = vm.hostId ? sim.world.hosts.get(vm.hostId) : undefined;
      const { text } = remoteViewerFile(vm, host, gc, req.get('host') ?? 'localhost');
      sendDoc(res, 200, { root: 'action', body: { remote_viewer_connection_file: text, status: 'complete' } });
    } catch (err) {
      if (err instanceof EngineError) return sendActionFault(res, err, {});
      throw err;
    }
  });

  // `ticket`: a new ticket with its expiry (the engine's 120 s unless asked otherwise).
  router.post('/vms/:id/graphicsconsoles/:gc/ticket', (req: Request, res: Response) => {
    const vm = vmOf(req);
    const gc = consoleOf(req, vm);
    try {
      const host = vm.hostId ? sim.world.hosts.get(vm.hostId) : undefined;
      const { ticket } = remoteViewerFile(vm, host, gc, req.get('host') ?? 'localhost');
      sendDoc(res, 200, { root: 'action', body: { ticket: { value: ticket, expiry: TICKET_VALIDITY_SECONDS }, status: 'complete' } });
    } catch (err) {
      if (err instanceof EngineError) return sendActionFault(res, err, {});
      throw err;
    }
  });

  return router;
}
