import express, { type Request, type Router } from 'express';
import { collection } from '../../present/links';
import { presentNic, presentReportedDevice } from '../../present/nic';
import type { Simulator } from '../../simulator';
import { reportedDevice } from '../../world/guest-agent';
import type { Vm } from '../../world/model';
import type { VmNic } from '../../world/network-model';
import { readNic } from '../body-devices';
import { api } from '../context';
import { sendDoc, sendEmpty } from '../respond';
import { found } from './shared';

/**
 * `/vms/{id}/nics` (`VmNicsService`, `VmNicService`), their reported devices, and `/templates/{id}/nics`. Mounted
 * before the VM routes, whose `POST /vms/{id}/{action}` would otherwise take `POST /vms/{id}/nics`.
 */
export function nicsRouter(sim: Simulator): Router {
  const router = express.Router();
  const vmOf = (req: Request): Vm => found(sim.world.vms.get(String(req.params.id)));
  const nicOf = (ownerId: string, req: Request): VmNic => found(sim.world.net.nicsOf(ownerId).find((n) => n.id === req.params.nicId));
  const list = (ownerId: string, base: string) =>
    collection(
      'nics',
      'nic',
      sim.world.net.nicsOf(ownerId).map((n) => presentNic(n, base)),
    );

  router.get('/vms/:id/nics', (req, res) => sendDoc(res, 200, list(vmOf(req).id, api(res).base)));

  router.post('/vms/:id/nics', (req, res) => {
    const vm = vmOf(req);
    const { base, actor } = api(res);
    const nic = sim.engine.nicCommands.add(vm, readNic(req, 'add'), actor);
    res.set('Location', `${req.protocol}://${req.get('host') ?? 'localhost'}${base}/vms/${vm.id}/nics/${nic.id}`);
    sendDoc(res, 201, { root: 'nic', body: presentNic(nic, base) });
  });

  router.get('/vms/:id/nics/:nicId', (req, res) => {
    sendDoc(res, 200, { root: 'nic', body: presentNic(nicOf(vmOf(req).id, req), api(res).base) });
  });

  router.put('/vms/:id/nics/:nicId', (req, res) => {
    const vm = vmOf(req);
    const nic = nicOf(vm.id, req);
    sim.engine.nicCommands.update(vm, nic, readNic(req, 'update'), api(res).actor);
    sendDoc(res, 200, { root: 'nic', body: presentNic(nic, api(res).base) });
  });

  router.delete('/vms/:id/nics/:nicId', (req, res) => {
    const vm = vmOf(req);
    sim.engine.nicCommands.remove(vm, nicOf(vm.id, req), api(res).actor);
    sendEmpty(res, 200);
  });

  router.get('/vms/:id/nics/:nicId/reporteddevices', (req, res) => {
    const vm = vmOf(req);
    const nic = nicOf(vm.id, req);
    const device = reportedDevice(sim.world, vm, nic);
    const items = device ? [presentReportedDevice(device, nic, api(res).base)] : [];
    sendDoc(res, 200, collection('reported_devices', 'reported_device', items));
  });

  // `VmReportedDevicesService`: every NIC's report, in NIC order.
  router.get('/vms/:id/reporteddevices', (req, res) => {
    const vm = vmOf(req);
    const { base } = api(res);
    const items = sim.world.net.nicsOf(vm.id).flatMap((nic) => {
      const device = reportedDevice(sim.world, vm, nic);
      return device ? [presentReportedDevice(device, nic, base)] : [];
    });
    sendDoc(res, 200, collection('reported_devices', 'reported_device', items));
  });

  router.get('/templates/:id/nics', (req, res) => {
    const template = found(sim.world.templates.get(String(req.params.id)));
    sendDoc(res, 200, list(template.id, api(res).base));
  });

  router.get('/templates/:id/nics/:nicId', (req, res) => {
    const template = found(sim.world.templates.get(String(req.params.id)));
    sendDoc(res, 200, { root: 'nic', body: presentNic(nicOf(template.id, req), api(res).base) });
  });

  return router;
}
