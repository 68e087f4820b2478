<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

use WHMCS\Module\Server\Ovirtha\ProductOptions;

/** A WHMCS product (tblproducts) as far as the module cares: its module and our three settings. */
final class ProductInfo
{
    public function __construct(
        public readonly int $id,
        public readonly string $name,
        /** tblproducts.servertype: "ovirtha" for ours. */
        public readonly string $module,
        /** configoption1..3, by position (ProductOptions). @var array<int, string> */
        public readonly array $configOptions = [],
    ) {
    }

    public function isOurs(): bool
    {
        return $this->module === \WHMCS\Module\Server\Ovirtha\Module::NAME;
    }

    public function bridgeProductId(): string
    {
        return ProductOptions::bridgeProductId($this->id, $this->configOptions[ProductOptions::BRIDGE_PRODUCT_ID] ?? '');
    }

    public function welcomeEmail(): string
    {
        return ProductOptions::welcomeEmail($this->configOptions[ProductOptions::WELCOME_EMAIL] ?? null);
    }

    public function shopMode(): string
    {
        return ProductOptions::shopMode($this->configOptions[ProductOptions::WHEN_SOLD_OUT] ?? null);
    }
}
