<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Module;

function capacity(string $pid, bool $canSell, ?string $reason = null, int $headroom = 3): array
{
    return [
        'product_id' => $pid,
        'can_sell' => $canSell,
        'headroom' => $canSell ? $headroom : 0,
        'headroom_at_least' => false,
        'reason' => $reason,
    ];
}

function product_list(): array
{
    return [
        ['pid' => 7, 'name' => 'VPS HA M', 'qty' => 0, 'stockControlEnabled' => false],
        ['pid' => 8, 'name' => 'VPS HA L'],
        ['pid' => 9, 'name' => 'VPS HA XL'],
        ['pid' => 20, 'name' => 'Shared hosting'],
    ];
}

test('shop: sold-out products show 0 available (mark) or vanish (hide); unchecked and other modules stay', function (): void {
    $http = fake_bridge(file_state());
    $http->on('#product_id=7$#', 200, capacity('7', false, 'the failover reserve would be exceeded'));
    $http->on('#product_id=8$#', 200, capacity('8', false, 'no room'));
    $vars = Module::capacityGate()->cartPageVars(['templatefile' => 'products', 'products' => product_list()]);
    $products = $vars['products'];
    assert_same([7, 9, 20], array_column($products, 'pid'), 'product 8 hidden, 9 not checked, 20 not ours');
    assert_subset(['pid' => 7, 'qty' => 0, 'stockControlEnabled' => true, 'ovirthaSoldOut' => true], $products[0]);
    assert_same(['pid' => 9, 'name' => 'VPS HA XL'], $products[1]);
    assert_same(2, count($http->sent), 'products 9 (off) and 20 (another module) were not asked about');
});

test('shop: a product that can sell is left alone; other cart pages are not touched', function (): void {
    $http = fake_bridge(file_state());
    $http->always('#product_id=7$#', 200, capacity('7', true));
    $http->always('#product_id=8$#', 200, capacity('8', true));
    assert_same([], Module::capacityGate()->cartPageVars(['templatefile' => 'products', 'products' => product_list()]));
    assert_same([], Module::capacityGate()->cartPageVars(['templatefile' => 'viewcart', 'products' => product_list()]));
});

test('shop: checkout with a sold-out or unmapped product is refused with its name', function (): void {
    $http = fake_bridge(file_state());
    $http->on('#product_id=7$#', 200, capacity('7', false, 'full'));
    $http->on('#product_id=8$#', 404, ['error' => ['code' => 'not_found', 'message' => 'plan for product 8 not found.']]);
    $errors = Module::capacityGate()->checkoutErrors([7, 8, 9, 20, 7]);
    assert_same(2, count($errors));
    assert_contains('VPS HA M is sold out right now', $errors[0]);
    assert_contains('VPS HA L is sold out right now', $errors[1]);
    assert_contains('remove it from your cart', $errors[0]);
});

test('shop: answers are cached a minute; a bridge that cannot be asked does not stop sales', function (): void {
    $now = TEST_NOW;
    $http = fake_bridge(file_state());
    Module::use(clock: static function () use (&$now): int {
        return $now;
    });
    $http->on('#product_id=7$#', 200, capacity('7', false, 'full'));
    $http->on('#product_id=7$#', 200, capacity('7', true));
    assert_same(1, count(Module::capacityGate()->checkoutErrors([7])));
    $now += 59;
    assert_same(1, count(Module::capacityGate()->checkoutErrors([7])), 'still the cached answer');
    assert_same(1, count($http->sent));
    $now += 2;
    assert_same([], Module::capacityGate()->checkoutErrors([7]), 'asked again after a minute');
    $http->failOn('#product_id=7$#', 'Connection refused');
    $now += 61;
    assert_same([], Module::capacityGate()->checkoutErrors([7]), 'unknown sells');
});

test('product settings: the first field tells whether the bridge has a plan and can sell', function (): void {
    $http = fake_bridge(file_state());
    $http->on('#product_id=7$#', 200, capacity('7', true, null, 11));
    $fields = ovirtha_ConfigOptions(['pid' => 7]);
    assert_contains('The bridge has a plan for product 7 and can sell it: 11 more fit.', $fields['Bridge product id']['Description']);
    $http->on('#product_id=8$#', 404, ['error' => ['code' => 'not_found', 'message' => 'plan for product 8 not found.']]);
    $_SERVER['SCRIPT_NAME'] = '/admin/configproducts.php';
    $_REQUEST['id'] = '8';
    $fields = ovirtha_ConfigOptions();
    unset($_SERVER['SCRIPT_NAME']);
    assert_contains(
        'No bridge plan is mapped to product 8: '
        . 'create one in the bridge admin console (http://bridge.test:3000/admin/plans) with product id 8.',
        $fields['Bridge product id']['Description'],
    );
    $http->on('#product_id=9$#', 200, capacity('9', false, 'the failover reserve of host2 would be exceeded'));
    assert_contains(
        'cannot sell another now: the failover reserve of host2 would be exceeded',
        ovirtha_ConfigOptions(['pid' => 9])['Bridge product id']['Description'],
    );
});
