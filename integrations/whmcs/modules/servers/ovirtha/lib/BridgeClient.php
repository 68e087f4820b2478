<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Http\HttpResponse;
use WHMCS\Module\Server\Ovirtha\Http\HttpTransport;
use WHMCS\Module\Server\Ovirtha\Http\TransportException;

/**
 * The bridge's billing-panel protocol (README "The billing panel protocol"): signed webhooks to /webhooks/billing,
 * reads with the API key, /readyz. Each exchange is written to the module log; anything but the expected answer
 * throws a BridgeError that knows how to explain itself to an admin.
 */
final class BridgeClient
{
    /** WHMCS runs module calls inside a page request or the cron; the bridge answers webhooks without waiting for oVirt. */
    private const TIMEOUT_SECONDS = 15;
    private const USER_AGENT = 'whmcs-ovirtha/' . Module::VERSION;

    /** @param \Closure(): int $now Unix seconds */
    public function __construct(
        public readonly BridgeSettings $settings,
        private readonly HttpTransport $http,
        private readonly ModuleLog $log,
        private readonly \Closure $now,
        private readonly int $timeoutSeconds = self::TIMEOUT_SECONDS,
    ) {
    }

    /**
     * Sends one signed event. The body carries no timestamp of its own so that a retry under the same webhook-id is
     * byte for byte the same delivery (the bridge answers a repeated id and body with its first answer, and refuses
     * a repeated id with another body); only the webhook-timestamp header is fresh on each attempt.
     *
     * @param array<string, string> $data
     * @return array the bridge's 202 answer
     */
    public function sendEvent(string $webhookId, string $type, array $data): array
    {
        $body = json_encode(['type' => $type, 'data' => $data], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        $headers = ['Content-Type' => 'application/json'] + Signature::headers($this->settings->webhookSecret, $webhookId, ($this->now)(), $body);
        $res = $this->exchange('POST', '/webhooks/billing', $headers, $body, BridgeError::AUTH_SIGNATURE);
        if ($res->status !== 202) {
            throw BridgeError::fromAnswer($this->url('/webhooks/billing'), $res->status, $res->json(), BridgeError::AUTH_SIGNATURE);
        }
        return $res->json() ?? [];
    }

    public function service(string $serviceId): array
    {
        return $this->read('/api/v1/services/' . rawurlencode($serviceId));
    }

    public function uptime(string $serviceId): array
    {
        return $this->read('/api/v1/services/' . rawurlencode($serviceId) . '/uptime');
    }

    public function capacity(string $productId): array
    {
        return $this->read('/api/v1/capacity?product_id=' . rawurlencode($productId));
    }

    /** A one-time client-area link (60 s) for the service's own client. @return array{url: string, expires_at: string} */
    public function singleSignOn(string $serviceId, string $clientId): array
    {
        $path = '/api/v1/services/' . rawurlencode($serviceId) . '/sso';
        $body = json_encode(['client_id' => $clientId], JSON_THROW_ON_ERROR);
        $res = $this->exchange('POST', $path, $this->apiHeaders() + ['Content-Type' => 'application/json'], $body, BridgeError::AUTH_API_KEY);
        $json = $res->json();
        if ($res->status !== 201 || !is_string($json['url'] ?? null)) {
            throw BridgeError::fromAnswer($this->url($path), $res->status, $json, BridgeError::AUTH_API_KEY);
        }
        return $json;
    }

    /** /readyz: 200 ready, 503 not ready; both carry the checks (database, engine) with a detail. */
    public function readiness(): array
    {
        $res = $this->exchange('GET', '/readyz', [], null, BridgeError::AUTH_API_KEY);
        $json = $res->json();
        if (!in_array($res->status, [200, 503], true) || !is_array($json['checks'] ?? null)) {
            throw BridgeError::fromAnswer($this->url('/readyz'), $res->status, $json, BridgeError::AUTH_API_KEY);
        }
        return $json;
    }

    /** The API key works when asking for a service that cannot exist gets 404, not 401. */
    public function probeApiKey(): void
    {
        $path = '/api/v1/services/ovirtha-connection-test';
        $res = $this->exchange('GET', $path, $this->apiHeaders(), null, BridgeError::AUTH_API_KEY);
        if ($res->status !== 404) {
            throw BridgeError::fromAnswer($this->url($path), $res->status, $res->json(), BridgeError::AUTH_API_KEY);
        }
    }

    /**
     * The webhook secret works when a signed event of a type the bridge does not know gets 400: the bridge checks the
     * signature (401) before the body (400) and records nothing it refuses, so this changes nothing there.
     */
    public function probeSignature(): void
    {
        $id = 'whmcs_connection_test_' . ($this->now)();
        $body = '{"type":"whmcs.connection_test","data":{}}';
        $headers = ['Content-Type' => 'application/json'] + Signature::headers($this->settings->webhookSecret, $id, ($this->now)(), $body);
        $res = $this->exchange('POST', '/webhooks/billing', $headers, $body, BridgeError::AUTH_SIGNATURE);
        if ($res->status !== 400) {
            throw BridgeError::fromAnswer($this->url('/webhooks/billing'), $res->status, $res->json(), BridgeError::AUTH_SIGNATURE);
        }
    }

    private function read(string $path): array
    {
        $res = $this->exchange('GET', $path, $this->apiHeaders(), null, BridgeError::AUTH_API_KEY);
        $json = $res->json();
        if ($res->status !== 200 || $json === null) {
            throw BridgeError::fromAnswer($this->url($path), $res->status, $json, BridgeError::AUTH_API_KEY);
        }
        return $json;
    }

    /** @return array<string, string> */
    private function apiHeaders(): array
    {
        return ['Authorization' => 'Bearer ' . $this->settings->apiKey, 'Accept' => 'application/json'];
    }

    private function url(string $path): string
    {
        return $this->settings->baseUrl . $path;
    }

    /** @param array<string, string> $headers */
    private function exchange(string $method, string $path, array $headers, ?string $body, string $auth): HttpResponse
    {
        $url = $this->url($path);
        $headers += ['User-Agent' => self::USER_AGENT];
        $request = "{$method} {$url}\n";
        foreach ($headers as $name => $value) {
            $request .= "{$name}: {$value}\n";
        }
        if ($body !== null) {
            $request .= "\n{$body}";
        }
        try {
            $res = $this->http->send($method, $url, $headers, $body, $this->timeoutSeconds);
        } catch (TransportException $e) {
            $this->log->record($request, 'no answer: ' . $e->getMessage());
            throw BridgeError::unreachable($url, $e->getMessage(), $auth);
        }
        $this->log->record($request, "HTTP {$res->status}\n{$res->body}", $res->json() ?? '');
        return $res;
    }
}
