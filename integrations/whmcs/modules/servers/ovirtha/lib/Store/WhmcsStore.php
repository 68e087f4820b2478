<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

use WHMCS\Module\Server\Ovirtha\BridgeSettings;

/**
 * What the module reads from WHMCS's own tables outside a module call (hooks, callback.php, ConfigOptions): behind an
 * interface so the tests give it fixed rows instead of a WHMCS database. CapsuleStore is the real one.
 */
interface WhmcsStore
{
    /**
     * The bridges configured as WHMCS servers of type ovirtha that are not disabled; for a product, the servers of its
     * server group come first.
     *
     * @return list<BridgeSettings>
     */
    public function bridgeServers(?int $productId = null): array;

    public function product(int $productId): ?ProductInfo;

    public function service(int $serviceId): ?ServiceInfo;
}
