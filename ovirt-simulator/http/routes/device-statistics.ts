import express, { type Request, type Router } from 'express';
import { collection } from '../../present/links';
import { presentDiskStatistics, presentNicStatistics } from '../../present/statistics';
import type { Simulator } from '../../simulator';
import type { Vm } from '../../world/model';
import { api } from '../context';
import { sendDoc } from '../respond';
import { found } from './shared';

/**
 * Statistics of a VM's devices (network and disk I/O): `/vms/{id}/nics/{nic}/statistics` (engine
 * NicStatisticalQuery) and `/disks/{id}/statistics` (DiskStatisticalQuery). Unknown ids answer the engine's 404.
 */
export function deviceStatisticsRouter(sim: Simulator): Router {
  const router = express.Router();
  const vmOf = (req: Request): Vm => found(sim.world.vms.get(String(req.params.id)));

  router.get('/vms/:id/nics/:nicId/statistics', (req, res) => {
    const vm = vmOf(req);
    const nic = found(sim.world.net.nicsOf(vm.id).find((n) => n.id === req.params.nicId));
    sendDoc(res, 200, collection('statistics', 'statistic', presentNicStatistics(sim.engine, vm, nic.id, api(res).base)));
  });

  router.get('/disks/:id/statistics', (req, res) => {
    const disk = found(sim.world.disks.get(String(req.params.id)));
    const vm = disk.vmId ? sim.world.vms.get(disk.vmId) : undefined;
    sendDoc(res, 200, collection('statistics', 'statistic', presentDiskStatistics(sim.engine, disk.id, vm, api(res).base)));
  });

  return router;
}
