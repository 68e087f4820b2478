<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Cron;

use WHMCS\Module\Server\Ovirtha\BridgeClient;
use WHMCS\Module\Server\Ovirtha\BridgeError;
use WHMCS\Module\Server\Ovirtha\BridgeSettings;
use WHMCS\Module\Server\Ovirtha\Store\CallbackLedger;
use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApi;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApiException;

/**
 * The AfterCronJob hook: orders that CreateAccount answered with success but that never became a running VPS. WHMCS
 * has such a service as Active; if the bridge's service.failed callback never arrived (a wrong BILLING_CALLBACK_URL, a
 * WHMCS that was down for longer than the bridge's retries), nobody would know. So each cron run asks every bridge
 * (GET /api/v1/services?actual_state=pending,provisioning,failed) and tells the admins, in one email per run
 * (SendAdminEmail) and a line per service in the activity log, about each service that is
 *
 *   failed: the bridge gave up building it (fix the cause, then press Create on the service), or
 *   pending or provisioning for longer than STUCK_AFTER_SECONDS (30 minutes) since its work was asked for.
 *
 * Once per service per state: what was told is remembered in the callback ledger (mod_ovirtha_callbacks, kept 30
 * days) under stuck_<service>_<state>[_<since>], and a failure the bridge's own callback already reported by email is
 * marked there too (CallbackHandler), so it is not told twice. A later episode of a pending or provisioning service
 * (a new order attempt) is a new one. Services WHMCS does not have (another panel on the same bridge) are skipped.
 */
final class StuckServices
{
    public const STUCK_AFTER_SECONDS = 30 * 60;
    public const STATES = ['pending', 'provisioning', 'failed'];
    private const PAGE = 200;
    private const MAX_PAGES = 25;

    /**
     * @param \Closure(BridgeSettings): BridgeClient $bridgeFor
     * @param \Closure(): int $now Unix seconds
     */
    public function __construct(
        private readonly WhmcsStore $store,
        private readonly CallbackLedger $ledger,
        private readonly LocalApi $api,
        private readonly \Closure $bridgeFor,
        private readonly \Closure $now,
        private readonly int $stuckAfterSeconds = self::STUCK_AFTER_SECONDS,
    ) {
    }

    /** The ledger key that says a service's failure was told to the admins. */
    public static function failedKey(int|string $serviceId): string
    {
        return "stuck_{$serviceId}_failed";
    }

    /** @return list<string> one line per service newly told about (also in the activity log) */
    public function check(): array
    {
        $now = ($this->now)();
        $stuck = [];
        $asked = [];
        foreach ($this->store->bridgeServers() as $server) {
            if (isset($asked[$server->baseUrl])) {
                continue;
            }
            $asked[$server->baseUrl] = true;
            try {
                foreach ($this->stuckAt(($this->bridgeFor)($server), $now) as $key => $s) {
                    $stuck[$key] = $s;
                }
            } catch (BridgeError $e) {
                self::activity('the cron could not ask the bridge for stuck or failed orders: ' . $e->adminMessage());
            }
        }

        $new = [];
        foreach ($stuck as $key => $s) {
            $service = $this->store->service((int) $s['service_id']);
            if ($service === null || $this->ledger->claim($key, $now) !== CallbackLedger::CLAIMED) {
                continue;
            }
            $new[$key] = ['line' => self::describe($s, $now), 'userid' => $service->userId, 'id' => $service->id];
        }
        if ($new === []) {
            return [];
        }
        try {
            $this->tellAdmins($new);
        } catch (LocalApiException $e) {
            foreach (array_keys($new) as $key) {
                $this->ledger->release((string) $key);
            }
            self::activity(
                'could not email the admins about stuck or failed orders (tried again at the next cron run): ' . $e->getMessage(),
            );
            return [];
        }
        $lines = [];
        foreach ($new as $key => $n) {
            $this->ledger->complete((string) $key, $now);
            self::activity($n['line'], $n['userid']);
            $lines[] = $n['line'];
        }
        return $lines;
    }

    /** @return array<string, array<string, mixed>> ledger key => the bridge's service */
    private function stuckAt(BridgeClient $bridge, int $now): array
    {
        $found = [];
        $cursor = null;
        for ($page = 0; $page < self::MAX_PAGES; $page++) {
            $answer = $bridge->services(self::STATES, $cursor, self::PAGE);
            foreach ($answer['services'] as $s) {
                $id = $s['service_id'] ?? null;
                $state = $s['actual_state'] ?? null;
                if (!is_string($id) || preg_match('/^[1-9]\d{0,18}$/', $id) !== 1 || !in_array($state, self::STATES, true)) {
                    continue;
                }
                if ($state === 'failed') {
                    $found[self::failedKey($id)] = $s;
                    continue;
                }
                $since = self::since($s);
                if ($since !== null && $now - $since >= $this->stuckAfterSeconds) {
                    $found["stuck_{$id}_{$state}_{$since}"] = $s + ['since' => $since];
                }
            }
            $cursor = $answer['next_cursor'];
            if ($cursor === null) {
                break;
            }
        }
        return $found;
    }

    /** When the work the service waits for was asked (its waiting job), else its last change. */
    private static function since(array $s): ?int
    {
        foreach (['waiting_since', 'updated_at'] as $field) {
            $t = is_string($s[$field] ?? null) ? strtotime($s[$field]) : false;
            if ($t !== false) {
                return $t;
            }
        }
        return null;
    }

    private static function describe(array $s, int $now): string
    {
        $id = $s['service_id'];
        $client = is_string($s['client_id'] ?? null)
            ? " (client #{$s['client_id']}" . (is_string($s['product_id'] ?? null) ? ", product {$s['product_id']})" : ')')
            : '';
        $error = is_string($s['last_error'] ?? null) && $s['last_error'] !== '' ? $s['last_error'] : null;
        if ($s['actual_state'] === 'failed') {
            return "service #{$id}{$client}: the bridge could not build its VPS: " . ($error ?? 'no reason given')
                . '. WHMCS may show it Active with no VPS: fix the cause, then press Create on the service.';
        }
        $minutes = intdiv(max(0, $now - (int) $s['since']), 60);
        return "service #{$id}{$client}: its VPS is still {$s['actual_state']} after {$minutes} minutes"
            . ($error !== null ? " (bridge: {$error})" : '') . '. Check the job in the bridge admin console (Jobs) and the oVirt engine.';
    }

    /** @param array<string, array{line: string, userid: int, id: int}> $new */
    private function tellAdmins(array $new): void
    {
        $items = '';
        foreach ($new as $n) {
            $link = "clientsservices.php?userid={$n['userid']}&id={$n['id']}";
            $items .= '<li>' . self::html($n['line']) . ' <a href="' . self::html($link) . '">' . self::html($link) . '</a></li>';
        }
        $count = count($new);
        $this->api->call('SendAdminEmail', [
            'customsubject' => "oVirt HA Bridge: {$count} VPS order" . ($count === 1 ? '' : 's') . ' stuck or failed',
            'custommessage' => '<p>These orders were accepted by the oVirt HA Bridge but have no running VPS:</p><ul>' . $items . '</ul>'
                . '<p>You are told once per service and state; the activity log keeps a line for each.</p>',
            'type' => 'system',
        ]);
    }

    private static function html(string $s): string
    {
        return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }

    private static function activity(string $message, int $userId = 0): void
    {
        if (function_exists('logActivity')) {
            logActivity('oVirt HA Bridge: ' . $message, $userId);
        }
    }
}
