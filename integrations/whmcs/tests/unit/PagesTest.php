<?php

declare(strict_types=1);

function uptime_answer(array $overrides = []): array
{
    return $overrides + [
        'service_id' => '1001', 'client_id' => '55', 'state' => 'active', 'vm_status' => 'up', 'active_since' => '2026-11-01T10:00:00.000Z',
        'plan' => [
            'product_id' => '7', 'name' => 'VPS HA M', 'sla_target_percent' => 99.9, 'time_zone' => 'UTC', 'unknown_counts_as_down' => true,
        ],
        'windows' => ['30d' => [
            'uptime_percent' => 99.99649, 'measured_seconds' => 2592000,
            'down_seconds' => 91, 'unknown_seconds' => 0, 'excluded_seconds' => 0,
        ]],
        'incidents' => [
            [
                'id' => 1, 'cause' => 'ha_restart', 'counts_as' => 'down',
                'started_at' => '2026-11-20T03:12:04.000Z', 'ended_at' => '2026-11-20T03:13:35.000Z', 'duration_seconds' => 91,
                'summary' => 'Host host2 failed at 03:12:04; your VPS was restarted on host3 at 03:13:35; down 1 min 31 s',
            ],
            [
                'id' => 2, 'cause' => 'planned', 'counts_as' => 'excluded',
                'started_at' => '2026-11-25T00:00:00.000Z', 'ended_at' => '2026-11-25T00:05:00.000Z', 'duration_seconds' => 300,
                'summary' => 'Suspended',
            ],
            [
                'id' => 0, 'cause' => 'crash', 'counts_as' => 'down',
                'started_at' => '2026-11-02T00:00:00.000Z', 'ended_at' => '2026-11-02T00:00:30.000Z', 'duration_seconds' => 30,
                'summary' => 'older',
            ],
        ],
    ];
}

test('client area: state, 30-day uptime and the last outage, with the SSO link to the history', function (): void {
    $http = fake_bridge();
    $http->on('#^GET /api/v1/services/1001/uptime$#', 200, uptime_answer());
    $out = ovirtha_ClientArea(params());
    assert_same('templates/clientarea.tpl', $out['tabOverviewModuleOutputTemplate']);
    assert_true(is_file(__DIR__ . '/../../modules/servers/ovirtha/' . $out['tabOverviewModuleOutputTemplate']), 'the template exists');
    assert_subset([
        'available' => true, 'state' => 'active', 'state_label' => 'Running', 'uptime_30d' => '99.99', 'sla_target' => '99.9',
        'history_url' => 'clientarea.php?action=productdetails&id=1001&dosinglesignon=1',
        'last_incident' => [
            'cause' => 'Host failure, restarted on another host', 'duration' => '1 min 31 s', 'started_at' => '2026-11-20T03:12:04.000Z',
        ],
    ], $out['templateVariables']['ovirtha']);
});

test('client area: a VPS not on the bridge yet, and a bridge that cannot be reached, say so kindly', function (): void {
    $http = fake_bridge();
    $http->on('#/uptime$#', 404, ['error' => ['code' => 'not_found', 'message' => 'service 1001 not found.']]);
    $vars = ovirtha_ClientArea(params())['templateVariables']['ovirtha'];
    assert_same(false, $vars['available']);
    assert_contains('being set up', $vars['error']);
    $http->failOn('#/uptime$#', 'Connection refused');
    assert_same('Uptime figures are not available right now.', ovirtha_ClientArea(params())['templateVariables']['ovirtha']['error']);
});

test('client area: uptime is never rounded up, and not yet measured shows as such', function (): void {
    $http = fake_bridge();
    $http->on('#/uptime$#', 200, uptime_answer(['windows' => ['30d' => ['uptime_percent' => 99.9999]]]));
    assert_same('99.99', ovirtha_ClientArea(params())['templateVariables']['ovirtha']['uptime_30d']);
    $http->on('#/uptime$#', 200, uptime_answer(['windows' => ['30d' => ['uptime_percent' => 100]], 'incidents' => []]));
    $vars = ovirtha_ClientArea(params())['templateVariables']['ovirtha'];
    assert_same('100', $vars['uptime_30d']);
    assert_same(null, $vars['last_incident']);
    $http->on('#/uptime$#', 200, uptime_answer(['windows' => ['30d' => ['uptime_percent' => null]]]));
    assert_same(null, ovirtha_ClientArea(params())['templateVariables']['ovirtha']['uptime_30d']);
});

test('single sign-on: the bridge\'s one-time link for the service\'s own client', function (): void {
    $http = fake_bridge();
    $http->on('#^POST /api/v1/services/1001/sso$#', 201, [
        'url' => 'http://bridge.test/client/sso?token=abc',
        'expires_at' => '2026-11-26T10:01:00.000Z',
    ]);
    assert_same(['success' => true, 'redirectTo' => 'http://bridge.test/client/sso?token=abc'], ovirtha_ServiceSingleSignOn(params()));
    assert_same(['client_id' => '55'], json_decode((string) $http->last()['body'], true));
});

test('single sign-on: the customer reads a plain sentence; the bridge\'s code and the admin\'s words go to the logs', function (): void {
    $http = fake_bridge();
    $http->on('#/sso$#', 422, ['error' => ['code' => 'client_mismatch', 'message' => 'Service 1001 belongs to another client.']]);
    $failed = ovirtha_ServiceSingleSignOn(params());
    assert_same(false, $failed['success']);
    assert_same(\WHMCS\Module\Server\Ovirtha\SingleSignOn::UNAVAILABLE, $failed['errorMsg']);
    $activity = implode("\n", WhmcsStub::$activity);
    assert_contains('single sign-on for service #1001 failed', $activity);
    assert_contains('client_mismatch', $activity);
    $outcome = end(WhmcsStub::$moduleLog);
    assert_contains('client_mismatch', (string) $outcome['response'], 'module log');

    foreach ([
        [401, ['error' => ['code' => 'unauthorized', 'message' => 'The API key is missing or wrong.']]],
        [429, ['error' => ['code' => 'too_many_requests', 'message' => 'slow down']]],
        [500, 'oops'],
    ] as [$status, $body]) {
        $http->on('#/sso$#', $status, $body);
        $msg = ovirtha_ServiceSingleSignOn(params())['errorMsg'];
        foreach (['BILLING_API_KEY', 'bridge', 'HTTP', (string) $status, 'Password', 'oVirt HA Bridge:'] as $word) {
            assert_not_contains($word, $msg, "HTTP {$status}");
        }
    }
    assert_contains('the bridge refused the API key', implode("\n", WhmcsStub::$activity));
    $http->on('#/sso$#', 404, ['error' => ['code' => 'not_found', 'message' => 'service 1001 not found.']]);
    assert_same(\WHMCS\Module\Server\Ovirtha\SingleSignOn::NOT_YET, ovirtha_ServiceSingleSignOn(params())['errorMsg']);
    $http->failOn('#/sso$#', 'Operation timed out after 5000 milliseconds');
    assert_same(\WHMCS\Module\Server\Ovirtha\SingleSignOn::UNAVAILABLE, ovirtha_ServiceSingleSignOn(params())['errorMsg']);
    assert_contains('cannot reach the bridge at http://bridge.test:3000', end(WhmcsStub::$activity));
    $logged = array_map(static fn ($e) => [$e['request'], $e['response'], $e['processed']], WhmcsStub::$moduleLog);
    assert_not_contains(TEST_API_KEY, (string) json_encode($logged), 'the key is masked');
});

test('customer pages and the shop wait 5 seconds at most for the bridge; admin actions 15', function (): void {
    $http = fake_bridge();
    $http->always('#/uptime$#', 200, uptime_answer());
    $http->always('#/sso$#', 201, ['url' => 'http://bridge.test/client/sso?token=abc', 'expires_at' => 'x']);
    $http->always('#^GET /api/v1/capacity#', 200, [
        'product_id' => '7',
        'can_sell' => true,
        'headroom' => 3,
        'headroom_at_least' => false,
        'reason' => null,
    ]);
    $http->always('#^GET /api/v1/services/1001$#', 200, ['service_id' => '1001']);
    ovirtha_ClientArea(params());
    assert_same(5, $http->last()['timeout'], 'ClientArea');
    ovirtha_ServiceSingleSignOn(params());
    assert_same(5, $http->last()['timeout'], 'ServiceSingleSignOn');
    \WHMCS\Module\Server\Ovirtha\Module::capacityGate()->forProduct(7);
    assert_same(5, $http->last()['timeout'], 'the shop');
    ovirtha_AdminServicesTabFields(params());
    assert_same(15, $http->last()['timeout'], 'the admin tab');
});

test('admin tab: desired and actual state, VM, last error, escaped', function (): void {
    $http = fake_bridge();
    $http->on('#^GET /api/v1/services/1001$#', 200, [
        'service_id' => '1001', 'client_id' => '55', 'product_id' => '7', 'hostname' => 'vps1001.example.net',
        'desired_state' => 'active', 'actual_state' => 'failed',
        'vm' => ['id' => 'f00', 'name' => 'vps-1001', 'host' => 'host2'], 'cancellation' => null,
        'last_error' => 'template <debian-13> not found', 'created_at' => 'c', 'updated_at' => 'u',
    ]);
    $fields = ovirtha_AdminServicesTabFields(params());
    assert_same('active', $fields['Bridge desired state']);
    assert_contains('failed', $fields['Bridge actual state']);
    assert_same('vps-1001 on host2 (id f00)', $fields['Bridge VM']);
    assert_same('template &lt;debian-13&gt; not found', $fields['Bridge last error']);
    $http->on('#^GET /api/v1/services/1001$#', 401, ['error' => ['code' => 'unauthorized', 'message' => 'key']]);
    assert_contains('the bridge refused the API key', ovirtha_AdminServicesTabFields(params())['oVirt HA Bridge']);
});

test('test connection: reachable, key, secret, database and engine, or the first thing to fix', function (): void {
    $ready = ['ready' => true, 'status' => 'ready', 'checks' => ['database' => ['ok' => true], 'engine' => ['ok' => true]]];
    $list = ['services' => [], 'next_cursor' => null];
    $http = fake_bridge();
    $http->on('#^GET /readyz$#', 200, $ready)
        ->on('#^GET /api/v1/services\?#', 200, $list)
        ->on('#^POST /webhooks/billing/verify$#', 204, '');
    assert_same(['success' => true, 'error' => ''], ovirtha_TestConnection(params()));

    $http->on('#^GET /readyz$#', 200, $ready)->on('#^GET /api/v1/services\?#', 401, []);
    assert_contains('the bridge refused the API key', ovirtha_TestConnection(params())['error']);

    $http->on('#^GET /readyz$#', 200, $ready)
        ->on('#^GET /api/v1/services\?#', 200, $list)
        ->on('#^POST /webhooks/billing/verify$#', 401, []);
    assert_contains('the bridge refused the signature', ovirtha_TestConnection(params())['error']);

    $engineDown = ['ready' => true, 'status' => 'ready', 'checks' => [
        'database' => ['ok' => true],
        'engine' => ['ok' => false, 'detail' => 'connection refused by engine.example.net:443'],
    ]];
    $http->on('#^GET /readyz$#', 200, $engineDown)
        ->on('#^GET /api/v1/services\?#', 200, $list)
        ->on('#^POST /webhooks/billing/verify$#', 204, '');
    $result = ovirtha_TestConnection(params());
    assert_same(false, $result['success']);
    assert_contains('the oVirt engine does not answer the bridge: connection refused by engine.example.net:443', $result['error']);

    $dbDown = ['ready' => false, 'status' => 'not_ready', 'checks' => [
        'database' => ['ok' => false, 'detail' => 'connect ECONNREFUSED 127.0.0.1:3306'],
        'engine' => ['ok' => true],
    ]];
    $http->on('#^GET /readyz$#', 503, $dbDown);
    assert_contains('the bridge cannot reach its database: connect ECONNREFUSED', ovirtha_TestConnection(params())['error']);

    $http->failOn('#^GET /readyz$#', 'Could not resolve host: bridge.test');
    assert_contains(
        'cannot reach the bridge at http://bridge.test:3000 (Could not resolve host: bridge.test)',
        ovirtha_TestConnection(params())['error'],
    );

    $missing = ['error' => ['code' => 'not_found', 'message' => 'Nothing here: POST /webhooks/billing/verify']];
    $http->on('#^GET /readyz$#', 200, $ready)
        ->on('#^GET /api/v1/services\?#', 200, $list)
        ->on('#^POST /webhooks/billing/verify$#', 404, $missing);
    assert_contains(
        'this bridge does not offer /webhooks/billing/verify yet: update the bridge',
        ovirtha_TestConnection(params())['error'],
    );
});

test('test connection sends no webhook: only reads and the signature check, signed with the Access Hash', function (): void {
    $http = fake_bridge();
    $http->on('#^GET /readyz$#', 200, [
        'ready' => true,
        'status' => 'ready',
        'checks' => ['database' => ['ok' => true], 'engine' => ['ok' => true]],
    ])
        ->on('#^GET /api/v1/services\?#', 200, ['services' => [], 'next_cursor' => null])
        ->on('#^POST /webhooks/billing/verify$#', 204, '');
    assert_same(true, ovirtha_TestConnection(params())['success']);
    assert_same(
        ['GET /readyz', 'GET /api/v1/services', 'POST /webhooks/billing/verify'],
        array_map(static fn ($s) => $s['method'] . ' ' . parse_url($s['url'], PHP_URL_PATH), $http->sent),
    );
    assert_same([], $http->sentTo('POST', '#^/webhooks/billing$#'));
    assert_same('Bearer ' . TEST_API_KEY, $http->sent[1]['headers']['Authorization']);
    $verify = $http->sent[2];
    assert_same(null, \WHMCS\Module\Server\Ovirtha\Signature::problem(
        [TEST_WEBHOOK_SECRET],
        $verify['headers']['webhook-id'],
        $verify['headers']['webhook-timestamp'],
        $verify['headers']['webhook-signature'],
        (string) $verify['body'],
        TEST_NOW,
    ));
});

/** GET /api/v1/services/1001 as the bridge answers it once the VPS has addresses. */
function service_answer(array $overrides = []): array
{
    return $overrides + [
        'service_id' => '1001', 'client_id' => '55', 'product_id' => '7', 'hostname' => 'vps1001.example.net',
        'desired_state' => 'active', 'actual_state' => 'active',
        'vm' => ['id' => 'a1', 'name' => 'vps-1001', 'host' => 'engine-host-7.dc.internal'],
        'network' => [
            'ipv4' => ['192.0.2.10'], 'ipv6' => ['2001:db8:1:5::1/64'], 'gateway_v4' => '192.0.2.1', 'gateway_v6' => '2001:db8:1::1',
            'netmask_v4' => '255.255.255.0', 'dns' => ['192.0.2.53'],
        ],
        'os' => ['key' => 'debian-12', 'label' => 'Debian 12'],
        'username' => 'root',
    ];
}

test('client area: the VPS\'s host name, addresses, OS and user name, never the engine host', function (): void {
    $http = fake_bridge();
    $http->on('#^GET /api/v1/services/1001/uptime$#', 200, uptime_answer());
    $http->on('#^GET /api/v1/services/1001$#', 200, service_answer());
    $vars = ovirtha_ClientArea(params())['templateVariables']['ovirtha'];
    assert_same([
        'hostname' => 'vps1001.example.net',
        'os' => 'Debian 12',
        'username' => 'root',
        'ipv4' => ['192.0.2.10'],
        'ipv6' => ['2001:db8:1:5::1/64'],
    ], $vars['vps']);
    assert_not_contains('engine-host-7', (string) json_encode($vars), 'the engine\'s host is not for customers');
    assert_same(5, $http->last()['timeout'], 'a customer page: 5 seconds at most');
});

test('client area: no pool, an OS without a label, or a failed read: the box still shows what it can', function (): void {
    $http = fake_bridge();
    $http->on('#/uptime$#', 200, uptime_answer());
    $http->on(
        '#^GET /api/v1/services/1001$#',
        200,
        service_answer(['network' => null, 'os' => ['key' => 'rocky-9', 'label' => null], 'hostname' => null]),
    );
    $vars = ovirtha_ClientArea(params())['templateVariables']['ovirtha'];
    assert_same(['hostname' => null, 'os' => 'rocky-9', 'username' => 'root', 'ipv4' => [], 'ipv6' => []], $vars['vps']);

    $http->on('#/uptime$#', 200, uptime_answer());
    $http->failOn('#^GET /api/v1/services/1001$#', 'Operation timed out after 5000 milliseconds');
    $vars = ovirtha_ClientArea(params())['templateVariables']['ovirtha'];
    assert_same(true, $vars['available']);
    assert_same(null, $vars['vps']);

    // The uptime read failed: the page does not wait a second time.
    $before = count($http->sent);
    $http->failOn('#/uptime$#', 'Connection refused');
    ovirtha_ClientArea(params());
    assert_same($before + 1, count($http->sent));
});

test('client area template: shows the addresses, OS, user name and host name, escaped, and no password', function (): void {
    $tpl = (string) file_get_contents(__DIR__ . '/../../modules/servers/ovirtha/templates/clientarea.tpl');
    foreach ([
        '$ovirtha.vps.hostname|escape',
        '$ip|escape',
        '$ovirtha.vps.os|escape',
        '$ovirtha.vps.username|escape',
        'id="ovirthaIpv4"',
        'id="ovirthaIpv6"',
    ] as $needle) {
        assert_contains($needle, $tpl);
    }
    assert_not_contains('password', strtolower(preg_replace('/\{\*.*?\*\}/s', '', $tpl) ?? ''), 'the box never shows a password');
    assert_same(0, preg_match('/\{\$(?!ovirtha\.history_url)[^}|]*\}/', $tpl), 'every value goes through |escape');
});
