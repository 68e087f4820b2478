<?php

/*
 * oVirt HA Bridge: capacity in the shop, and stuck orders after each cron run. WHMCS loads this file on every page
 * once the module is active on a product (re-save a product's Module Settings after installing, so WHMCS notices it).
 *
 * ClientAreaPageCart            sold-out products on the order form are shown with 0 available, or hidden
 * ShoppingCartValidateCheckout  a checkout holding a sold-out product is refused with a message, before any order
 *                               or invoice exists
 * AfterCronJob                  orders the bridge failed to build, or is still building after 30 minutes, are told
 *                               to the admins once (lib/Cron/StuckServices.php)
 *
 * "Sold out" is the bridge's GET /api/v1/capacity?product_id= saying can_sell false (the cluster could not restart
 * one more VPS after a host failure), or the bridge having no plan for the product; asked at most once a minute per
 * product (lib/Shop/CapacityGate.php). A hook never breaks the page: on an error it changes nothing.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Module;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/autoload.php';

add_hook('ClientAreaPageCart', 1, static function (array $vars): array {
    try {
        return Module::capacityGate()->cartPageVars($vars);
    } catch (\Throwable $e) {
        if (function_exists('logActivity')) {
            logActivity('oVirt HA Bridge: the capacity check on the order form failed: ' . $e->getMessage());
        }
        return [];
    }
});

add_hook('ShoppingCartValidateCheckout', 1, static function (array $vars): array {
    $productIds = [];
    foreach ($_SESSION['cart']['products'] ?? [] as $item) {
        if (is_array($item) && isset($item['pid'])) {
            $productIds[] = (int) $item['pid'];
        }
    }
    try {
        return Module::capacityGate()->checkoutErrors($productIds);
    } catch (\Throwable $e) {
        if (function_exists('logActivity')) {
            logActivity('oVirt HA Bridge: the capacity check at checkout failed: ' . $e->getMessage());
        }
        return [];
    }
});

add_hook('AfterCronJob', 1, static function (array $vars): array {
    try {
        return Module::stuckServices()->check();
    } catch (\Throwable $e) {
        if (function_exists('logActivity')) {
            logActivity('oVirt HA Bridge: the check for stuck or failed orders failed: ' . $e->getMessage());
        }
        return [];
    }
});
