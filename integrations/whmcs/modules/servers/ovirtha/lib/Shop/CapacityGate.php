<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Shop;

use WHMCS\Module\Server\Ovirtha\BridgeClient;
use WHMCS\Module\Server\Ovirtha\BridgeError;
use WHMCS\Module\Server\Ovirtha\BridgeSettings;
use WHMCS\Module\Server\Ovirtha\ProductOptions;
use WHMCS\Module\Server\Ovirtha\Store\ProductInfo;
use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;

/**
 * The shop's view of the bridge's capacity (GET /api/v1/capacity?product_id=): hides or marks sold-out products on the
 * order form and refuses a checkout holding one, so a customer is not charged for a VPS the cluster could not restart
 * after a host failure. Answers are cached a minute per bridge and product in files under the system temp
 * directory, so a busy order form asks the bridge about once a minute, not on every page view. A bridge that cannot be
 * asked is cached for 15 seconds and does not stop sales: the bridge's own gate still refuses such an order at
 * CreateAccount.
 */
final class CapacityGate
{
    private const TTL_SECONDS = 60;
    private const UNKNOWN_TTL_SECONDS = 15;

    /**
     * @param \Closure(BridgeSettings): BridgeClient $bridgeFor
     * @param \Closure(): int $now
     */
    public function __construct(
        private readonly WhmcsStore $store,
        private readonly \Closure $bridgeFor,
        private readonly string $cacheDir,
        private readonly \Closure $now,
    ) {
    }

    /** The verdict for a WHMCS product of this module; null for other modules' products and when checks are off. */
    public function forProduct(int $productId, bool $evenWhenOff = false): ?Verdict
    {
        $product = $this->store->product($productId);
        if ($product === null || !$product->isOurs() || (!$evenWhenOff && $product->shopMode() === ProductOptions::SHOP_OFF)) {
            return null;
        }
        return $this->verdict($product);
    }

    /**
     * ClientAreaPageCart: on the product list, sold-out products are hidden or shown with no stock (the standard
     * order forms then print "0 Available"), flagged ovirthaSoldOut for themes that want to say more.
     *
     * @return array the template variables to change (none on other pages)
     */
    public function cartPageVars(array $vars): array
    {
        if (($vars['templatefile'] ?? '') !== 'products' || !is_array($vars['products'] ?? null)) {
            return [];
        }
        $changed = false;
        $products = [];
        foreach ($vars['products'] as $key => $item) {
            $verdict = is_array($item) && isset($item['pid']) ? $this->forProduct((int) $item['pid']) : null;
            if ($verdict === null || !$verdict->blocksSale()) {
                $products[$key] = $item;
                continue;
            }
            $changed = true;
            if ($this->store->product((int) $item['pid'])?->shopMode() === ProductOptions::SHOP_HIDE) {
                continue;
            }
            $products[$key] = [
                'qty' => 0,
                'stockControlEnabled' => true,
                'ovirthaSoldOut' => true,
                'ovirthaSoldOutReason' => self::customerReason($verdict),
            ] + $item;
        }
        return $changed ? ['products' => array_is_list($vars['products']) ? array_values($products) : $products] : [];
    }

    /**
     * ShoppingCartValidateCheckout: one message per sold-out product in the cart (WHMCS shows them and creates no
     * order or invoice).
     *
     * @param list<int|string> $productIds the cart's products
     * @return list<string>
     */
    public function checkoutErrors(array $productIds): array
    {
        $errors = [];
        foreach (array_unique(array_map('intval', $productIds)) as $pid) {
            $verdict = $this->forProduct($pid);
            if ($verdict !== null && $verdict->blocksSale()) {
                $name = $this->store->product($pid)?->name ?? "product {$pid}";
                $errors[] = "{$name} is sold out right now: " . self::customerReason($verdict)
                    . ' Please remove it from your cart, or try again later.';
            }
        }
        return $errors;
    }

    private static function customerReason(Verdict $v): string
    {
        return $v->state === Verdict::UNMAPPED
            ? 'it cannot be provisioned at the moment.'
            : 'our high-availability cluster has no spare room for another one.';
    }

    private function verdict(ProductInfo $product): Verdict
    {
        $bridgeProductId = $product->bridgeProductId();
        $servers = $this->store->bridgeServers($product->id);
        if ($servers === []) {
            return new Verdict(Verdict::UNKNOWN, $bridgeProductId, '', 'no oVirt HA Bridge server is set up in WHMCS (Setup > Servers)');
        }
        $server = $servers[0];
        $file = $this->cacheDir . DIRECTORY_SEPARATOR
            . 'capacity-' . substr(hash('sha256', $server->baseUrl . "\0" . $bridgeProductId), 0, 24) . '.json';
        $now = ($this->now)();
        $cached = $this->readCache($file, $now);
        if ($cached !== null) {
            return $cached;
        }
        $verdict = $this->ask($server, $bridgeProductId);
        $this->writeCache($file, $now + ($verdict->state === Verdict::UNKNOWN ? self::UNKNOWN_TTL_SECONDS : self::TTL_SECONDS), $verdict);
        return $verdict;
    }

    private function ask(BridgeSettings $server, string $bridgeProductId): Verdict
    {
        try {
            $c = ($this->bridgeFor)($server)->capacity($bridgeProductId);
        } catch (BridgeError $e) {
            if ($e->status === 404) {
                return new Verdict(Verdict::UNMAPPED, $bridgeProductId, $server->baseUrl, $e->getMessage());
            }
            return new Verdict(Verdict::UNKNOWN, $bridgeProductId, $server->baseUrl, $e->adminMessage());
        }
        $canSell = ($c['can_sell'] ?? false) === true;
        return new Verdict(
            $canSell ? Verdict::SELLABLE : Verdict::SOLD_OUT,
            $bridgeProductId,
            $server->baseUrl,
            is_string($c['reason'] ?? null) ? $c['reason'] : null,
            is_int($c['headroom'] ?? null) ? $c['headroom'] : null,
            ($c['headroom_at_least'] ?? false) === true,
        );
    }

    private function readCache(string $file, int $now): ?Verdict
    {
        $raw = is_file($file) ? @file_get_contents($file) : false;
        $data = $raw === false ? null : json_decode($raw, true);
        if (!is_array($data) || !is_int($data['expires'] ?? null) || $data['expires'] <= $now || !is_array($data['verdict'] ?? null)) {
            return null;
        }
        return Verdict::fromArray($data['verdict']);
    }

    private function writeCache(string $file, int $expires, Verdict $verdict): void
    {
        if (!is_dir($this->cacheDir)) {
            @mkdir($this->cacheDir, 0700, true);
        }
        // Write then rename, so a concurrent page view never reads half a file.
        $tmp = $file . '.' . bin2hex(random_bytes(4));
        if (@file_put_contents($tmp, json_encode(['expires' => $expires, 'verdict' => $verdict->toArray()])) !== false) {
            @rename($tmp, $file);
        }
    }
}
