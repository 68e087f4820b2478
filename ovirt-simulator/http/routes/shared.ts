import type { Request, Response } from 'express';
import type { SearchOptions } from '../../search/filter';
import { EngineError, notFound } from '../../world/engine-error';
import type { Job } from '../../world/model';
import type { Node } from '../../wire/document';
import { ref } from '../../present/links';
import { api, boolParam, intParam, param } from '../context';
import { sendActionFault, sendDoc } from '../respond';

/** The REST layer's search object per collection (`QueryHelper.RETURN_TYPES`), which prefixes every search. */
const SEARCH_OBJECTS: Readonly<Record<string, string>> = {
  vms: 'VMs',
  hosts: 'Hosts',
  clusters: 'Clusters',
  datacenters: 'Datacenter',
  storagedomains: 'Storage',
  templates: 'Template',
  events: 'Events',
  jobs: 'Jobs',
  disks: 'Disks',
};

export function listOptions(req: Request, res: Response, defaultSort: SearchOptions['defaultSort']): SearchOptions {
  const collection =
    req.path
      .split('/')
      .filter((p) => p !== '')
      .pop() ?? '';
  const searchObject = SEARCH_OBJECTS[collection.replace(/;.*$/, '')];
  return {
    search: param(req, res, 'search'),
    max: intParam(req, res, 'max'),
    caseSensitive: boolParam(req, res, 'case_sensitive'),
    defaultSort,
    ...(searchObject ? { searchObject } : {}),
  };
}

/**
 * `follow=disk_attachments.disk,nics`: the link paths to inline (docs/ovirt-api.md §1.4). Each path also asks for its
 * prefixes (`a.b` inlines `a`). Paths the simulator cannot follow are ignored rather than refused.
 */
export function followPaths(req: Request, res: Response): Set<string> {
  const paths = new Set<string>();
  for (const raw of (param(req, res, 'follow') ?? '').split(',')) {
    const parts = raw
      .trim()
      .split('.')
      .filter((p) => p !== '');
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join('.'));
  }
  return paths;
}

export function found<T>(value: T | undefined): T {
  if (value === undefined) throw notFound();
  return value;
}

/**
 * Runs an action and answers like `AbstractBackendActionableResource.doAction` (docs/ovirt-api.md §8.4): 200
 * `<action>` with the echoed input, the job and `status complete`; a failure as `<action>` with the fault and
 * `status failed`.
 */
export function runAction(
  res: Response,
  echo: Node,
  subject: { collection: string; element: string; id: string },
  perform: () => { job: Job | undefined; extra?: Node },
): void {
  const base = api(res).base;
  try {
    const { job, extra } = perform();
    const body: Node = { ...echo, ...extra };
    if (job) body.job = ref(base, 'jobs', job.id);
    body.status = 'complete';
    body[subject.element] = ref(base, subject.collection, subject.id);
    sendDoc(res, 200, { root: 'action', body });
  } catch (err) {
    if (err instanceof EngineError) return sendActionFault(res, err, echo);
    throw err;
  }
}

/** The action's input elements, echoed back as the engine echoes its action object. */
export function echoOf(input: { force?: boolean | undefined; reason?: string | undefined; fence_type?: string | undefined }): Node {
  const echo: Node = {};
  if (input.fence_type !== undefined) echo.fence_type = input.fence_type;
  if (input.force !== undefined) echo.force = input.force;
  if (input.reason !== undefined) echo.reason = input.reason;
  return echo;
}
