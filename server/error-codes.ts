/**
 * The closed list of error codes the bridge answers with (`{ "error": { "code", "message", … } }`). AppError
 * (errors.ts) takes only these, so a new code is added here first: with the statuses it goes out with, whether the
 * billing panel can receive it (a webhook, the /api/v1 routes the panel calls, or an unknown path), and what it means.
 *
 * The WHMCS module words each panel code for a WHMCS admin (BridgeError::forCode in
 * integrations/whmcs/modules/servers/ovirtha/lib/BridgeError.php); tests/unit/error-codes.test.ts checks that it
 * covers exactly the panel codes below and that docs/error-codes.md is this list written out.
 */

export interface ErrorCodeInfo {
  /** The HTTP statuses this code goes out with (most have one; a refusal can be a 409 on one route and a 422 on another). */
  statuses: readonly number[];
  /** Whether the billing panel can receive it; admin-only codes (console, admin API, CLI) are false. */
  panel: boolean;
  /** One line for whoever reads the code: what happened, and what to do when that is not obvious. */
  meaning: string;
}

export const ERROR_CODES = {
  // Any request
  validation_failed: {
    statuses: [400],
    panel: true,
    meaning: 'A field of the body, query or headers is missing or invalid; `details` lists each field and its problem.',
  },
  malformed_json: { statuses: [400], panel: true, meaning: 'The body is not valid JSON, or it arrived incomplete.' },
  bad_request: {
    statuses: [400],
    panel: true,
    meaning:
      'The request could not be read at all (a path with broken percent-encoding, say); the status is the 4xx Express chose, most often 400.',
  },
  unauthorized: {
    statuses: [401],
    panel: true,
    meaning: 'Missing or wrong credentials: the webhook signature (or its timestamp), the billing API key, an admin or metrics token.',
  },
  forbidden: {
    statuses: [403],
    panel: false,
    meaning: 'Not allowed from here: an admin console form that failed its CSRF check, or /metrics asked for from another machine.',
  },
  not_found: {
    statuses: [404],
    panel: true,
    meaning: 'No such resource (`details.resource`, `details.id`), or no route at all (the message begins "Nothing here").',
  },
  conflict: {
    statuses: [409],
    panel: false,
    meaning: 'A database constraint refused the change (the default code of a conflict that names no code of its own).',
  },
  payload_too_large: { statuses: [413], panel: true, meaning: 'The body is larger than the limit of its route (`details.limit`).' },
  unsupported_media_type: {
    statuses: [415],
    panel: true,
    meaning: 'The body was not sent with the content type its route reads (`details.expected`).',
  },
  too_many_requests: {
    statuses: [429],
    panel: true,
    meaning: 'Too many requests or refused credentials from one address, or too many actions on one VPS; Retry-After says when to retry.',
  },
  internal_error: { statuses: [500], panel: true, meaning: 'An unexpected failure; the bridge logged it in full under the request id.' },
  service_unavailable: {
    statuses: [503],
    panel: true,
    meaning:
      'The database or the oVirt engine is away for a moment, or the webhook intake is full; nothing was changed, retry after Retry-After.',
  },

  // Billing events (POST /webhooks/billing) and the panel's own API
  webhook_id_reused: { statuses: [422], panel: true, meaning: 'A different request was already received under this webhook id.' },
  unknown_product: { statuses: [422], panel: true, meaning: 'No bridge plan is mapped to the product id of the order.' },
  unknown_service: { statuses: [422], panel: true, meaning: 'The bridge has no service with this id (it was never created).' },
  service_terminated: {
    statuses: [409, 422],
    panel: true,
    meaning: 'The service is terminated (or being terminated): it takes no events or actions, and its id is not used again.',
  },
  service_conflict: { statuses: [409], panel: true, meaning: 'The service id is already held by another client.' },
  client_mismatch: { statuses: [422], panel: true, meaning: 'The service belongs to another client than the one named in the request.' },
  unknown_os: { statuses: [422], panel: true, meaning: "The operating system asked for is not one of the plan's OS options." },
  plan_cluster_mismatch: {
    statuses: [422],
    panel: true,
    meaning: 'The new plan runs in another cluster; a VPS is never moved between clusters.',
  },
  unknown_cluster: { statuses: [422], panel: true, meaning: 'The plan points at a cluster the oVirt engine does not have.' },
  no_capacity: { statuses: [422], panel: true, meaning: 'No host of the cluster can run another VPS of this plan.' },
  failover_reserve_exceeded: {
    statuses: [422],
    panel: true,
    meaning: "Selling this VPS would leave no failover room (another VPS would not restart if a host failed); the plan's gate refuses.",
  },
  ip_pool_exhausted: { statuses: [422], panel: true, meaning: "No free address (or IPv6 prefix) is left in the cluster's pools." },

  // VPS actions, console and usage (the panel's /api/v1/services/{id}/… routes, the client area, the admin API)
  idempotency_key_reused: { statuses: [422], panel: true, meaning: 'This Idempotency-Key was used for another action of the VPS.' },
  service_suspended: { statuses: [409], panel: true, meaning: 'The VPS is suspended; it takes no actions until it is unsuspended.' },
  service_provisioning: { statuses: [409], panel: true, meaning: 'The VPS is still being set up (it has no virtual machine yet).' },
  service_failed: { statuses: [409], panel: true, meaning: 'The VPS could not be set up; it takes no actions until it is.' },
  vm_missing: {
    statuses: [409],
    panel: true,
    meaning:
      'The virtual machine of the VPS is missing; it takes no actions until it is rebuilt (also the `error` of its `service.failed` callback).',
  },
  service_busy: {
    statuses: [409],
    panel: true,
    meaning: 'A change from the billing panel is being applied to the VPS; retry in a minute.',
  },
  action_running: { statuses: [409], panel: true, meaning: 'Another action of the VPS is still running (`details.action_id`).' },
  engine_refused: { statuses: [409], panel: true, meaning: 'The oVirt engine refused the action or console (`details.engine_reason`).' },
  no_console: { statuses: [409], panel: true, meaning: 'The VPS has no graphics console.' },
  no_engine: { statuses: [409], panel: true, meaning: 'No oVirt engine is configured, so nothing that needs one can be done.' },
  usage_slow: { statuses: [504], panel: true, meaning: 'The oVirt engine did not answer a usage read in time.' },

  // The oVirt engine failed a call made for the request (502, or 503 while it cannot be reached)
  ovirt_bad_request: {
    statuses: [502],
    panel: true,
    meaning: 'The oVirt engine refused a call as invalid, or gave an answer the bridge cannot read.',
  },
  ovirt_auth: { statuses: [502], panel: true, meaning: "The oVirt engine refused the bridge's token." },
  ovirt_forbidden: { statuses: [502], panel: true, meaning: "The oVirt engine's user may not do this (a permission is missing)." },
  ovirt_not_found: {
    statuses: [502],
    panel: true,
    meaning: 'The oVirt engine does not have an object the bridge expected (a VM, a disk, a template).',
  },
  ovirt_conflict: {
    statuses: [502],
    panel: true,
    meaning: 'The oVirt engine refused a call because of the state of an object (locked, name in use, no host).',
  },
  ovirt_unavailable: {
    statuses: [503],
    panel: true,
    meaning: 'The oVirt engine answered with a server error or 429, or could not issue a token.',
  },
  ovirt_timeout: { statuses: [503], panel: true, meaning: 'The oVirt engine did not answer in time.' },
  ovirt_no_engine: { statuses: [502], panel: true, meaning: 'Something answers at OVIRT_URL, but not an oVirt engine (check OVIRT_URL).' },
  ovirt_credentials_refused: {
    statuses: [502],
    panel: true,
    meaning: "The oVirt engine's SSO refused the user name or password (check OVIRT_USERNAME and OVIRT_PASSWORD).",
  },
  ovirt_login_rejected: {
    statuses: [502],
    panel: true,
    meaning: "The oVirt engine's SSO rejected the login request itself (not the password).",
  },
  ovirt_connection_refused: { statuses: [503], panel: true, meaning: 'The oVirt engine refused the connection.' },
  ovirt_dns_failed: { statuses: [503], panel: true, meaning: "The oVirt engine's host name does not resolve." },
  ovirt_tls_failed: {
    statuses: [503],
    panel: true,
    meaning: 'The TLS handshake with the oVirt engine failed (its certificate, CA or host name).',
  },
  ovirt_unreachable: { statuses: [503], panel: true, meaning: 'The oVirt engine could not be reached (a network error).' },

  // Admin only: the admin API, the admin console and the CLI
  duplicate_admin: { statuses: [409], panel: false, meaning: 'An admin with this email exists already.' },
  duplicate_product_id: { statuses: [409], panel: false, meaning: 'Another plan has this product id.' },
  plan_in_use: { statuses: [409], panel: false, meaning: 'The plan still has services, so it cannot be deleted.' },
  unknown_template: { statuses: [422], panel: false, meaning: 'The oVirt engine has no template of this name.' },
  disk_smaller_than_template: {
    statuses: [422],
    panel: false,
    meaning: "The plan's disk is smaller than the boot disk of one of its templates (disks are grown, never shrunk).",
  },
  job_not_retryable: { statuses: [409], panel: false, meaning: 'Only a dead or cancelled job can be retried.' },
  job_not_cancellable: { statuses: [409], panel: false, meaning: 'Only a waiting job can be cancelled.' },
  job_not_discardable: { statuses: [409], panel: false, meaning: 'Only a dead job can be discarded.' },
  service_not_failed: { statuses: [409], panel: false, meaning: 'Only a failed service can be retried.' },
  invalid_ip_pool: { statuses: [400], panel: false, meaning: 'The fields of the IP pool do not make a pool; `details` lists each field.' },
  duplicate_ip_pool: { statuses: [409], panel: false, meaning: 'A pool of this name exists already.' },
  ip_pool_overlap: { statuses: [409], panel: false, meaning: 'The range overlaps another pool.' },
  ip_pool_in_use: {
    statuses: [409],
    panel: false,
    meaning: 'The pool has addresses held or in quarantine, so it cannot be deleted or changed that way.',
  },
  ip_pool_shrink_below_used: {
    statuses: [409],
    panel: false,
    meaning: 'The change would leave held or quarantined addresses outside the pool.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes that may go out with `status`, so a class with a fixed status takes only those (ConflictError: 409). */
export type ErrorCodeWithStatus<S extends number> = {
  [C in ErrorCode]: S extends (typeof ERROR_CODES)[C]['statuses'][number] ? C : never;
}[ErrorCode];

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}
