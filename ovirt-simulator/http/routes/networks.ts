import express, { type Router } from 'express';
import { collection } from '../../present/links';
import { presentClusterNetwork, presentMacPool, presentNetwork, presentVnicProfile } from '../../present/network';
import type { Simulator } from '../../simulator';
import type { Network, VnicProfile } from '../../world/network-model';
import { api } from '../context';
import { readMacPool, readNetwork, readVnicProfile } from '../entity-reads';
import { sendDoc } from '../respond';
import { found } from './shared';

const byName = <T extends { name: string }>(items: Iterable<T>): T[] => [...items].sort((a, b) => a.name.localeCompare(b.name));

/**
 * Networks, vNIC profiles and MAC pools: read-only, as the scenario made them (docs/ovirt-api.md §7 lists the collections;
 * search on them is not simulated, lists come sorted by name).
 */
export function networksRouter(sim: Simulator): Router {
  const router = express.Router();
  const net = () => sim.world.net;
  const networks = (items: Network[], base: string) =>
    collection(
      'networks',
      'network',
      items.map((n) => presentNetwork(n, base)),
    );
  const profiles = (items: VnicProfile[], base: string) =>
    collection(
      'vnic_profiles',
      'vnic_profile',
      items.map((p) => presentVnicProfile(p, base)),
    );

  router.get('/networks', (_req, res) => sendDoc(res, 200, networks(byName(net().networks.values()), api(res).base)));
  router.get('/networks/:id', (req, res) => sendDoc(res, 200, readNetwork(sim, String(req.params.id), api(res).base)));
  router.get('/networks/:id/vnicprofiles', (req, res) => {
    const network = found(net().networks.get(String(req.params.id)));
    sendDoc(res, 200, profiles(byName(net().profilesOf(network.id)), api(res).base));
  });
  router.get('/datacenters/:id/networks', (req, res) => {
    const dc = found(sim.world.dataCenters.get(String(req.params.id)));
    sendDoc(res, 200, networks(byName([...net().networks.values()].filter((n) => n.dataCenterId === dc.id)), api(res).base));
  });
  router.get('/clusters/:id/networks', (req, res) => {
    const cluster = found(sim.world.clusters.get(String(req.params.id)));
    const { base } = api(res);
    const items = net()
      .networksOfCluster(cluster.id)
      .map((link) => ({ link, network: net().networks.get(link.networkId) }))
      .filter((x): x is { link: typeof x.link; network: Network } => x.network !== undefined)
      .sort((a, b) => a.network.name.localeCompare(b.network.name))
      .map(({ link, network }) => presentClusterNetwork(network, link, cluster.id, base));
    sendDoc(res, 200, collection('networks', 'network', items));
  });
  router.get('/clusters/:id/networks/:networkId', (req, res) => {
    const cluster = found(sim.world.clusters.get(String(req.params.id)));
    const link = found(
      net()
        .networksOfCluster(cluster.id)
        .find((l) => l.networkId === req.params.networkId),
    );
    const network = found(net().networks.get(link.networkId));
    sendDoc(res, 200, { root: 'network', body: presentClusterNetwork(network, link, cluster.id, api(res).base) });
  });
  router.get('/vnicprofiles', (_req, res) => sendDoc(res, 200, profiles(byName(net().vnicProfiles.values()), api(res).base)));
  router.get('/vnicprofiles/:id', (req, res) => sendDoc(res, 200, readVnicProfile(sim, String(req.params.id), api(res).base)));
  router.get('/macpools', (_req, res) => {
    const { base } = api(res);
    sendDoc(
      res,
      200,
      collection(
        'mac_pools',
        'mac_pool',
        byName(net().macPools.values()).map((p) => presentMacPool(p, base)),
      ),
    );
  });
  router.get('/macpools/:id', (req, res) => sendDoc(res, 200, readMacPool(sim, String(req.params.id), api(res).base)));

  return router;
}
