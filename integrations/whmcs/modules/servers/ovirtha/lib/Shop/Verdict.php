<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Shop;

/** Whether the bridge can sell one more VPS of a product, as the shop and the product settings show it. */
final class Verdict
{
    public const SELLABLE = 'sellable';
    public const SOLD_OUT = 'sold_out';
    /** The bridge has no plan for the product: an order could never be provisioned. */
    public const UNMAPPED = 'unmapped';
    /** The bridge could not be asked: the shop keeps selling (the bridge still refuses an order it cannot restart). */
    public const UNKNOWN = 'unknown';

    public function __construct(
        public readonly string $state,
        public readonly string $bridgeProductId,
        public readonly string $bridgeUrl,
        public readonly ?string $reason = null,
        public readonly ?int $headroom = null,
        public readonly bool $headroomAtLeast = false,
    ) {
    }

    /** Whether the shop must stop an order: sold out, or nothing on the bridge to provision it with. */
    public function blocksSale(): bool
    {
        return $this->state === self::SOLD_OUT || $this->state === self::UNMAPPED;
    }

    /** @return array<string, mixed> for the cache file */
    public function toArray(): array
    {
        return get_object_vars($this);
    }

    public static function fromArray(array $a): self
    {
        return new self(
            (string) $a['state'],
            (string) $a['bridgeProductId'],
            (string) $a['bridgeUrl'],
            $a['reason'] ?? null,
            $a['headroom'] ?? null,
            (bool) ($a['headroomAtLeast'] ?? false),
        );
    }
}
