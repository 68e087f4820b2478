/**
 * Worker-thread entry of the load generator (started by runLoadInWorker): signs the requests, then runs the load and
 * posts the result back. Nothing is timed until the requests are ready.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LoadResult, type LoadSpec, runClosedLoop, runOpenLoop } from './http-load';
import { signedCreates } from './webhook-requests';

async function run(spec: LoadSpec): Promise<LoadResult> {
  const requests = signedCreates(spec.recipe, spec.count);
  return spec.mode.kind === 'closed'
    ? runClosedLoop(spec.port, requests, spec.mode, spec.timeoutMs)
    : runOpenLoop(spec.port, requests, spec.mode, spec.timeoutMs);
}

// A rejection stays unhandled on purpose: it ends the worker with an 'error' event, which the caller reports.
void run(workerData as LoadSpec).then((result) => parentPort?.postMessage(result));
