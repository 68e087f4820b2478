/** Builds the engine client from configuration; the only way the rest of the service gets one. */
import type { Logger } from '../logger';
import type { EngineMetrics } from '../metrics/registry';
import { OvirtClient } from './client';
import { type EngineTarget, OvirtTransport } from './transport';

export { OvirtClient } from './client';
export * from './errors';
export { ENGINE_URL_FORMS, EngineUrlError, normalizeEngineUrl } from './engine-url';
export type * from './types';
export type { EngineTarget } from './transport';

export function createOvirtClient(target: EngineTarget, logger: Logger, metrics?: EngineMetrics): OvirtClient {
  return new OvirtClient(new OvirtTransport({ ...target, logger: logger.child({ component: 'ovirt' }), metrics }));
}
