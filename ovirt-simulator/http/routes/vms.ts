import express, { type Request, type Response, type Router } from 'express';
import { diskAttachmentsOf, presentDiskAttachment } from '../../present/disk';
import { presentVmStatistics } from '../../present/statistics';
import { collection, ref } from '../../present/links';
import { applySearch } from '../../search/filter';
import { vmFields } from '../../search/fields';
import type { Simulator } from '../../simulator';
import { mergeInit } from '../../world/initialization';
import type { Vm } from '../../world/model';
import { resolveHostId } from '../../world/vm-references';
import type { Node } from '../../wire/document';
import { api, boolParam } from '../context';
import { vmBody, vmDoc } from '../entity-reads';
import { readAction, readVm } from '../body';
import { readAttachmentDiskSize } from '../body-devices';
import { toInitInput } from '../body-initialization';
import { follower, followDoc } from '../follow';
import { sendDoc, sendEmpty } from '../respond';
import { echoOf, followPaths, found, listOptions, runAction } from './shared';

/** `All-Content: true` or `all_content=true` (docs/ovirt-api.md §1.4). */
function allContent(req: Request, res: Response): boolean {
  return boolParam(req, res, 'all_content') || (req.get('all-content') ?? '').toLowerCase() === 'true';
}

/** `/vms` (docs/ovirt-api.md §8). */
export function vmsRouter(sim: Simulator): Router {
  const router = express.Router();
  const vmOf = (req: Request): Vm => found(sim.world.vms.get(String(req.params.id)));

  router.get('/vms', (req, res) => {
    const { base } = api(res);
    const vms = applySearch(sim.world.vms.values(), vmFields(sim.engine), listOptions(req, res, { field: 'name', desc: false }));
    const follow = follower(sim, req, res, base);
    const full = allContent(req, res);
    sendDoc(
      res,
      200,
      collection(
        'vms',
        'vm',
        vms.map((vm) => follow(vmBody(sim, vm, base, full))),
      ),
    );
  });

  router.post('/vms', async (req, res) => {
    const { base, actor } = api(res);
    const input = readVm(req, 'add');
    const result = sim.engine.vmCommands.create(input, actor);
    const location = `${req.protocol}://${req.get('host') ?? 'localhost'}${base}/vms/${result.vm.id}`;
    res.set('Location', location);
    // With disks to copy the engine answers 202 image_locked, unless `Expect: 201-created` asks it to wait.
    if (result.async && (req.get('expect') ?? '').toLowerCase().includes('201-created')) {
      await result.done;
      return sendDoc(res, 201, { root: 'vm', body: vmBody(sim, result.vm, base) });
    }
    const body = vmBody(sim, result.vm, base);
    if (result.async) {
      body.link = [
        ...(body.link as Node[]),
        { href: `${base}/vms/${result.vm.id}/creation_status/${result.job.id}`, rel: 'creation_status' },
      ];
    }
    sendDoc(res, result.async ? 202 : 201, { root: 'vm', body });
  });

  router.get('/vms/:id', (req, res) => {
    const { base } = api(res);
    sendDoc(res, 200, followDoc(sim, req, res, base, vmDoc(sim, String(req.params.id), base, allContent(req, res))));
  });

  router.put('/vms/:id', (req, res) => {
    const vm = vmOf(req);
    const input = readVm(req, 'update');
    sim.engine.vmCommands.update(vm, input, api(res).actor);
    sendDoc(res, 200, { root: 'vm', body: vmBody(sim, vm, api(res).base) });
  });

  router.delete('/vms/:id', (req, res) => {
    const vm = vmOf(req);
    const job = sim.engine.vmCommands.remove(vm, api(res).actor, boolParam(req, res, 'force'), boolParam(req, res, 'detach_only'));
    if (boolParam(req, res, 'async')) return sendEmpty(res, 202);
    sendDoc(res, 200, { root: 'action', body: { job: ref(api(res).base, 'jobs', job.id), status: 'complete' } });
  });

  router.get('/vms/:id/statistics', (req, res) => {
    const { base } = api(res);
    sendDoc(res, 200, collection('statistics', 'statistic', presentVmStatistics(sim.engine, vmOf(req), base)));
  });

  // The attachments' own `follow=disk` inlines each disk.
  router.get('/vms/:id/diskattachments', (req, res) => {
    const vm = vmOf(req);
    const body = diskAttachmentsOf(sim.world, vm.id, api(res).base, followPaths(req, res).has('disk'));
    sendDoc(res, 200, { root: 'disk_attachments', body });
  });

  router.get('/vms/:id/diskattachments/:diskId', (req, res) => {
    const vm = vmOf(req);
    const disk = found(sim.world.disksOf(vm.id).find((d) => d.id === req.params.diskId));
    const body = presentDiskAttachment(sim.world, disk, vm.id, api(res).base, followPaths(req, res).has('disk'));
    sendDoc(res, 200, { root: 'disk_attachment', body });
  });

  // Only a grow of the disk's `provisioned_size` is simulated; other attachment fields are ignored.
  router.put('/vms/:id/diskattachments/:diskId', (req, res) => {
    const vm = vmOf(req);
    const disk = found(sim.world.disksOf(vm.id).find((d) => d.id === req.params.diskId));
    const size = readAttachmentDiskSize(req);
    if (size !== undefined) sim.engine.diskCommands.resize(disk, size, api(res).actor);
    const body = presentDiskAttachment(sim.world, disk, vm.id, api(res).base, false);
    sendDoc(res, 200, { root: 'disk_attachment', body });
  });

  router.get('/vms/:id/creation_status/:ids', (req, res) => {
    const vm = vmOf(req);
    const status = vm.creationStatus ?? 'complete';
    sendDoc(res, 200, { root: 'creation', body: { status } });
  });

  router.post('/vms/:id/:action', (req: Request, res: Response) => {
    const vm = vmOf(req);
    const action = String(req.params.action);
    const { actor } = api(res);
    const actions = sim.engine.vmActions;
    const subject = { collection: 'vms', element: 'vm', id: vm.id };
    const known = ['start', 'stop', 'shutdown', 'reboot', 'suspend', 'migrate'];
    if (!known.includes(action)) return sendEmpty(res, 404);
    const input = readAction(req, 'vm', action);
    runAction(res, echoOf(input), subject, () => {
      switch (action) {
        case 'start': {
          const hosts = input.vm?.placement_policy?.hosts?.host ?? [];
          const first = hosts[0];
          const hostId = first ? resolveHostId(sim.world, first) : undefined;
          // A run-once `<vm><initialization>` is merged over the stored one for this run only (RunVmOnce).
          const runOnce = input.vm?.initialization ? mergeInit(vm.initialization, toInitInput(input.vm.initialization), 'run') : undefined;
          const init = {
            ...(input.use_cloud_init !== undefined ? { useCloudInit: input.use_cloud_init } : {}),
            ...(runOnce ? { runOnce } : {}),
          };
          return actions.start(vm, actor, hostId, init);
        }
        case 'stop':
          return actions.stop(vm, actor, input.reason);
        case 'shutdown':
          return actions.shutdown(vm, actor, input.reason);
        case 'reboot':
          return actions.reboot(vm, actor);
        case 'suspend':
          return actions.suspend(vm, actor);
        default:
          return actions.migrate(vm, actor, input.host ? resolveHostId(sim.world, input.host) : undefined, input.force ?? false);
      }
    });
  });

  return router;
}
