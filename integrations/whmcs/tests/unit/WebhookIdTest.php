<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\ServiceGeneration;
use WHMCS\Module\Server\Ovirtha\WebhookId;

test('webhook id: whmcs_<action>_<serviceid>_<16 hex>, within what the bridge accepts', function (): void {
    $id = WebhookId::for('suspend', '1001', ['service_id' => '1001', 'reason' => 'Overdue'], 'updated_at:2026-11-26 10:00:00');
    assert_matches('/^whmcs_suspend_1001_[0-9a-f]{16}$/', $id);
    $long = WebhookId::for('changepackage', str_repeat('9', 48), ['service_id' => str_repeat('9', 48)], 'g');
    assert_matches('/^[A-Za-z0-9_-]{1,64}$/', $long);
});

test('webhook id: the same action on the same unchanged service is the same delivery', function (): void {
    $a = WebhookId::for('create', '1001', ['service_id' => '1001', 'client_id' => '55', 'product_id' => '7'], 'updated_at:x');
    $b = WebhookId::for('create', '1001', ['product_id' => '7', 'service_id' => '1001', 'client_id' => '55'], 'updated_at:x');
    assert_same($a, $b, 'key order does not matter');
});

test('webhook id: another generation, other data or another action is a new delivery', function (): void {
    $base = WebhookId::for('suspend', '1001', ['service_id' => '1001'], 'updated_at:1');
    assert_true(
        $base !== WebhookId::for('suspend', '1001', ['service_id' => '1001'], 'updated_at:2'),
        'a suspend after an unsuspend is new',
    );
    assert_true(
        $base !== WebhookId::for('suspend', '1001', ['service_id' => '1001', 'reason' => 'Abuse'], 'updated_at:1'),
        'another reason is new',
    );
    assert_true($base !== WebhookId::for('unsuspend', '1001', ['service_id' => '1001'], 'updated_at:1'), 'another action is new');
    assert_true($base !== WebhookId::for('suspend', '1002', ['service_id' => '1002'], 'updated_at:1'), 'another service is new');
});

test('generation: updated_at from the service model, a DateTime or the database; else unique', function (): void {
    assert_same('updated_at:2026-11-26 10:00:00', ServiceGeneration::of(params(), null));
    $carbonLike = new DateTimeImmutable('2026-11-26 10:00:00.250000', new DateTimeZone('UTC'));
    assert_same(
        'updated_at:2026-11-26 10:00:00.250000',
        ServiceGeneration::of(params(['model' => (object) ['updated_at' => $carbonLike]]), null),
    );
    $state = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active', 'updated_at' => '2026-11-27 08:00:00']]);
    assert_same('updated_at:2026-11-27 08:00:00', ServiceGeneration::of(params(['model' => null]), $state));
    $a = ServiceGeneration::of(params(['model' => (object) ['updated_at' => '0000-00-00 00:00:00']]), null);
    $b = ServiceGeneration::of(params(['model' => null]), null);
    assert_matches('/^unique:/', $a);
    assert_true($a !== $b, 'unknown generations never repeat');
});
