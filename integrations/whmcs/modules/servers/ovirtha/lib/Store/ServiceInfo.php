<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

/** A WHMCS service (tblhosting): whose, which product, its status and when it last changed. */
final class ServiceInfo
{
    public function __construct(
        public readonly int $id,
        public readonly int $userId,
        public readonly int $productId,
        /** domainstatus: Pending, Active, Suspended, Terminated, Cancelled, Fraud, Completed. */
        public readonly string $status,
        public readonly ?string $updatedAt = null,
    ) {
    }
}
