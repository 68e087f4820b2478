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
    /** A page a customer or the shop waits on (client area, single sign-on, the order form): never longer than this. */
    public const PAGE_TIMEOUT_SECONDS = 5;
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
     * @param array<string, string|list<string>> $data
     * @return array the bridge's 202 answer
     */
    public function sendEvent(string $webhookId, string $type, array $data): array
    {
        $body = json_encode(['type' => $type, 'data' => $data], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
        $headers = ['Content-Type' => 'application/json']
            + Signature::headers($this->settings->webhookSecret, $webhookId, ($this->now)(), $body);
        $res = $this->exchange('POST', '/webhooks/billing', $headers, $body, BridgeError::AUTH_SIGNATURE);
        if ($res->status !== 202) {
            throw BridgeError::fromResponse($this->url('/webhooks/billing'), $res, BridgeError::AUTH_SIGNATURE);
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
        return $this->oneTimeLink('/api/v1/services/' . rawurlencode($serviceId) . '/sso', ['client_id' => $clientId]);
    }

    /**
     * A power action: start, shutdown, stop or reboot, asked for by the customer or a staff member the panel
     * names (`requested_by`, `requester`: recorded in the bridge's action log). 202 with the recorded action.
     */
    public function power(string $serviceId, string $action, string $requestedBy, string $requester): array
    {
        return $this->postAction($serviceId, 'power', ['action' => $action, 'requested_by' => $requestedBy, 'requester' => $requester]);
    }

    /**
     * A reinstall from an OS key of the plan (null: the OS the VPS has); the bridge makes a root password up and sends
     * it in service.reinstalled (callback.php stores it). 202 with the recorded action.
     */
    public function reinstall(string $serviceId, ?string $os, string $requestedBy, string $requester): array
    {
        $body = ['requested_by' => $requestedBy, 'requester' => $requester] + ($os !== null ? ['os' => $os] : []);
        return $this->postAction($serviceId, 'reinstall', $body);
    }

    /**
     * The remote-viewer file (.vv) for the VPS's console. It holds a console ticket, so the module log gets its size,
     * never its text. @return array{content: string, file_name: string, expires_at: ?string}
     */
    public function consoleFile(string $serviceId, string $requestedBy, string $requester): array
    {
        $path = '/api/v1/services/' . rawurlencode($serviceId) . '/console';
        $res = $this->postJson($path, ['requested_by' => $requestedBy, 'requester' => $requester], logBody: false);
        if ($res->status !== 200) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_API_KEY);
        }
        $disposition = (string) $res->header('Content-Disposition');
        $name = preg_match('/filename="?([A-Za-z0-9._-]{1,200})"?/', $disposition, $m) === 1 ? $m[1] : "vps-{$serviceId}.vv";
        $expires = $res->header('X-Console-Expires-At');
        return ['content' => $res->body, 'file_name' => $name, 'expires_at' => is_string($expires) && $expires !== '' ? $expires : null];
    }

    /** A one-time admin console link (60 s) for a WHMCS staff user (AdminSingleSignOn). @return array{url: string, expires_at: string} */
    public function adminSingleSignOn(string $username): array
    {
        return $this->oneTimeLink('/api/v1/admin-sso', ['username' => $username]);
    }

    /**
     * A one-time link: 201 with its url, or the bridge's error. @param array<string, string> $data
     * @return array{url: string, expires_at: string}
     */
    private function oneTimeLink(string $path, array $data): array
    {
        $res = $this->postJson($path, $data);
        $json = $res->json();
        if ($res->status !== 201 || !is_string($json['url'] ?? null)) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_API_KEY);
        }
        return $json;
    }

    /** A JSON body POSTed with the API key. @param array<string, string> $data */
    private function postJson(string $path, array $data, bool $logBody = true): HttpResponse
    {
        $body = json_encode($data, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR);
        $headers = $this->apiHeaders() + ['Content-Type' => 'application/json'];
        return $this->exchange('POST', $path, $headers, $body, BridgeError::AUTH_API_KEY, $logBody);
    }

    /** @param array<string, string> $data */
    private function postAction(string $serviceId, string $what, array $data): array
    {
        $path = '/api/v1/services/' . rawurlencode($serviceId) . '/' . $what;
        $res = $this->postJson($path, $data);
        if ($res->status !== 202) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_API_KEY);
        }
        return $res->json() ?? [];
    }

    /** /readyz: 200 ready, 503 not ready; both carry the checks (database, engine) with a detail. */
    public function readiness(): array
    {
        $res = $this->exchange('GET', '/readyz', [], null, BridgeError::AUTH_API_KEY);
        $json = $res->json();
        if (!in_array($res->status, [200, 503], true) || !is_array($json['checks'] ?? null)) {
            throw BridgeError::fromResponse($this->url('/readyz'), $res, BridgeError::AUTH_API_KEY);
        }
        return $json;
    }

    /**
     * The API key works: a read-only page of one failed service (GET /api/v1/services, which the cron hook reads too)
     * answers 200. Nothing is changed or recorded on the bridge.
     */
    public function probeApiKey(): void
    {
        $this->services(['failed'], null, 1);
    }

    /**
     * The API key works before an order is sent: reading the service answers 200 (it exists) or 404 (not yet), not 401.
     * Any bridge version answers this; a wrong Password thus fails the first order instead of its first page view.
     */
    public function checkApiKey(string $serviceId): void
    {
        $path = '/api/v1/services/' . rawurlencode($serviceId);
        $res = $this->exchange('GET', $path, $this->apiHeaders(), null, BridgeError::AUTH_API_KEY);
        if ($res->status !== 200 && $res->status !== 404) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_API_KEY);
        }
    }

    /**
     * The webhook secret works: POST /webhooks/billing/verify checks the signature of a body it never acts on and
     * answers 204, records nothing and counts no webhook.
     */
    public function probeSignature(): void
    {
        $path = '/webhooks/billing/verify';
        $id = 'whmcs_connection_test_' . ($this->now)();
        $body = '{"type":"whmcs.connection_test"}';
        $headers = ['Content-Type' => 'application/json'] + Signature::headers($this->settings->webhookSecret, $id, ($this->now)(), $body);
        $res = $this->exchange('POST', $path, $headers, $body, BridgeError::AUTH_SIGNATURE);
        if ($res->status !== 204) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_SIGNATURE);
        }
    }

    /**
     * One page of GET /api/v1/services?actual_state=…: the services in those states, in order.
     *
     * @param list<string> $states
     * @return array{services: list<array<string, mixed>>, next_cursor: ?string}
     */
    public function services(array $states, ?string $cursor = null, int $limit = 100): array
    {
        $query = ['actual_state' => implode(',', $states), 'limit' => (string) $limit] + ($cursor !== null ? ['cursor' => $cursor] : []);
        $json = $this->read('/api/v1/services?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986));
        $cursorOut = $json['next_cursor'] ?? null;
        return [
            'services' => array_values(array_filter(is_array($json['services'] ?? null) ? $json['services'] : [], 'is_array')),
            'next_cursor' => is_string($cursorOut) && $cursorOut !== '' ? $cursorOut : null,
        ];
    }

    private function read(string $path): array
    {
        $res = $this->exchange('GET', $path, $this->apiHeaders(), null, BridgeError::AUTH_API_KEY);
        $json = $res->json();
        if ($res->status !== 200 || $json === null) {
            throw BridgeError::fromResponse($this->url($path), $res, BridgeError::AUTH_API_KEY);
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
    private function exchange(string $method, string $path, array $headers, ?string $body, string $auth, bool $logBody = true): HttpResponse
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
        // A console file's ticket opens the VPS's screen: the log gets its size only.
        $this->log->record(
            $request,
            "HTTP {$res->status}\n" . ($logBody || $res->status !== 200 ? $res->body : '(' . strlen($res->body) . ' bytes, not logged)'),
            $logBody ? ($res->json() ?? '') : '',
        );
        return $res;
    }
}
