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

    /**
     * The sub-options of the product's "Operating System" configurable option (the reinstall form), named
     * "key|Label" as OrderChoices reads them, in their order, hidden ones left out.
     *
     * @return list<array{key: string, label: string}>
     */
    public function osOptions(int $productId): array;

    /** A WHMCS staff user's login name (tbladmins.username), for the bridge's action log and admin console. */
    public function adminUsername(int $adminId): ?string;
}
