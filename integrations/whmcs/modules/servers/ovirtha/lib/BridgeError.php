<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Http\HttpResponse;

/**
 * The bridge said no, or could not be reached. adminMessage() says what happened and what to do in words a WHMCS
 * admin acts on; WHMCS shows the string returned by a module function as it is (Module Queue, service page, the
 * failure email). The bridge's own code and message follow in brackets for whoever reads the bridge's logs.
 */
final class BridgeError extends \RuntimeException
{
    /** Where a 401 came from decides which secret is wrong. */
    public const AUTH_SIGNATURE = 'signature';
    public const AUTH_API_KEY = 'api_key';

    private function __construct(
        string $message,
        public readonly int $status,
        public readonly string $errorCode,
        public readonly string $url,
        public readonly string $auth,
        public readonly string $details = '',
        /** The bridge's Retry-After in seconds (429, 503), when it sent one. */
        public readonly ?int $retryAfterSeconds = null,
    ) {
        parent::__construct($message);
    }

    public static function unreachable(string $url, string $why, string $auth): self
    {
        return new self($why, 0, 'unreachable', $url, $auth);
    }

    /** From an HTTP answer that is not the expected success, with its Retry-After when it has one (in seconds). */
    public static function fromResponse(string $url, HttpResponse $res, string $auth): self
    {
        $retryAfter = trim((string) $res->header('Retry-After'));
        return self::fromAnswer(
            $url,
            $res->status,
            $res->json(),
            $auth,
            preg_match('/^\d{1,9}$/', $retryAfter) === 1 ? (int) $retryAfter : null,
        );
    }

    public static function fromAnswer(
        string $url,
        int $status,
        ?array $json,
        string $auth,
        ?int $retryAfterSeconds = null,
    ): self {
        $error = is_array($json['error'] ?? null) ? $json['error'] : [];
        $code = is_string($error['code'] ?? null) ? $error['code'] : "http_{$status}";
        $message = is_string($error['message'] ?? null) ? $error['message'] : "HTTP {$status}";
        $details = [];
        foreach (is_array($error['details'] ?? null) ? $error['details'] : [] as $d) {
            if (is_array($d) && isset($d['field'], $d['message'])) {
                $details[] = "{$d['field']}: {$d['message']}";
            }
        }
        return new self($message, $status, $code, $url, $auth, implode('; ', $details), $retryAfterSeconds);
    }

    public function isUnreachable(): bool
    {
        return $this->status === 0;
    }

    public function adminMessage(): string
    {
        $origin = $this->baseOf($this->url);
        $bridge = $this->isUnreachable() ? '' : " [bridge: {$this->status} {$this->errorCode}: {$this->getMessage()}]";
        $text = $this->isUnreachable()
            ? "cannot reach the bridge at {$origin} ({$this->getMessage()}): "
                . "check the server's Hostname, Port and SSL setting, and that the bridge is running"
            : ($this->forCode($this->errorCode) ?? $this->forStatus());
        return 'oVirt HA Bridge: ' . $text . $bridge;
    }

    /** forCode()'s longer messages: each arm of its match stays on one line (tests/unit/error-codes.test.ts reads them). */
    private const UNSUPPORTED_MEDIA_TYPE = 'the bridge could not read the request\'s content type: '
        . 'update this module and the bridge to versions made for each other';
    private const CLIENT_MISMATCH = 'the bridge has this service under another client than the one WHMCS names '
        . '(was the service moved to another client? move it back, or order a new service)';
    private const UNKNOWN_OS = 'the operating system ordered is not one of the bridge plan\'s OS options: '
        . 'make the product\'s Operating System sub-options key|Label with the keys of the plan\'s os_options, '
        . 'or add the OS to the plan';
    private const PLAN_CLUSTER_MISMATCH =
        'the new plan runs in another cluster than the current one; the bridge cannot move a VPS between clusters';
    private const UNKNOWN_CLUSTER =
        'the bridge plan points at a cluster the oVirt engine does not have (fix the plan in the bridge admin console)';
    private const FAILOVER_RESERVE_EXCEEDED = 'the cluster has no failover room left for this plan: '
        . 'another VPS would not restart if a host failed (add a host or memory, '
        . 'or set the plan\'s failover gate to warn in the bridge admin console)';
    private const IP_POOL_EXHAUSTED =
        'the cluster has no free IP address left for this plan (add addresses to its IP pools in the bridge admin console)';
    private const SERVICE_FAILED =
        'the VPS could not be set up: see the bridge\'s last error on this service, and retry it in the bridge admin console';
    private const VM_MISSING = 'the virtual machine of this VPS is missing in oVirt; it takes no actions until it is rebuilt '
        . '(see the service in the bridge admin console)';
    private const OVIRT_BAD_REQUEST =
        'the oVirt engine refused the bridge\'s call as invalid, or answered in a way the bridge cannot read (see the bridge\'s log)';
    private const OVIRT_AUTH =
        'the oVirt engine refused the bridge\'s login; try again, and check OVIRT_USERNAME and OVIRT_PASSWORD on the bridge if it goes on';
    private const OVIRT_NOT_FOUND = 'the oVirt engine no longer has something this VPS needs (its VM, a disk or a template): '
        . 'see the service in the bridge admin console';
    private const OVIRT_CONFLICT = 'the oVirt engine refused because of the state of the VM (locked by another task, or no host free); '
        . 'try again in a few minutes';
    private const OVIRT_CREDENTIALS_REFUSED = 'the oVirt engine refused the bridge\'s user name or password: '
        . 'fix OVIRT_USERNAME and OVIRT_PASSWORD on the bridge';
    private const OVIRT_TLS_FAILED = 'the bridge cannot make a TLS connection to the oVirt engine (its certificate, CA or host name): '
        . 'fix the bridge\'s engine settings';
    private const OVIRT_UNREACHABLE = 'the bridge cannot reach the oVirt engine right now (nothing was changed); '
        . 'try again later, and check the engine if it goes on';

    /**
     * Every error code the bridge can send this module, in words a WHMCS admin acts on; null for a code this module
     * does not know (a newer bridge), which forStatus() words by its HTTP status. The list is the bridge's own
     * (server/error-codes.ts, docs/error-codes.md): tests/unit/error-codes.test.ts keeps the two equal.
     */
    private function forCode(string $code): ?string
    {
        return match ($code) {
            'validation_failed', 'malformed_json', 'bad_request' => $this->invalid(),
            'unauthorized' => $this->refusedCredentials(),
            'not_found' => $this->notFound(),
            'payload_too_large' => 'the request was too large for the bridge',
            'unsupported_media_type' => self::UNSUPPORTED_MEDIA_TYPE,
            'too_many_requests' => $this->heldBack(),
            'internal_error' => $this->internalError(),
            'service_unavailable' => $this->busy(),
            'webhook_id_reused' => 'the bridge already received a different request under the same webhook id',
            'unknown_product' => 'no bridge plan is mapped to this product (create one in the bridge admin console)',
            'unknown_service' => 'the bridge has no VPS for this service: it was never created through the bridge (run Create first)',
            'service_terminated' => 'the bridge already terminated this service; a new order needs a new service',
            'service_conflict' => 'the bridge has this service id for another client (two WHMCS installs sharing one bridge?)',
            'client_mismatch' => self::CLIENT_MISMATCH,
            'unknown_os' => self::UNKNOWN_OS,
            'plan_cluster_mismatch' => self::PLAN_CLUSTER_MISMATCH,
            'unknown_cluster' => self::UNKNOWN_CLUSTER,
            'no_capacity' => 'the cluster has no room left for this plan: no host can run another VPS of this size',
            'failover_reserve_exceeded' => self::FAILOVER_RESERVE_EXCEEDED,
            'ip_pool_exhausted' => self::IP_POOL_EXHAUSTED,
            'idempotency_key_reused' => 'the bridge already took another action under the same request key; ask for the action again',
            'service_suspended' => 'the VPS is suspended; unsuspend the service first',
            'service_provisioning' => 'the VPS is still being set up; try again once it is active',
            'service_failed' => self::SERVICE_FAILED,
            'vm_missing' => self::VM_MISSING,
            'service_busy' => 'a change from WHMCS is being applied to the VPS; try again in a minute',
            'action_running' => 'another action on this VPS is still running; try again when it has finished',
            'engine_refused' => 'the oVirt engine refused this (its reason is in the bridge\'s answer)',
            'no_console' => 'the VPS has no graphics console in oVirt',
            'no_engine' => 'the bridge has no oVirt engine configured (set OVIRT_URL on the bridge)',
            'usage_slow' => 'the oVirt engine did not answer in time; try again later',
            'ovirt_bad_request' => self::OVIRT_BAD_REQUEST,
            'ovirt_auth' => self::OVIRT_AUTH,
            'ovirt_forbidden' => 'the bridge\'s oVirt user is not allowed to do this: check the roles of OVIRT_USERNAME in oVirt',
            'ovirt_not_found' => self::OVIRT_NOT_FOUND,
            'ovirt_conflict' => self::OVIRT_CONFLICT,
            'ovirt_no_engine' => 'the bridge\'s OVIRT_URL does not lead to an oVirt engine: fix it in the bridge\'s settings',
            'ovirt_credentials_refused' => self::OVIRT_CREDENTIALS_REFUSED,
            'ovirt_login_rejected' => 'the oVirt engine\'s SSO rejected the bridge\'s login request (see the bridge\'s log)',
            'ovirt_tls_failed' => self::OVIRT_TLS_FAILED,
            'ovirt_dns_failed' => 'the bridge cannot resolve the oVirt engine\'s host name: check OVIRT_URL on the bridge',
            'ovirt_unavailable', 'ovirt_timeout', 'ovirt_connection_refused', 'ovirt_unreachable' => self::OVIRT_UNREACHABLE,
            default => null,
        };
    }

    /** A code this module does not know, by its HTTP status. */
    private function forStatus(): string
    {
        return match (true) {
            $this->status === 401 => $this->refusedCredentials(),
            $this->status === 429 => $this->heldBack(),
            $this->status === 503 => $this->busy(),
            $this->status === 404 => $this->notFound(),
            $this->status === 400 => $this->invalid(),
            $this->status === 413 => 'the request was too large for the bridge',
            default => "the bridge answered HTTP {$this->status}",
        };
    }

    private function refusedCredentials(): string
    {
        return $this->auth === self::AUTH_SIGNATURE
            ? 'the bridge refused the signature: the server\'s Access Hash must hold the bridge\'s WEBHOOK_SECRET '
                . '(or this server\'s clock is more than five minutes off)'
            : 'the bridge refused the API key: the server\'s Password must be the bridge\'s BILLING_API_KEY';
    }

    private function heldBack(): string
    {
        return 'the bridge is holding back requests from this WHMCS server for a while '
            . '(too many at once, or too many refused signatures or API keys from its address): '
            . 'check the server\'s Password and Access Hash, then retry ' . $this->retryWhen();
    }

    private function internalError(): string
    {
        return "the bridge answered HTTP {$this->status} (an unexpected failure; the bridge's log has it in full under the request id)";
    }

    private function busy(): string
    {
        return 'the bridge is busy, WHMCS will retry '
            . '(nothing was changed; the bridge cannot check capacity or record the request right now)';
    }

    private function notFound(): string
    {
        return $this->isMissingRoute()
            ? 'this bridge does not offer ' . (parse_url($this->url, PHP_URL_PATH) ?: $this->url)
                . ' yet: update the bridge to the version this module was made for'
            : 'the bridge has no VPS for this service yet';
    }

    private function invalid(): string
    {
        return 'the bridge refused the request as invalid' . ($this->details !== '' ? " ({$this->details})" : '');
    }

    /** "in 14 minutes" from the bridge's Retry-After, or "later" without one. */
    public function retryWhen(): string
    {
        $s = $this->retryAfterSeconds;
        if ($s === null) {
            return 'later';
        }
        if ($s < 90) {
            return 'in ' . max(1, $s) . ' seconds';
        }
        return 'in ' . (int) ceil($s / 60) . ' minutes';
    }

    /** The bridge's answer to a path it has no route for (an older bridge), not to a service it does not have. */
    public function isMissingRoute(): bool
    {
        return $this->errorCode === 'not_found' && str_starts_with($this->getMessage(), 'Nothing here');
    }

    private function baseOf(string $url): string
    {
        $parts = parse_url($url) ?: [];
        if (!isset($parts['scheme'], $parts['host'])) {
            return $url;
        }
        $host = str_contains($parts['host'], ':') && !str_starts_with($parts['host'], '[') ? "[{$parts['host']}]" : $parts['host'];
        return $parts['scheme'] . '://' . $host . (isset($parts['port']) ? ':' . $parts['port'] : '');
    }
}
