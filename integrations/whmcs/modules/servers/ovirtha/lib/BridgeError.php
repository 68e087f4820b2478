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
        return self::fromAnswer($url, $res->status, $res->json(), $auth, preg_match('/^\d{1,9}$/', $retryAfter) === 1 ? (int) $retryAfter : null);
    }

    public static function fromAnswer(string $url, int $status, ?array $json, string $auth, ?int $retryAfterSeconds = null): self
    {
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
        $text = match (true) {
            $this->isUnreachable() => "cannot reach the bridge at {$origin} ({$this->getMessage()}): check the server's Hostname, Port and SSL setting, and that the bridge is running",
            $this->status === 401 && $this->auth === self::AUTH_SIGNATURE => 'the bridge refused the signature: the server\'s Access Hash must hold the bridge\'s WEBHOOK_SECRET (or this server\'s clock is more than five minutes off)',
            $this->status === 401 => 'the bridge refused the API key: the server\'s Password must be the bridge\'s BILLING_API_KEY',
            $this->status === 429 => 'the bridge is holding back requests from this WHMCS server for a while (too many at once, or too many refused signatures or API keys from its address): check the server\'s Password and Access Hash, then retry ' . $this->retryWhen(),
            $this->status === 503 => 'the bridge is busy, WHMCS will retry (nothing was changed; the bridge cannot check capacity or record the request right now)',
            $this->errorCode === 'failover_reserve_exceeded' => 'the cluster has no failover room left for this plan: another VPS would not restart if a host failed (add a host or memory, or set the plan\'s failover gate to warn in the bridge admin console)',
            $this->errorCode === 'no_capacity' => 'the cluster has no room left for this plan: no host can run another VPS of this size',
            $this->errorCode === 'unknown_product' => 'no bridge plan is mapped to this product (create one in the bridge admin console)',
            $this->errorCode === 'unknown_os' => 'the operating system ordered is not one of the bridge plan\'s OS options: make the product\'s Operating System sub-options key|Label with the keys of the plan\'s os_options, or add the OS to the plan',
            $this->errorCode === 'unknown_service' => 'the bridge has no VPS for this service: it was never created through the bridge (run Create first)',
            $this->errorCode === 'service_terminated' => 'the bridge already terminated this service; a new order needs a new service',
            $this->errorCode === 'plan_cluster_mismatch' => 'the new plan runs in another cluster than the current one; the bridge cannot move a VPS between clusters',
            $this->errorCode === 'service_conflict' => 'the bridge has this service id for another client (two WHMCS installs sharing one bridge?)',
            $this->errorCode === 'webhook_id_reused' => 'the bridge already received a different request under the same webhook id',
            $this->errorCode === 'unknown_cluster' => 'the bridge plan points at a cluster the oVirt engine does not have (fix the plan in the bridge admin console)',
            $this->status === 404 && $this->isMissingRoute() => 'this bridge does not offer ' . (parse_url($this->url, PHP_URL_PATH) ?: $this->url) . ' yet: update the bridge to the version this module was made for',
            $this->status === 404 => 'the bridge has no VPS for this service yet',
            $this->status === 400 => 'the bridge refused the request as invalid' . ($this->details !== '' ? " ({$this->details})" : ''),
            $this->status === 413 => 'the request was too large for the bridge',
            default => "the bridge answered HTTP {$this->status}",
        };
        return 'oVirt HA Bridge: ' . $text . $bridge;
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
