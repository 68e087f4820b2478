import express, { type Router } from 'express';
import { clustersOf, presentCluster, presentDataCenter, presentStorageDomain, presentTemplate } from '../../present/infrastructure';
import { collection } from '../../present/links';
import { templateDiskAttachments } from '../../present/template-disk';
import { applySearch } from '../../search/filter';
import { clusterFields, dataCenterFields, storageDomainFields, templateFields } from '../../search/fields';
import type { Simulator } from '../../simulator';
import { api } from '../context';
import { readCluster, readDataCenter, readStorageDomain, readTemplate } from '../entity-reads';
import { sendDoc } from '../respond';
import { follower, followDoc } from '../follow';
import { followPaths, found, listOptions } from './shared';

const BY_NAME = { field: 'name', desc: false };

/** Data centers, clusters, storage domains and templates (docs/ovirt-api.md §4, §6, §7): read-only in the simulator. */
export function infrastructureRouter(sim: Simulator): Router {
  const router = express.Router();

  router.get('/datacenters', (req, res) => {
    const dcs = applySearch(sim.world.dataCenters.values(), dataCenterFields(), listOptions(req, res, BY_NAME));
    const follow = follower(sim, req, res, api(res).base);
    sendDoc(
      res,
      200,
      collection(
        'data_centers',
        'data_center',
        dcs.map((dc) => follow(presentDataCenter(dc, api(res).base))),
      ),
    );
  });
  router.get('/datacenters/:id', (req, res) => {
    sendDoc(res, 200, followDoc(sim, req, res, api(res).base, readDataCenter(sim, String(req.params.id), api(res).base)));
  });
  router.get('/datacenters/:id/clusters', (req, res) => {
    const dc = found(sim.world.dataCenters.get(String(req.params.id)));
    const items = clustersOf(sim.engine, dc.id).map((c) => presentCluster(c, api(res).base));
    sendDoc(res, 200, collection('clusters', 'cluster', items));
  });
  router.get('/datacenters/:id/storagedomains', (req, res) => {
    const dc = found(sim.world.dataCenters.get(String(req.params.id)));
    const sds = [...sim.world.storageDomains.values()].filter((sd) => sd.dataCenterId === dc.id);
    sendDoc(
      res,
      200,
      collection(
        'storage_domains',
        'storage_domain',
        sds.map((sd) => presentStorageDomain(sd, api(res).base, true)),
      ),
    );
  });
  router.get('/datacenters/:id/storagedomains/:sdId', (req, res) => {
    const dc = found(sim.world.dataCenters.get(String(req.params.id)));
    const sd = found(sim.world.storageDomains.get(String(req.params.sdId)));
    if (sd.dataCenterId !== dc.id) found(undefined);
    sendDoc(res, 200, { root: 'storage_domain', body: presentStorageDomain(sd, api(res).base, true) });
  });

  router.get('/clusters', (req, res) => {
    const clusters = applySearch(sim.world.clusters.values(), clusterFields(sim.engine), listOptions(req, res, BY_NAME));
    const follow = follower(sim, req, res, api(res).base);
    sendDoc(
      res,
      200,
      collection(
        'clusters',
        'cluster',
        clusters.map((c) => follow(presentCluster(c, api(res).base))),
      ),
    );
  });
  router.get('/clusters/:id', (req, res) => {
    sendDoc(res, 200, followDoc(sim, req, res, api(res).base, readCluster(sim, String(req.params.id), api(res).base)));
  });

  router.get('/storagedomains', (req, res) => {
    const sds = applySearch(sim.world.storageDomains.values(), storageDomainFields(sim.engine), listOptions(req, res, BY_NAME));
    sendDoc(
      res,
      200,
      collection(
        'storage_domains',
        'storage_domain',
        sds.map((sd) => presentStorageDomain(sd, api(res).base, false)),
      ),
    );
  });
  router.get('/storagedomains/:id', (req, res) => {
    sendDoc(res, 200, readStorageDomain(sim, String(req.params.id), api(res).base));
  });

  router.get('/templates', (req, res) => {
    const templates = applySearch(sim.world.templates.values(), templateFields(sim.engine), listOptions(req, res, BY_NAME));
    const follow = follower(sim, req, res, api(res).base);
    sendDoc(
      res,
      200,
      collection(
        'templates',
        'template',
        templates.map((t) => follow(presentTemplate(t, api(res).base))),
      ),
    );
  });
  router.get('/templates/:id', (req, res) => {
    sendDoc(res, 200, followDoc(sim, req, res, api(res).base, readTemplate(sim, String(req.params.id), api(res).base)));
  });
  // The attachments' own `follow=disk` inlines the disk, as on a VM's attachments.
  router.get('/templates/:id/diskattachments', (req, res) => {
    const template = found(sim.world.templates.get(String(req.params.id)));
    sendDoc(res, 200, {
      root: 'disk_attachments',
      body: templateDiskAttachments(template, api(res).base, followPaths(req, res).has('disk')),
    });
  });

  return router;
}
