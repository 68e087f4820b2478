<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Signature;

function accepted(string $type = 'service.create'): array
{
    return [
        'webhook_id' => 'x',
        'type' => $type,
        'applied' => true,
        'service_id' => '1001',
        'desired_state' => 'active',
        'actual_state' => 'pending',
        'status_url' => 'http://bridge.test/api/v1/services/1001',
    ];
}

function bridge_error(string $code, string $message, array $details = []): array
{
    return ['error' => ['code' => $code, 'message' => $message, 'request_id' => 'r1'] + ($details ? ['details' => $details] : [])];
}

/** A bridge that knows the API key: reading service 1001 answers 404 (not created yet). */
function key_ok(FakeTransport $http): FakeTransport
{
    return $http->always('#^GET /api/v1/services/1001$#', 404, bridge_error('not_found', 'service 1001 not found.'));
}

test('create: one signed service.create with the WHMCS ids, and success', function (): void {
    $http = key_ok(fake_bridge());
    $http->on('#^POST /webhooks/billing$#', 202, accepted());
    assert_same('success', ovirtha_CreateAccount(params()));
    $sent = $http->last();
    assert_same('http://bridge.test:3000/webhooks/billing', $sent['url']);
    assert_same([
        'type' => 'service.create',
        'data' => [
            'service_id' => '1001',
            'client_id' => '55',
            'product_id' => '7',
            'hostname' => 'vps1001.example.net',
            'password' => 'Gen3r4tedPw',
        ],
    ], json_decode((string) $sent['body'], true));
    $h = $sent['headers'];
    assert_matches('/^whmcs_create_1001_[0-9a-f]{16}$/', $h['webhook-id']);
    assert_same((string) TEST_NOW, $h['webhook-timestamp']);
    assert_same(null, Signature::problem(
        [TEST_WEBHOOK_SECRET],
        $h['webhook-id'],
        $h['webhook-timestamp'],
        $h['webhook-signature'],
        (string) $sent['body'],
        TEST_NOW,
    ), 'the bridge can verify it');
    assert_same('application/json', $h['Content-Type']);
});

test('create: a retry is the same delivery, byte for byte; after WHMCS recorded a change it is a new one', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    ovirtha_CreateAccount(params());
    ovirtha_CreateAccount(params());
    [$first, $retry] = $http->sentTo('POST', '#^/webhooks/billing$#');
    assert_same($first['headers']['webhook-id'], $retry['headers']['webhook-id']);
    assert_same($first['body'], $retry['body']);
    ovirtha_CreateAccount(params(['model' => (object) ['updated_at' => '2026-11-26 10:05:00']]));
    assert_true($http->last()['headers']['webhook-id'] !== $first['headers']['webhook-id'], 'new generation, new id');
});

test('create: a domain that is no host name is left out; the bridge product id may be overridden', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    ovirtha_CreateAccount(params(['domain' => 'my server!', 'configoption1' => 'ha-m']));
    assert_same(
        ['service_id' => '1001', 'client_id' => '55', 'product_id' => 'ha-m', 'password' => 'Gen3r4tedPw'],
        json_decode((string) $http->last()['body'], true)['data'],
    );
    ovirtha_CreateAccount(params(['domain' => 'VPS7.Example.NET ']));
    assert_same('vps7.example.net', json_decode((string) $http->last()['body'], true)['data']['hostname']);
});

test('suspend, unsuspend, terminate, change package and renew send their events', function (): void {
    $http = fake_bridge();
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    assert_same('success', ovirtha_SuspendAccount(params(['suspendreason' => 'Overdue on Payment'])));
    assert_same('success', ovirtha_UnsuspendAccount(params()));
    assert_same('success', ovirtha_ChangePackage(params(['pid' => 8])));
    assert_same('success', ovirtha_Renew(params()));
    assert_same('success', ovirtha_TerminateAccount(params()));
    assert_same('success', ovirtha_SuspendAccount(params(['suspendreason' => ''])));
    $bodies = array_map(static fn ($s) => json_decode((string) $s['body'], true), $http->sent);
    assert_same([
        ['type' => 'service.suspend', 'data' => ['service_id' => '1001', 'reason' => 'Overdue on Payment']],
        ['type' => 'service.unsuspend', 'data' => ['service_id' => '1001']],
        ['type' => 'service.change_plan', 'data' => ['service_id' => '1001', 'product_id' => '8']],
        ['type' => 'service.renew', 'data' => ['service_id' => '1001', 'next_due_date' => '2026-12-26']],
        ['type' => 'service.terminate', 'data' => ['service_id' => '1001']],
        ['type' => 'service.suspend', 'data' => ['service_id' => '1001']],
    ], $bodies);
    $ids = array_map(static fn ($s) => $s['headers']['webhook-id'], $http->sent);
    assert_matches('/^whmcs_suspend_1001_/', $ids[0]);
    assert_matches('/^whmcs_changepackage_1001_/', $ids[2]);
    assert_same(6, count(array_unique($ids)), 'each a delivery of its own');
});

test('errors come back in words an admin acts on', function (): void {
    $cases = [
        [
            422,
            bridge_error('failover_reserve_exceeded', 'host2 could not be absorbed'),
            'the cluster has no failover room left for this plan',
        ],
        [422, bridge_error('no_capacity', 'no host has room'), 'the cluster has no room left for this plan'],
        [
            422,
            bridge_error('unknown_product', 'No plan is mapped to billing product 7.'),
            'no bridge plan is mapped to this product (create one in the bridge admin console)',
        ],
        [422, bridge_error('unknown_service', 'Service 1001 is not known here'), 'the bridge has no VPS for this service'],
        [422, bridge_error('plan_cluster_mismatch', 'other cluster'), 'cannot move a VPS between clusters'],
        [409, bridge_error('service_conflict', 'another client'), 'for another client'],
        [401, bridge_error('unauthorized', 'The webhook signature does not match.'), 'the bridge refused the signature'],
        [503, bridge_error('service_unavailable', 'engine not answering'), 'the bridge is busy, WHMCS will retry'],
        [
            429,
            bridge_error('too_many_requests', 'Too many refused signature attempts from this address'),
            'the bridge is holding back requests from this WHMCS server',
        ],
        [
            400,
            bridge_error('validation_failed', 'invalid', [['field' => 'data.hostname', 'message' => 'must be a host name']]),
            'data.hostname: must be a host name',
        ],
        [500, bridge_error('internal_error', 'An unexpected error occurred.'), 'the bridge answered HTTP 500'],
        [502, '<html>Bad Gateway</html>', 'the bridge answered HTTP 502'],
    ];
    foreach ($cases as [$status, $body, $words]) {
        $http = key_ok(fake_bridge());
        $http->on('#^POST /webhooks/billing$#', $status, $body);
        $result = ovirtha_CreateAccount(params());
        assert_contains($words, $result, "HTTP {$status}");
        assert_matches('/^oVirt HA Bridge: /', $result);
    }
});

test('an unreachable bridge is named with its address', function (): void {
    $http = fake_bridge();
    $http->failOn('#^POST /webhooks/billing$#', 'Failed to connect to bridge.test port 3000: Connection refused');
    $result = ovirtha_SuspendAccount(params());
    assert_contains('cannot reach the bridge at http://bridge.test:3000', $result);
    assert_contains('Connection refused', $result);
});

test('a server record without the API key says which field to fill, and sends nothing', function (): void {
    $http = fake_bridge();
    $result = ovirtha_CreateAccount(params(['serverpassword' => '']));
    assert_contains('Password', $result);
    assert_contains('BILLING_API_KEY', $result);
    assert_same([], $http->sent);
});

test('every exchange is in the module log with the secrets listed for masking', function (): void {
    $http = key_ok(fake_bridge());
    $http->on('#^POST /webhooks/billing$#', 422, bridge_error('unknown_product', 'no plan'));
    ovirtha_CreateAccount(params());
    $entries = array_values(array_filter(
        WhmcsStub::$moduleLog,
        static fn ($e) => $e['action'] === 'CreateAccount' && str_starts_with($e['request'], 'POST'),
    ));
    assert_true(count($entries) >= 1, 'logged');
    assert_same('ovirtha', $entries[0]['module']);
    assert_contains('POST http://bridge.test:3000/webhooks/billing', $entries[0]['request']);
    assert_contains('HTTP 422', $entries[0]['response']);
    assert_true(
        in_array(TEST_API_KEY, $entries[0]['replace'], true) && in_array(TEST_WEBHOOK_SECRET, $entries[0]['replace'], true),
        'secrets in replaceVars',
    );
    $http->on('#^GET /api/v1/services/1001$#', 200, ['service_id' => '1001']);
    ovirtha_AdminServicesTabFields(params());
    $read = end(WhmcsStub::$moduleLog);
    assert_contains('Authorization: Bearer ***', $read['request'], 'the key is masked');
    assert_not_contains(TEST_API_KEY, $read['request']);
});

test('create: a wrong Password (API key) fails the order before anything is sent, though the Access Hash is right', function (): void {
    $http = fake_bridge();
    $http->on('#^GET /api/v1/services/1001$#', 401, bridge_error('unauthorized', 'The API key is missing or wrong.'));
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    $result = ovirtha_CreateAccount(params());
    assert_contains("the bridge refused the API key: the server's Password must be the bridge's BILLING_API_KEY", $result);
    assert_same([], $http->sentTo('POST', '#^/webhooks/billing$#'), 'no order sent');
    // With the right key: the service read (200 for a service the bridge has) and the create.
    $http->on('#^GET /api/v1/services/1001$#', 200, ['service_id' => '1001', 'actual_state' => 'failed']);
    assert_same('success', ovirtha_CreateAccount(params()));
    assert_same(1, count($http->sentTo('POST', '#^/webhooks/billing$#')));
});

test('a 429 says when to retry from the bridge\'s Retry-After', function (): void {
    $http = key_ok(fake_bridge());
    $http->on(
        '#^POST /webhooks/billing$#',
        429,
        bridge_error('too_many_requests', 'Too many refused signature attempts from this address'),
        ['Retry-After' => '840'],
    );
    $result = ovirtha_SuspendAccount(params());
    assert_contains('retry in 14 minutes', $result);
    assert_not_contains('a few minutes', $result);
    $http->on('#^POST /webhooks/billing$#', 429, bridge_error('too_many_requests', 'Too many webhook requests'), ['Retry-After' => '42']);
    assert_contains('retry in 42 seconds', ovirtha_SuspendAccount(params()));
    $http->on('#^POST /webhooks/billing$#', 429, bridge_error('too_many_requests', 'no header'));
    assert_contains('retry later', ovirtha_SuspendAccount(params()));
});
