<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

use WHMCS\Module\Server\Ovirtha\Cron\StuckServices;
use WHMCS\Module\Server\Ovirtha\Signature;
use WHMCS\Module\Server\Ovirtha\Store\CallbackLedger;
use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApiException;

/**
 * The bridge's signed callbacks (BILLING_CALLBACK_URL), from raw request to answer, with no globals: callback.php
 * feeds it the request, the tests feed it whatever they like.
 *
 * Order: method (405), headers (400), signature and a timestamp within five minutes against the callback secret of
 * every enabled bridge server (401), JSON body (400), the service in WHMCS (410: retrying cannot help), then the
 * replay ledger and the work. The answer is 2xx only once the work is done: a localAPI failure releases the claim and
 * answers 503 so the bridge retries, with the same webhook-id. A webhook-id already handled is refused: nothing is
 * done again, and it is answered 200 with "duplicate" so the bridge, whose earlier answer may have been lost, stops
 * sending it.
 */
final class CallbackHandler
{
    /** @param \Closure(): int $now */
    public function __construct(
        private readonly WhmcsStore $store,
        private readonly CallbackLedger $ledger,
        private readonly CallbackActions $actions,
        private readonly \Closure $now,
        /** The notices' e-mails; without it they are acknowledged and ignored like any unknown type. */
        private readonly ?NoticeActions $notices = null,
    ) {
    }

    /** @param array<string, string> $headers lower-case names */
    public function handle(string $method, array $headers, string $body): CallbackResponse
    {
        if (strtoupper($method) !== 'POST') {
            return CallbackResponse::error(
                405,
                'method_not_allowed',
                'The oVirt HA Bridge posts signed callbacks here.',
                ['Allow' => 'POST'],
            );
        }
        $id = $headers['webhook-id'] ?? '';
        $timestamp = $headers['webhook-timestamp'] ?? '';
        $signature = $headers['webhook-signature'] ?? '';
        if (preg_match('/^[A-Za-z0-9_-]{1,64}$/', $id) !== 1 || $timestamp === '' || $signature === '') {
            return CallbackResponse::error(400, 'missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required.');
        }
        $secrets = [];
        foreach ($this->store->bridgeServers() as $server) {
            $secrets[] = $server->callbackSecret;
        }
        if ($secrets === []) {
            return CallbackResponse::error(
                500,
                'not_configured',
                'No oVirt HA Bridge server is set up in WHMCS (Setup > Servers), so no callback can be verified.',
            );
        }
        $problem = Signature::problem(array_values(array_unique($secrets)), $id, $timestamp, $signature, $body, ($this->now)());
        if ($problem !== null) {
            return CallbackResponse::error(401, 'bad_signature', $problem);
        }

        $json = json_decode($body, true);
        if (!is_array($json) || !is_string($json['type'] ?? null) || !is_array($json['data'] ?? null)) {
            return CallbackResponse::error(400, 'invalid_body', 'The body must be JSON: {"type": "service.…", "data": {"service_id": …}}.');
        }
        $type = $json['type'];
        $data = $json['data'];
        $notice = $this->notices !== null && in_array($type, NoticeActions::TYPES, true);
        if (!$notice && !in_array($type, CallbackActions::TYPES, true)) {
            // A type a newer bridge sends and this module does not know yet: acknowledged, so it is not retried forever.
            return new CallbackResponse(200, [
                'ok' => true,
                'ignored' => true,
                'message' => "callback type {$type} is not handled by this module version",
            ]);
        }
        // cluster.host_failed is about a host, once per failure, and names no service.
        $service = null;
        if ($type !== 'cluster.host_failed') {
            $serviceId = $data['service_id'] ?? null;
            if ((!is_string($serviceId) && !is_int($serviceId)) || preg_match('/^[1-9]\d{0,18}$/', (string) $serviceId) !== 1) {
                return CallbackResponse::error(400, 'invalid_body', 'data.service_id must be a WHMCS service id.');
            }
            $service = $this->store->service((int) $serviceId);
            if ($service === null) {
                return CallbackResponse::error(
                    410,
                    'unknown_service',
                    "WHMCS has no service #{$serviceId}; this callback will never apply.",
                );
            }
        }

        $claim = $this->ledger->claim($id, ($this->now)());
        if ($claim === CallbackLedger::DONE) {
            return new CallbackResponse(200, [
                'ok' => true,
                'duplicate' => true,
                'message' => "webhook {$id} was handled already; nothing was done again",
            ]);
        }
        if ($claim === CallbackLedger::BUSY) {
            return CallbackResponse::error(
                409,
                'in_progress',
                "webhook {$id} is being handled by another request.",
                ['Retry-After' => '5'],
            );
        }
        try {
            $done = $notice
                ? $this->notices->apply($type, $data, $service)
                : $this->actions->apply($type, $data, $service, $this->store->product($service->productId));
        } catch (LocalApiException $e) {
            $this->ledger->release($id);
            return CallbackResponse::error(
                503,
                'whmcs_api_failed',
                'WHMCS could not do it yet (' . $e->getMessage() . '); send it again later.',
                ['Retry-After' => '30'],
            );
        } catch (\Throwable $e) {
            $this->ledger->release($id);
            return CallbackResponse::error(500, 'internal_error', 'The callback failed in WHMCS: ' . $e->getMessage());
        }
        $this->ledger->complete($id, ($this->now)());
        if ($type === 'service.failed') {
            // The admins have their email: the cron's check for stuck orders need not tell them again.
            $told = StuckServices::failedKey($service->id);
            if ($this->ledger->claim($told, ($this->now)()) === CallbackLedger::CLAIMED) {
                $this->ledger->complete($told, ($this->now)());
            }
        }
        if ($service === null) {
            if (function_exists('logActivity')) {
                logActivity("oVirt HA Bridge: {$type}: " . implode('; ', $done));
            }
            return new CallbackResponse(200, ['ok' => true, 'type' => $type, 'done' => $done]);
        }
        if (function_exists('logActivity')) {
            logActivity("oVirt HA Bridge: {$type} for service #{$service->id}: " . implode('; ', $done), $service->userId);
        }
        return new CallbackResponse(200, ['ok' => true, 'type' => $type, 'service_id' => (string) $service->id, 'done' => $done]);
    }
}
