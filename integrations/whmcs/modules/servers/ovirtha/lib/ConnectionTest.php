<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * "Test Connection" on the server page, in the order an admin fixes things: the bridge answers at the address, its
 * database is up, the API key (Password) works, the webhook secret (Access Hash) works, and the bridge reaches the
 * oVirt engine (/readyz says why not). The first failure is the answer.
 *
 * Every check is read-only: the key with a one-row read of GET /api/v1/services, the secret with
 * POST /webhooks/billing/verify, which checks a signature and records nothing. Each wrong key or secret counts towards
 * the bridge's lockout of this server's address (RATE_LIMIT_AUTH_FAILURES, 20 per 15 minutes by default).
 */
final class ConnectionTest
{
    /** @return array{success: bool, error: string} */
    public function run(array $params): array
    {
        try {
            $bridge = Module::bridge(BridgeSettings::fromParams($params), 'TestConnection');
        } catch (\InvalidArgumentException $e) {
            return ['success' => false, 'error' => 'oVirt HA Bridge: ' . $e->getMessage()];
        }
        try {
            $ready = $bridge->readiness();
            $checks = $ready['checks'];
            if (($ready['status'] ?? '') === 'draining') {
                return ['success' => false, 'error' => 'oVirt HA Bridge: the bridge instance is shutting down; test again in a moment'];
            }
            if (($checks['database']['ok'] ?? true) !== true) {
                return [
                    'success' => false,
                    'error' => 'oVirt HA Bridge: the bridge cannot reach its database: ' . self::detail($checks['database']),
                ];
            }
            $bridge->probeApiKey();
            $bridge->probeSignature();
        } catch (BridgeError $e) {
            return ['success' => false, 'error' => $e->adminMessage()];
        }
        $engine = $checks['engine'] ?? null;
        if (is_array($engine) && ($engine['ok'] ?? false) !== true) {
            return [
                'success' => false,
                'error' => 'oVirt HA Bridge: the bridge answers and the API key and webhook secret work, '
                    . 'but the oVirt engine does not answer the bridge: ' . self::detail($engine) . ' (orders are queued until it does)',
            ];
        }
        return ['success' => true, 'error' => ''];
    }

    private static function detail(mixed $check): string
    {
        return is_array($check) && is_string($check['detail'] ?? null) ? $check['detail'] : 'no detail given';
    }
}
