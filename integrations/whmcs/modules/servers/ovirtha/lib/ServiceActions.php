<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;

/**
 * The lifecycle functions: each sends one signed webhook and returns what WHMCS expects, 'success' or an error in an
 * admin's words. The bridge answers at once (202) and builds, stops or removes the VM in the background; callback.php
 * hears when that is done. WHMCS therefore never waits minutes for a clone inside a page request or the cron.
 */
final class ServiceActions
{
    /** The bridge's host-name rule (README: `hostname` must be a host name such as vps1.example.net). */
    private const HOSTNAME = '/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)'
        . '(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/';

    public function __construct(private readonly ?WhmcsStore $store)
    {
    }

    public function create(array $params): string
    {
        $data = [
            'service_id' => self::serviceId($params),
            'client_id' => (string) ($params['userid'] ?? ''),
            'product_id' => self::productId($params),
        ];
        // WHMCS lets customers type anything as the "domain" of a VPS; the bridge refuses a malformed host name, and
        // a refused create would leave a paid order unprovisioned, so such a name is left out (the VPS is named by
        // its service id either way).
        $hostname = strtolower(trim((string) ($params['domain'] ?? '')));
        if ($hostname !== '' && preg_match(self::HOSTNAME, $hostname) === 1) {
            $data['hostname'] = $hostname;
        }
        try {
            $data += OrderChoices::fromParams($params);
        } catch (\InvalidArgumentException $e) {
            // A product set up wrongly fails every order the same way: say how to fix it before anything is sent.
            $message = 'oVirt HA Bridge: ' . $e->getMessage();
            self::log('CreateAccount', $message);
            return $message;
        }
        // The webhook proves only the Access Hash; the API key (Password) is what every page and hook reads with.
        // Checked first, so a misconfigured server fails its first order here rather than a customer's first page.
        return $this->send('CreateAccount', 'create', 'service.create', $params, $data, checkApiKey: true);
    }

    public function suspend(array $params): string
    {
        $data = ['service_id' => self::serviceId($params)];
        $reason = trim((string) ($params['suspendreason'] ?? ''));
        if ($reason !== '') {
            // The bridge keeps 500 characters; cut on a character boundary (mbstring is optional in PHP).
            $data['reason'] = preg_match('/^.{0,500}/us', $reason, $m) === 1 ? $m[0] : substr($reason, 0, 500);
        }
        return $this->send('SuspendAccount', 'suspend', 'service.suspend', $params, $data);
    }

    public function unsuspend(array $params): string
    {
        return $this->send('UnsuspendAccount', 'unsuspend', 'service.unsuspend', $params, ['service_id' => self::serviceId($params)]);
    }

    public function terminate(array $params): string
    {
        return $this->send('TerminateAccount', 'terminate', 'service.terminate', $params, ['service_id' => self::serviceId($params)]);
    }

    /** After an upgrade or downgrade WHMCS passes the new product: its plan's size applies at the VPS's next start. */
    public function changePackage(array $params): string
    {
        return $this->send('ChangePackage', 'changepackage', 'service.change_plan', $params, [
            'service_id' => self::serviceId($params),
            'product_id' => self::productId($params),
        ]);
    }

    public function renew(array $params): string
    {
        $data = ['service_id' => self::serviceId($params)];
        $due = self::nextDueDate($params);
        if ($due !== null) {
            $data['next_due_date'] = $due;
        }
        return $this->send('Renew', 'renew', 'service.renew', $params, $data);
    }

    /** @param array<string, string|list<string>> $data */
    private function send(string $function, string $action, string $type, array $params, array $data, bool $checkApiKey = false): string
    {
        $password = $data['password'] ?? null;
        try {
            $settings = BridgeSettings::fromParams($params);
            $bridge = Module::bridge($settings, $function, null, is_string($password) ? [$password] : []);
        } catch (\InvalidArgumentException $e) {
            $message = 'oVirt HA Bridge: ' . $e->getMessage() . ' (Setup > Servers)';
            self::log($function, $message);
            return $message;
        }
        // The id is sent and kept by the bridge: it covers the password only through a keyed hash, so the id cannot
        // be used to guess the password, and a password changed in WHMCS still makes a new delivery.
        $idData = $data;
        if (is_string($password)) {
            $idData['password'] = 'hmac-sha256:' . hash_hmac('sha256', $password, $settings->webhookSecret);
        }
        $id = WebhookId::for($action, (string) $data['service_id'], $idData, ServiceGeneration::of($params, $this->store));
        try {
            if ($checkApiKey) {
                $bridge->checkApiKey($data['service_id']);
            }
            $bridge->sendEvent($id, $type, $data);
            return 'success';
        } catch (BridgeError $e) {
            $message = $e->adminMessage();
            self::log($function, $message, [...$bridge->settings->secrets(), ...(is_string($password) ? [$password] : [])]);
            return $message;
        } catch (\Throwable $e) {
            $message = 'oVirt HA Bridge: ' . $e->getMessage();
            self::log($function, $message, [...$bridge->settings->secrets(), ...(is_string($password) ? [$password] : [])]);
            return $message;
        }
    }

    /** The outcome in the module log too, next to the exchange, as the text WHMCS shows. @param list<string> $secrets */
    private static function log(string $function, string $message, array $secrets = []): void
    {
        (new ModuleLog($function, $secrets))->record('(outcome)', $message);
    }

    public static function serviceId(array $params): string
    {
        return (string) ($params['serviceid'] ?? '');
    }

    /** The product's bridge id: configoption1 when set, else WHMCS's product id. */
    public static function productId(array $params): string
    {
        return ProductOptions::bridgeProductId(
            (string) ($params['pid'] ?? ''),
            (string) ($params['configoption' . ProductOptions::BRIDGE_PRODUCT_ID] ?? ''),
        );
    }

    private static function nextDueDate(array $params): ?string
    {
        $value = $params['nextduedate'] ?? null;
        $model = $params['model'] ?? null;
        if ($value === null && is_object($model)) {
            try {
                $value = $model->nextduedate ?? $model->nextDueDate ?? null;
            } catch (\Throwable) {
                $value = null;
            }
        }
        if ($value instanceof \DateTimeInterface) {
            return $value->format('Y-m-d');
        }
        return is_string($value) && preg_match('/^\d{4}-\d{2}-\d{2}$/', $value) === 1 && $value !== '0000-00-00' ? $value : null;
    }
}
