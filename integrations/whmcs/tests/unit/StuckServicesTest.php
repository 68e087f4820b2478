<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Module;

/** A bridge service as GET /api/v1/services lists it. */
function listed(string $id, string $state, array $overrides = []): array
{
    return $overrides + [
        'service_id' => $id, 'client_id' => '55', 'product_id' => '7', 'desired_state' => 'active', 'actual_state' => $state,
        'last_error' => null, 'waiting_since' => null,
        'created_at' => gmdate('Y-m-d\TH:i:s.000\Z', TEST_NOW - 7200), 'updated_at' => gmdate('Y-m-d\TH:i:s.000\Z', TEST_NOW - 7200),
    ];
}

function iso(int $secondsAgo): string
{
    return gmdate('Y-m-d\TH:i:s.000\Z', TEST_NOW - $secondsAgo);
}

function run_cron(): mixed
{
    load_hooks();
    return run_hook('AfterCronJob', []);
}

function admin_emails(): array
{
    return array_values(array_filter(
        WhmcsStub::$localApiCalls,
        static fn ($c) => $c['command'] === 'SendAdminEmail' && empty($c['failed']),
    ));
}

function stuck_state(): FileState
{
    $services = [];
    foreach ([1001, 1002, 1003, 1004, 1005] as $id) {
        $services[$id] = ['userid' => 55, 'pid' => 7, 'status' => 'Active', 'updated_at' => '2026-11-26 10:00:00'];
    }
    return file_state($services);
}

test('cron: failed services and ones provisioning for over 30 minutes are told to the admins, once', function (): void {
    $state = stuck_state();
    $http = fake_bridge($state);
    $http->always('#^GET /api/v1/services\?#', 200, ['services' => [
        listed('1001', 'failed', ['last_error' => 'The engine does not know template "debian-13"']),
        listed('1002', 'provisioning', ['waiting_since' => iso(45 * 60), 'last_error' => 'retrying: the engine answered 500']),
        listed('1003', 'provisioning', ['waiting_since' => iso(10 * 60)]),
        listed('1004', 'pending', ['waiting_since' => iso(31 * 60)]),
        listed('9999', 'failed'),
    ], 'next_cursor' => null]);

    $lines = (array) run_cron();
    assert_same(3, count($lines), 'three told: ' . json_encode($lines));
    $query = (string) parse_url($http->last()['url'], PHP_URL_QUERY);
    assert_same('actual_state=pending%2Cprovisioning%2Cfailed&limit=200', $query);
    $emails = admin_emails();
    assert_same(1, count($emails), 'one email per run');
    assert_same('oVirt HA Bridge: 3 VPS orders stuck or failed', $emails[0]['data']['customsubject']);
    $body = $emails[0]['data']['custommessage'];
    assert_contains(
        'service #1001 (client #55, product 7): the bridge could not build its VPS: '
        . 'The engine does not know template &quot;debian-13&quot;',
        $body,
    );
    assert_contains('press Create on the service', $body);
    assert_contains(
        'service #1002 (client #55, product 7): its VPS is still provisioning after 45 minutes (bridge: retrying: the engine answered 500)',
        $body,
    );
    assert_contains('service #1004', $body);
    assert_contains('clientsservices.php?userid=55&amp;id=1001', $body);
    assert_not_contains('#1003', $body, 'not stuck yet');
    assert_not_contains('#9999', $body, 'not a WHMCS service');
    assert_same(3, count(array_filter(WhmcsStub::$activity, static fn ($a) => str_contains($a, 'oVirt HA Bridge: service #'))));

    // The next cron runs: nothing new, nothing sent.
    assert_same([], run_cron());
    assert_same(1, count(admin_emails()));
});

test('cron: a new episode of the same service is told again; a failure the callback already emailed is not', function (): void {
    $state = stuck_state();
    $http = fake_bridge($state);
    $http->on('#^GET /api/v1/services\?#', 200, [
        'services' => [listed('1002', 'provisioning', ['waiting_since' => iso(40 * 60)])],
        'next_cursor' => null,
    ]);
    assert_same(1, count((array) run_cron()));
    // A new order attempt: its job was queued later, so it is a new episode.
    $http->on('#^GET /api/v1/services\?#', 200, [
        'services' => [listed('1002', 'provisioning', ['waiting_since' => iso(31 * 60 - 5)])],
        'next_cursor' => null,
    ]);
    assert_same(1, count((array) run_cron()));

    // service.failed reached WHMCS: the admins have its email, the cron does not repeat it.
    $body = callback_body('service.failed', ['service_id' => '1005', 'actual_state' => 'failed', 'error' => 'no template']);
    assert_same(200, callback_handler($state)->handle('POST', signed($body, 'cb_fail_5'), $body)->status);
    $http->on('#^GET /api/v1/services\?#', 200, [
        'services' => [listed('1005', 'failed', ['last_error' => 'no template'])],
        'next_cursor' => null,
    ]);
    assert_same([], run_cron());
    assert_same(3, count(admin_emails()), 'two from the cron, one from the callback');
});

test('cron: pages through the bridge\'s list; a failing email is tried again next run; '
    . 'a bridge that cannot be asked is logged', function (): void {
    $state = stuck_state();
    $http = fake_bridge($state);
    $http->on(
        '#^GET /api/v1/services\?actual_state=[^&]+&limit=200$#',
        200,
        ['services' => [listed('1001', 'failed')], 'next_cursor' => '17'],
    );
    $http->on('#cursor=17#', 200, ['services' => [listed('1002', 'failed')], 'next_cursor' => null]);
    WhmcsStub::$localApiFailures['SendAdminEmail'] = 1;
    assert_same([], run_cron());
    assert_same(0, count(admin_emails()));
    assert_contains('could not email the admins', end(WhmcsStub::$activity));

    $http->on(
        '#^GET /api/v1/services\?actual_state=[^&]+&limit=200$#',
        200,
        ['services' => [listed('1001', 'failed')], 'next_cursor' => '17'],
    );
    $http->on('#cursor=17#', 200, ['services' => [listed('1002', 'failed')], 'next_cursor' => null]);
    assert_same(2, count((array) run_cron()), 'told at the next run');
    assert_same(1, count(admin_emails()));

    $http->on('#^GET /api/v1/services\?#', 401, ['error' => ['code' => 'unauthorized', 'message' => 'The API key is missing or wrong.']]);
    assert_same([], run_cron());
    assert_contains(
        'the cron could not ask the bridge for stuck or failed orders: oVirt HA Bridge: the bridge refused the API key',
        end(WhmcsStub::$activity),
    );
});
