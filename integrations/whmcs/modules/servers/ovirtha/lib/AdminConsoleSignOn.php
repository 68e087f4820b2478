<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * AdminSingleSignOn (Setup > Servers, "Login to panel"): a one-time link (60 s) into the bridge's admin console for
 * the WHMCS staff member who clicked, who lands there as `whmcs:<username>` and is recorded so in every action they
 * take (POST /api/v1/admin-sso). Trust: the bridge lets whoever holds its billing API key open its console, so WHMCS's
 * own admin permissions decide who may (README: "Admin console from WHMCS").
 */
final class AdminConsoleSignOn
{
    /** @return array{success: bool, redirectTo?: string, errorMsg?: string} */
    public function link(array $params): array
    {
        $adminId = (int) ($_SESSION['adminid'] ?? 0);
        $username = $adminId > 0 ? Module::store()->adminUsername($adminId) : null;
        if ($username === null) {
            return ['success' => false, 'errorMsg' => 'oVirt HA Bridge: no signed-in WHMCS admin to open the console for.'];
        }
        // The bridge takes 1-64 letters, digits, dots, dashes and underscores; a WHMCS user name is nearly always that.
        $name = substr((string) preg_replace('/[^A-Za-z0-9._-]/', '_', $username), 0, 64);
        try {
            $settings = BridgeSettings::fromParams($params);
        } catch (\InvalidArgumentException $e) {
            return ['success' => false, 'errorMsg' => 'oVirt HA Bridge: ' . $e->getMessage() . ' (Setup > Servers)'];
        }
        try {
            $link = Module::bridge($settings, 'AdminSingleSignOn', BridgeClient::PAGE_TIMEOUT_SECONDS)->adminSingleSignOn($name);
            return ['success' => true, 'redirectTo' => $link['url']];
        } catch (BridgeError $e) {
            return ['success' => false, 'errorMsg' => $e->adminMessage()];
        }
    }
}
