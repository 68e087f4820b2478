import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import { EngineError } from '../world/engine-error';
import type { Doc, Node } from '../wire/document';
import { renderJson } from '../wire/json';
import { renderXml } from '../wire/xml';
import { api, type Format } from './context';

/** Set by the fault layer: do the work, then drop the connection instead of answering. */
export function loseResponse(res: Response): boolean {
  return res.locals.loseResponse === true;
}

function destroy(res: Response): void {
  res.socket?.destroy();
}

export function render(doc: Doc, format: Format): { body: string; type: string } {
  return format === 'json'
    ? { body: renderJson(doc), type: 'application/json' }
    : { body: renderXml(doc), type: 'application/xml;charset=UTF-8' };
}

/**
 * The `Content-Type` that express's `res.send` puts on the wire for `render`'s types (it normalises the charset
 * parameter). The fast read path writes the header itself and must print the same.
 */
export const WIRE_TYPES: Readonly<Record<Format, string>> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

/**
 * `sendDoc` on a plain node response (the fast read path, which skips express): the same status line, headers and
 * body as `res.send` gives a request without conditional headers.
 */
export function writeDoc(res: ServerResponse, status: number, doc: Doc, format: Format): void {
  const { body } = render(doc, format);
  res.statusCode = status;
  res.setHeader('Content-Type', WIRE_TYPES[format]);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // A string body goes out in one write together with the header.
  res.end(body);
}

/** `sendFault` on a plain node response (the fast read path). */
export function writeFault(res: ServerResponse, err: EngineError, format: Format): void {
  if (err.emptyBody) {
    res.statusCode = err.status;
    res.end();
    return;
  }
  writeDoc(res, err.status, { root: 'fault', body: faultNode(err) }, format);
}

/** What a route's unexpected error answers: the engine's 500 fault. */
export function asEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError(500, 'Operation Failed', message);
}

export function sendDoc(res: Response, status: number, doc: Doc): void {
  if (loseResponse(res)) return destroy(res);
  const { body, type } = render(doc, api(res).format);
  res.status(status).type(type).send(body);
}

/** Status without a body (404 for an unknown id, 202 for an async remove). */
export function sendEmpty(res: Response, status: number): void {
  if (loseResponse(res)) return destroy(res);
  res.status(status).end();
}

function faultNode(err: EngineError): Node {
  const node: Node = {};
  if (err.detail !== undefined) node.detail = err.detail;
  node.reason = err.reason;
  return node;
}

/** `<fault>` for adds, updates, removes and reads (docs/ovirt-api.md §10.1). */
export function sendFault(res: Response, err: EngineError): void {
  if (err.emptyBody) return sendEmpty(res, err.status);
  sendDoc(res, err.status, { root: 'fault', body: faultNode(err) });
}

/** Action endpoints wrap the fault: `<action><fault>…</fault><status>failed</status></action>`. */
export function sendActionFault(res: Response, err: EngineError, echo: Node = {}): void {
  if (err.emptyBody) return sendEmpty(res, err.status);
  sendDoc(res, err.status, { root: 'action', body: { ...echo, fault: faultNode(err), status: 'failed' } });
}

/** The servlet container's error page (401, unsupported version): HTML, not a fault. */
export function sendContainerError(res: Response, status: number, message: string): void {
  const title = `Error ${status}`;
  res.status(status).type('text/html;charset=UTF-8').send(`<html><head><title>${title}</title></head><body>${message}</body></html>`);
}

export function sendUnauthorized(res: Response): void {
  res.set('WWW-Authenticate', 'Basic realm="RESTAPI"');
  sendContainerError(res, 401, 'Unauthorized');
}
