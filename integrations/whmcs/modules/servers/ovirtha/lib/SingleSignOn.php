<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * ServiceSingleSignOn: a one-time link (60 s) into the bridge's client area for this service, bound to the service's
 * client, so the customer sees the full uptime and failover history without another password. WHMCS calls it from
 * clientarea.php?action=productdetails&id=<serviceid>&dosinglesignon=1 and redirects the browser.
 */
final class SingleSignOn
{
    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function link(array $params): array
    {
        try {
            $bridge = Module::bridge(BridgeSettings::fromParams($params), 'ServiceSingleSignOn');
            $link = $bridge->singleSignOn(ServiceActions::serviceId($params), (string) ($params['userid'] ?? ''));
            return ['success' => true, 'redirectTo' => $link['url']];
        } catch (BridgeError $e) {
            return ['success' => false, 'errorMsg' => $e->status === 404 ? 'oVirt HA Bridge: this VPS is not set up yet; its history appears once it runs.' : $e->adminMessage()];
        } catch (\InvalidArgumentException $e) {
            return ['success' => false, 'errorMsg' => 'oVirt HA Bridge: ' . $e->getMessage()];
        }
    }
}
