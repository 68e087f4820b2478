import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Simulator } from '../simulator';
import { authenticate, correlationIdFrom, sessionFor } from './auth';
import { formatFor } from './context';
import { asEngineError, writeDoc, writeFault } from './respond';
import { FAST_ENTITY_READS, type EntityRead } from './entity-reads';
import { countEngineRequest, enginePath, type HungSet } from './traffic';

const API = '/ovirt-engine/api/';
/** Ids as the engine hands them out (UUIDs, event indexes): nothing to decode, no matrix or query part. */
const PLAIN_ID = /^[0-9A-Za-z_-]+$/;

/** Answers one request, or returns false to leave it to the express app. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `GET /ovirt-engine/api[/v4]/{collection}/{id}` without express. Entity reads by id are most of an engine client's
 * traffic (pollers), and express's per-request machinery (prototype swaps, ~30 route layers, `res.send`) cost more
 * than presenting and printing the entity. This path answers only requests whose answer it prints byte for byte as
 * the express app would (same status, headers in the same order, body, metrics, correlation id), through the same
 * read functions and printers; anything else goes to the app untouched, decided before any side effect:
 * - another method, path shape or collection, an id with anything to decode, a query string or matrix parameters;
 * - a request body (the app's body parser may refuse it), or `If-None-Match`/`If-Modified-Since` (`res.send`'s
 *   freshness check may answer 304);
 * - a `Version` header other than 4 (the app's 400 page);
 * - any switched-on fault rule (the app's fault layer decides, and may roll dice);
 * - credentials that do not authenticate (the app's 401 page).
 */
export function fastReads(sim: Simulator, hung: HungSet): FastPath {
  const reads = new Map<string, EntityRead>(Object.entries(FAST_ENTITY_READS));
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(API)) return false;
    let base = '/ovirt-engine/api';
    let rest = url.slice(API.length);
    if (rest.startsWith('v4/')) {
      base = '/ovirt-engine/api/v4';
      rest = rest.slice(3);
    }
    const slash = rest.indexOf('/');
    const read = slash > 0 ? reads.get(rest.slice(0, slash)) : undefined;
    const id = rest.slice(slash + 1);
    if (!read || !PLAIN_ID.test(id)) return false;
    const h = req.headers;
    if (h['content-length'] !== undefined || h['transfer-encoding'] !== undefined) return false;
    if (h['if-none-match'] !== undefined || h['if-modified-since'] !== undefined) return false;
    const version = header(req, 'version');
    if (version !== undefined && version.trim() !== '4') return false;
    if (sim.faults.active()) return false;
    const authorization = header(req, 'authorization') ?? '';
    const user = authenticate(sim, authorization);
    if (!user) return false;

    // From here on the request is ours: the same steps, in the same order, as the app's layers.
    const logout = sessionFor(sim, authorization, user, req.socket.remoteAddress);
    countEngineRequest(sim, hung, 'GET', enginePath(url), res);
    res.setHeader('Correlation-Id', correlationIdFrom(sim, header(req, 'correlation-id') ?? ''));
    const format = formatFor(header(req, 'accept') ?? '');
    try {
      writeDoc(res, 200, read(sim, id, base), format);
    } catch (err) {
      writeFault(res, asEngineError(err), format);
    }
    logout?.();
    return true;
  };
}
