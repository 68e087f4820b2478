<?php

declare(strict_types=1);

function load_hooks(): void
{
    require __DIR__ . '/../../modules/servers/ovirtha/hooks.php';
}

function run_hook(string $point, array $vars): mixed
{
    $hook = WhmcsStub::$hooks[$point][0] ?? throw new RuntimeException("no {$point} hook");
    return ($hook['fn'])($vars);
}

test('hooks.php registers the order form, checkout and cron hooks', function (): void {
    load_hooks();
    assert_same(['ClientAreaPageCart', 'ShoppingCartValidateCheckout', 'AfterCronJob'], array_keys(WhmcsStub::$hooks));
});

test('hooks: checkout reads the cart from the session and refuses a sold-out product', function (): void {
    $http = fake_bridge(file_state());
    $http->on('#product_id=7$#', 200, [
        'product_id' => '7',
        'can_sell' => false,
        'headroom' => 0,
        'headroom_at_least' => false,
        'reason' => 'full',
    ]);
    load_hooks();
    $_SESSION['cart'] = ['products' => [['pid' => '7', 'domain' => 'vps9.example.net', 'billingcycle' => 'monthly'], ['pid' => 20]]];
    $errors = run_hook('ShoppingCartValidateCheckout', ['a' => 'checkout', 'submit' => 'true']);
    assert_same(1, count($errors));
    assert_contains('VPS HA M is sold out right now', $errors[0]);
});

test('hooks: a failing store or bridge never breaks the order form', function (): void {
    load_hooks();
    // No store installed: the real Capsule store fails outside WHMCS, and the hooks must swallow it.
    assert_same([], run_hook('ClientAreaPageCart', ['templatefile' => 'products', 'products' => [['pid' => 7]]]));
    $_SESSION['cart'] = ['products' => [['pid' => 7]]];
    assert_same([], run_hook('ShoppingCartValidateCheckout', []));
    assert_true(count(WhmcsStub::$activity) === 2, 'both failures are in the activity log');
});
