<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * ServiceSingleSignOn: a one-time link (60 s) into the bridge's client area for this service, bound to the service's
 * client, so the customer sees the full uptime and failover history without another password. WHMCS calls it from
 * clientarea.php?action=productdetails&id=<serviceid>&dosinglesignon=1 and redirects the browser.
 *
 * WHMCS shows errorMsg to the customer, so it is a plain sentence; what went wrong, in an admin's words (the bridge's
 * code, a wrong key, an unreachable address), goes to the activity log and, when enabled, the module log. The
 * customer waits PAGE_TIMEOUT_SECONDS at most.
 */
final class SingleSignOn
{
    public const NOT_YET = 'Your VPS is still being set up; its uptime and failover history appear once it runs.';
    public const UNAVAILABLE = 'The uptime and failover history cannot be opened right now. '
        . 'Please try again in a few minutes, or contact us if it keeps happening.';

    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function link(array $params): array
    {
        $serviceId = ServiceActions::serviceId($params);
        try {
            $settings = BridgeSettings::fromParams($params);
        } catch (\InvalidArgumentException $e) {
            return $this->refuse($params, self::UNAVAILABLE, 'oVirt HA Bridge: ' . $e->getMessage() . ' (Setup > Servers)', []);
        }
        try {
            $bridge = Module::bridge($settings, 'ServiceSingleSignOn', BridgeClient::PAGE_TIMEOUT_SECONDS);
            $link = $bridge->singleSignOn($serviceId, (string) ($params['userid'] ?? ''));
            return ['success' => true, 'redirectTo' => $link['url']];
        } catch (BridgeError $e) {
            $customer = $e->status === 404 && !$e->isMissingRoute() ? self::NOT_YET : self::UNAVAILABLE;
            return $this->refuse($params, $customer, $e->adminMessage(), $settings->secrets());
        }
    }

    /** @param list<string> $secrets */
    private function refuse(array $params, string $customer, string $admin, array $secrets): array
    {
        $serviceId = ServiceActions::serviceId($params);
        $userId = (int) ($params['userid'] ?? 0);
        (new ModuleLog('ServiceSingleSignOn', $secrets))->record('(outcome)', $admin, $customer);
        if (function_exists('logActivity')) {
            logActivity("oVirt HA Bridge: single sign-on for service #{$serviceId} failed: {$admin}", $userId);
        }
        return ['success' => false, 'errorMsg' => $customer];
    }
}
