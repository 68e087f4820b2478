import express, { type Router } from 'express';
import { presentDisk } from '../../present/disk';
import { collection } from '../../present/links';
import { applySearch } from '../../search/filter';
import { diskFields } from '../../search/fields';
import type { Simulator } from '../../simulator';
import type { Disk } from '../../world/model';
import { readDiskSize } from '../body-devices';
import { api } from '../context';
import { readDisk } from '../entity-reads';
import { sendDoc } from '../respond';
import { found, listOptions } from './shared';

const BY_NAME = { field: 'name', desc: false };

/** `/disks` and `/storagedomains/{id}/disks`; disks come and go with their VMs, and only their size can be edited. */
export function disksRouter(sim: Simulator): Router {
  const router = express.Router();
  const present = (disks: Iterable<Disk>, base: string) =>
    collection(
      'disks',
      'disk',
      [...disks].map((d) => presentDisk(sim.world, d, base)),
    );

  router.get('/disks', (req, res) => {
    const disks = applySearch(sim.world.disks.values(), diskFields(sim.engine), listOptions(req, res, BY_NAME));
    sendDoc(res, 200, present(disks, api(res).base));
  });

  router.get('/disks/:id', (req, res) => {
    sendDoc(res, 200, readDisk(sim, String(req.params.id), api(res).base));
  });

  router.put('/disks/:id', (req, res) => {
    const disk = found(sim.world.disks.get(String(req.params.id)));
    const size = readDiskSize(req);
    if (size !== undefined) sim.engine.diskCommands.resize(disk, size, api(res).actor);
    sendDoc(res, 200, { root: 'disk', body: presentDisk(sim.world, disk, api(res).base) });
  });

  router.get('/storagedomains/:id/disks', (req, res) => {
    const sd = found(sim.world.storageDomains.get(String(req.params.id)));
    const onDomain = [...sim.world.disks.values()].filter((d) => d.storageDomainId === sd.id);
    const disks = applySearch(onDomain, diskFields(sim.engine), listOptions(req, res, BY_NAME));
    sendDoc(res, 200, present(disks, api(res).base));
  });

  return router;
}
