import type { EngineEvent, Job } from '../world/model';
import { DateTime, type Node } from '../wire/document';
import { ref } from './links';

/** `<event>` (docs/ovirt-api.md §12.2): links carry the entity's name as the engine's EventMapper sets it. */
export function presentEvent(event: EngineEvent, base: string): Node {
  const node: Node = {
    href: `${base}/events/${event.index}`,
    id: String(event.index),
    description: event.description,
    code: event.code,
  };
  if (event.correlationId) node.correlation_id = event.correlationId;
  node.custom_id = -1;
  node.flood_rate = 30;
  node.index = event.index;
  node.origin = 'oVirt';
  node.severity = event.severity;
  node.time = new DateTime(event.time);
  if (event.cluster) node.cluster = ref(base, 'clusters', event.cluster.id, event.cluster.name);
  if (event.dataCenter) node.data_center = ref(base, 'datacenters', event.dataCenter.id, event.dataCenter.name);
  if (event.host) node.host = ref(base, 'hosts', event.host.id, event.host.name);
  if (event.storageDomain) {
    node.storage_domain = ref(base, 'storagedomains', event.storageDomain.id, event.storageDomain.name);
  }
  if (event.template) node.template = ref(base, 'templates', event.template.id, event.template.name);
  if (event.user) node.user = ref(base, 'users', event.user.id, event.user.name);
  if (event.vm) node.vm = ref(base, 'vms', event.vm.id, event.vm.name);
  return node;
}

/** `<job>` (docs/ovirt-api.md §9). */
export function presentJob(job: Job, base: string): Node {
  const href = `${base}/jobs/${job.id}`;
  const node: Node = {
    href,
    id: job.id,
    actions: {
      link: [
        { href: `${href}/clear`, rel: 'clear' },
        { href: `${href}/end`, rel: 'end' },
      ],
    },
    description: job.description,
    link: [{ href: `${href}/steps`, rel: 'steps' }],
    auto_cleared: true,
  };
  if (job.endTime !== undefined) node.end_time = new DateTime(job.endTime);
  node.external = false;
  node.last_updated = new DateTime(job.lastUpdated);
  node.start_time = new DateTime(job.startTime);
  node.status = job.status;
  return node;
}
