<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Shop\CapacityGate;
use WHMCS\Module\Server\Ovirtha\Shop\Verdict;

/**
 * The product's Module Settings (ConfigOptions), kept to what the bridge cannot know. Size, template, cluster and HA
 * priority live in the bridge's plan, found by the product id; the first field shows whether that plan exists and
 * can sell, asked from the bridge when the product page is opened.
 *
 *   configoption1  Bridge product id: empty = this WHMCS product's id (set it when the bridge's plan uses another id)
 *   configoption2  Welcome email: the template callback.php sends when the VPS really runs; "none" sends none
 *   configoption3  When sold out: mark (0 available), hide, or off (no capacity check in the shop)
 */
final class ProductOptions
{
    public const BRIDGE_PRODUCT_ID = 1;
    public const WELCOME_EMAIL = 2;
    public const WHEN_SOLD_OUT = 3;

    /** WHMCS's own template for products of type Dedicated/VPS Server (the shared-hosting one speaks of cPanel and FTP). */
    public const DEFAULT_WELCOME_EMAIL = 'Dedicated/VPS Server Welcome Email';
    public const SHOP_MARK = 'mark';
    public const SHOP_HIDE = 'hide';
    public const SHOP_OFF = 'off';

    public function __construct(private readonly ?CapacityGate $gate)
    {
    }

    public static function bridgeProductId(int|string $productId, ?string $override): string
    {
        $override = trim((string) $override);
        return $override !== '' ? $override : (string) $productId;
    }

    /** The template to send, or '' for none. Empty means the default: products saved before this option existed. */
    public static function welcomeEmail(?string $value): string
    {
        $value = trim((string) $value);
        if ($value === '') {
            return self::DEFAULT_WELCOME_EMAIL;
        }
        return strtolower($value) === 'none' ? '' : $value;
    }

    public static function shopMode(?string $value): string
    {
        return in_array($value, [self::SHOP_HIDE, self::SHOP_OFF], true) ? $value : self::SHOP_MARK;
    }

    /** The product id from a module call's $params, else from the product page WHMCS is rendering (configproducts.php?id=). */
    public static function productIdFrom(array $params): ?int
    {
        foreach (['pid', 'packageid', 'productid'] as $key) {
            if (isset($params[$key]) && is_numeric($params[$key])) {
                return (int) $params[$key];
            }
        }
        $script = basename((string) ($_SERVER['SCRIPT_NAME'] ?? $_SERVER['PHP_SELF'] ?? ''));
        $id = $_REQUEST['id'] ?? null;
        return $script === 'configproducts.php' && is_numeric($id) ? (int) $id : null;
    }

    /** @return array<string, array<string, mixed>> at most 24 fields, as configoption1.. in this order */
    public function fields(array $params = []): array
    {
        return [
            'Bridge product id' => [
                'Type' => 'text',
                'Size' => '20',
                'Default' => '',
                'Description' => 'Empty: the bridge plan is found by this product\'s id. '
                    . $this->planStatus(self::productIdFrom($params)),
            ],
            'Welcome email' => [
                'Type' => 'text',
                'Size' => '40',
                'Default' => self::DEFAULT_WELCOME_EMAIL,
                'Description' => 'Email template sent when the bridge reports the VPS running ("none": no email). '
                    . 'Set the product\'s own Welcome Email (Details tab) to None, so it is not sent before the VPS exists.',
            ],
            'When sold out' => [
                'Type' => 'dropdown',
                'Options' => [
                    self::SHOP_MARK => 'Show as sold out',
                    self::SHOP_HIDE => 'Hide from the order form',
                    self::SHOP_OFF => 'Do not check',
                ],
                'Default' => self::SHOP_MARK,
                'Description' => 'While the bridge says the cluster cannot take one more with its failover reserve intact '
                    . '(asked once a minute). Checkout of a sold-out product is refused unless this is "Do not check".',
            ],
        ];
    }

    /** One sentence on the bridge's plan for the product. Never throws: the settings page must always open. */
    private function planStatus(?int $productId): string
    {
        if ($productId === null || $this->gate === null) {
            return 'Save the product with a server group holding an oVirt HA Bridge server to see its bridge plan here.';
        }
        try {
            $v = $this->gate->forProduct($productId, true);
        } catch (\Throwable $e) {
            return self::html('Could not read this product\'s bridge plan: ' . $e->getMessage());
        }
        if ($v === null) {
            return 'Save the product with this module selected to see its bridge plan here.';
        }
        $id = $v->bridgeProductId;
        $console = $v->bridgeUrl !== '' ? " ({$v->bridgeUrl}/admin/plans)" : '';
        $text = match ($v->state) {
            Verdict::SELLABLE => "The bridge has a plan for product {$id} and can sell it: "
                . ($v->headroom === null
                    ? 'room left.'
                    : ($v->headroomAtLeast ? "at least {$v->headroom}" : (string) $v->headroom) . ' more fit.'),
            Verdict::SOLD_OUT => "The bridge has a plan for product {$id} but cannot sell another now: " . ($v->reason ?? 'no room') . '.',
            Verdict::UNMAPPED => "No bridge plan is mapped to product {$id}: "
                . "create one in the bridge admin console{$console} with product id {$id}.",
            default => 'Could not ask the bridge: ' . ($v->reason ?? 'no answer') . '.',
        };
        return '<strong>' . self::html($text) . '</strong>';
    }

    private static function html(string $s): string
    {
        return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
