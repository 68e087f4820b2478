<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Callback\CallbackActions;
use WHMCS\Module\Server\Ovirtha\Callback\CallbackHandler;
use WHMCS\Module\Server\Ovirtha\Module;
use WHMCS\Module\Server\Ovirtha\Whmcs\WhmcsLocalApi;

function callback_handler(FileState $state): CallbackHandler
{
    return new CallbackHandler($state, $state, new CallbackActions(new WhmcsLocalApi()), static fn (): int => TEST_NOW);
}

function callback_body(string $type, array $data = []): string
{
    return json_encode(['type' => $type, 'timestamp' => '2027-01-15T08:00:00.000Z', 'data' => $data + [
        'service_id' => '1001', 'client_id' => '55', 'product_id' => '7', 'hostname' => 'vps1001.example.net',
        'desired_state' => 'active', 'actual_state' => 'active', 'vm' => ['id' => 'a1', 'name' => 'vps-1001'],
    ]], JSON_UNESCAPED_SLASHES);
}

function commands(): array
{
    return array_map(static fn ($c) => $c['command'], WhmcsStub::$localApiCalls);
}

test('callback: service.active marks the service Active and sends the welcome email, then answers 200', function (): void {
    $state = file_state();
    $body = callback_body('service.active');
    $res = callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(200, $res->status);
    assert_subset(['ok' => true, 'type' => 'service.active', 'service_id' => '1001'], $res->body);
    assert_same([
        ['command' => 'UpdateClientProduct', 'data' => ['serviceid' => 1001, 'status' => 'Active']],
        ['command' => 'SendEmail', 'data' => ['messagename' => 'Hosting Account Welcome Email', 'id' => 1001]],
    ], WhmcsStub::$localApiCalls);
    assert_same('Active', $state->service(1001)?->status);
});

test('callback: a replayed webhook-id does nothing again and says so', function (): void {
    $state = file_state();
    $body = callback_body('service.active');
    $headers = signed($body, 'cb_77');
    assert_same(200, callback_handler($state)->handle('POST', $headers, $body)->status);
    $calls = count(WhmcsStub::$localApiCalls);
    $replay = callback_handler($state)->handle('POST', $headers, $body);
    assert_same(200, $replay->status, 'so a bridge whose first answer was lost stops retrying');
    assert_same(true, $replay->body['duplicate'] ?? null);
    assert_same($calls, count(WhmcsStub::$localApiCalls), 'no second email, no second update');
});

test('callback: forged, stale and unsigned requests are refused before anything is read', function (): void {
    $state = file_state();
    $body = callback_body('service.active');
    $forged = signed($body, 'cb_1', TEST_NOW, 'whsec_' . base64_encode('an attacker\'s guess at the secret'));
    assert_same(401, callback_handler($state)->handle('POST', $forged, $body)->status);
    $tampered = signed($body, 'cb_2');
    assert_same(401, callback_handler($state)->handle('POST', $tampered, str_replace('1001', '1002', $body))->status);
    $stale = callback_handler($state)->handle('POST', signed($body, 'cb_3', TEST_NOW - 301), $body);
    assert_same(401, $stale->status);
    assert_contains('five minutes', $stale->body['error']['message']);
    assert_same(400, callback_handler($state)->handle('POST', ['content-type' => 'application/json'], $body)->status);
    assert_same(405, callback_handler($state)->handle('GET', [], '')->status);
    assert_same([], WhmcsStub::$localApiCalls);
});

test('callback: a bad body is 400, an unknown service 410, an unknown type acknowledged', function (): void {
    $state = file_state();
    foreach ([
        '{not json',
        '{"type":"service.active"}',
        json_encode(['type' => 'service.active', 'data' => ['service_id' => 'abc']]),
    ] as $body) {
        assert_same(400, callback_handler($state)->handle('POST', signed($body, 'cb_' . md5($body)), $body)->status, $body);
    }
    $gone = callback_body('service.active', ['service_id' => '999']);
    assert_same(410, callback_handler($state)->handle('POST', signed($gone, 'cb_gone'), $gone)->status);
    $future = json_encode(['type' => 'service.resized', 'data' => ['service_id' => '1001']]);
    $res = callback_handler($state)->handle('POST', signed($future, 'cb_future'), $future);
    assert_same(200, $res->status);
    assert_same(true, $res->body['ignored']);
    assert_same([], WhmcsStub::$localApiCalls);
});

test('callback: when localAPI fails the answer is 503 and the bridge\'s retry does the work', function (): void {
    $state = file_state();
    $body = callback_body('service.active');
    WhmcsStub::$localApiFailures['SendEmail'] = 1;
    $first = callback_handler($state)->handle('POST', signed($body, 'cb_9'), $body);
    assert_same(503, $first->status);
    assert_same('30', $first->headers['Retry-After']);
    $retry = callback_handler($state)->handle('POST', signed($body, 'cb_9', TEST_NOW + 30), $body);
    assert_same(200, $retry->status);
    assert_true(!isset($retry->body['duplicate']), 'the retry did the work, it was no duplicate');
    $emails = array_filter(WhmcsStub::$localApiCalls, static fn ($c) => $c['command'] === 'SendEmail' && empty($c['failed']));
    assert_same(1, count($emails));
});

test('callback: a delivery being handled by another request is 409 to retry later', function (): void {
    $state = file_state();
    $state->claim('cb_busy', TEST_NOW);
    $body = callback_body('service.active');
    $res = callback_handler($state)->handle('POST', signed($body, 'cb_busy'), $body);
    assert_same(409, $res->status);
    assert_same([], WhmcsStub::$localApiCalls);
});

test('callback: suspended, unsuspended and terminated set the status; closed services and newer decisions win', function (): void {
    $state = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active']]);
    $send = static function (string $type, array $data, string $id) use ($state): int {
        $body = callback_body($type, $data);
        return callback_handler($state)->handle('POST', signed($body, $id), $body)->status;
    };
    assert_same(200, $send('service.suspended', ['desired_state' => 'suspended', 'actual_state' => 'suspended'], 'cb_s'));
    assert_same('Suspended', $state->service(1001)?->status);
    assert_same(200, $send('service.unsuspended', ['desired_state' => 'active'], 'cb_u'));
    assert_same('Active', $state->service(1001)?->status);
    // The panel asked to terminate after this suspension: the late callback changes no status.
    assert_same(200, $send('service.suspended', ['desired_state' => 'terminated', 'actual_state' => 'suspended'], 'cb_s2'));
    assert_same('Active', $state->service(1001)?->status);
    assert_same(200, $send('service.terminated', ['desired_state' => 'terminated', 'actual_state' => 'terminated'], 'cb_t'));
    assert_same('Terminated', $state->service(1001)?->status);
    assert_same(200, $send('service.unsuspended', ['desired_state' => 'active'], 'cb_u2'));
    assert_same('Terminated', $state->service(1001)?->status, 'a closed service is not reopened');
    assert_same(['UpdateClientProduct', 'UpdateClientProduct', 'UpdateClientProduct'], commands());
});

test('callback: service.failed tells the admins why and what to do; no status change', function (): void {
    $state = file_state();
    $body = callback_body('service.failed', [
        'desired_state' => 'active',
        'actual_state' => 'failed',
        'error' => 'template debian-13 does not exist',
    ]);
    assert_same(200, callback_handler($state)->handle('POST', signed($body), $body)->status);
    assert_same(['SendAdminEmail'], commands());
    $email = WhmcsStub::$localApiCalls[0]['data'];
    assert_contains('1001', $email['customsubject']);
    assert_contains('template debian-13 does not exist', $email['custommessage']);
    assert_contains('press Create', $email['custommessage']);
    assert_same('Pending', $state->service(1001)?->status);
});

test('callback: the welcome template is the product\'s; "none" sends none; a service already Active is left', function (): void {
    $state = file_state([1001 => ['userid' => 55, 'pid' => 8, 'status' => 'Active']]);
    $body = callback_body('service.active', ['product_id' => '8']);
    assert_same(200, callback_handler($state)->handle('POST', signed($body), $body)->status);
    assert_same([], WhmcsStub::$localApiCalls);
});

test('callback: the callback secret on the Access Hash\'s second line, of any enabled bridge server', function (): void {
    $callbackSecret = 'whsec_' . base64_encode('a separate CALLBACK_SECRET for callbacks');
    $state = file_state([], [], [
        ['hostname' => 'other-bridge.test', 'password' => 'k', 'accesshash' => 'whsec_' . base64_encode('someone else')],
        ['hostname' => 'bridge.test', 'password' => TEST_API_KEY, 'accesshash' => TEST_WEBHOOK_SECRET . "\n" . $callbackSecret],
    ]);
    $body = callback_body('service.active');
    assert_same(
        401,
        callback_handler($state)->handle('POST', signed($body, 'cb_a'), $body)->status,
        'the webhook secret is not the callback secret here',
    );
    assert_same(200, callback_handler($state)->handle('POST', signed($body, 'cb_b', TEST_NOW, $callbackSecret), $body)->status);
});

test('callback: no bridge server in WHMCS is a 500 that says so', function (): void {
    $file = tempnam(sys_get_temp_dir(), 'ovirtha-state-');
    Tests::$temp[] = $file;
    $state = FileState::create($file, [], [], []);
    $body = callback_body('service.active');
    $res = callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(500, $res->status);
    assert_contains('Setup > Servers', $res->body['error']['message']);
});

test('callback: the endpoint reads headers the way PHP hands them over', function (): void {
    $headers = \WHMCS\Module\Server\Ovirtha\Callback\CallbackEndpoint::headers([
        'HTTP_WEBHOOK_ID' => 'cb_1',
        'HTTP_WEBHOOK_SIGNATURE' => 'v1,x',
        'CONTENT_TYPE' => 'application/json',
        'REQUEST_METHOD' => 'POST',
    ]);
    assert_same(['webhook-id' => 'cb_1', 'webhook-signature' => 'v1,x'], $headers);
    unset($headers);
    Module::reset();
});

test('callback: without a Welcome email setting the VPS gets WHMCS\'s Dedicated/VPS Server Welcome Email, '
    . 'not the shared-hosting one', function (): void {
    assert_same('Dedicated/VPS Server Welcome Email', ovirtha_ConfigOptions()['Welcome email']['Default']);
    $state = file_state([1009 => ['userid' => 55, 'pid' => 9, 'status' => 'Pending']]);
    $body = callback_body('service.active', ['service_id' => '1009', 'product_id' => '9']);
    assert_same(200, callback_handler($state)->handle('POST', signed($body, 'cb_9'), $body)->status);
    $emails = array_values(array_filter(WhmcsStub::$localApiCalls, static fn ($c) => $c['command'] === 'SendEmail'));
    assert_same([['command' => 'SendEmail', 'data' => ['messagename' => 'Dedicated/VPS Server Welcome Email', 'id' => 1009]]], $emails);
});

/** service.active's data as a bridge with an IP pool sends it. */
function active_with_network(array $extra = []): string
{
    return callback_body('service.active', $extra + [
        'network' => [
            'ipv4' => ['192.0.2.10', '192.0.2.11'],
            'ipv6' => ['2001:db8:1:5::1/64'],
            'gateway_v4' => '192.0.2.1',
            'gateway_v6' => '2001:db8:1::1',
            'netmask_v4' => '255.255.255.0',
            'dns' => ['192.0.2.53'],
        ],
        'os' => ['key' => 'debian-12', 'label' => 'Debian 12'],
        'username' => 'root',
    ]);
}

test('callback: service.active writes the addresses and the username into the service before the welcome email', function (): void {
    $state = file_state();
    $body = active_with_network();
    $res = callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(200, $res->status);
    assert_same([
        ['command' => 'UpdateClientProduct', 'data' => [
            'serviceid' => 1001,
            'dedicatedip' => '192.0.2.10',
            'assignedips' => "192.0.2.11\n2001:db8:1:5::1/64",
            'serviceusername' => 'root',
        ]],
        ['command' => 'UpdateClientProduct', 'data' => ['serviceid' => 1001, 'status' => 'Active']],
        ['command' => 'SendEmail', 'data' => ['messagename' => 'Hosting Account Welcome Email', 'id' => 1001]],
    ], WhmcsStub::$localApiCalls, 'the email quotes {$service_dedicated_ip}: the addresses are in before it is sent');
    assert_contains(
        'service details written: addresses 192.0.2.10, 192.0.2.11, 2001:db8:1:5::1/64; username root',
        implode(' | ', $res->body['done']),
    );
});

test('callback: a password the bridge made up is stored as the service password, and told nowhere', function (): void {
    $state = file_state();
    $body = active_with_network(['password' => 'bR1dge-Made-Up-9x']);
    $res = callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(200, $res->status);
    assert_subset(['servicepassword' => 'bR1dge-Made-Up-9x', 'serviceusername' => 'root'], WhmcsStub::$localApiCalls[0]['data']);
    assert_not_contains('bR1dge-Made-Up-9x', (string) json_encode($res->body), 'not in the answer to the bridge');
    assert_not_contains('bR1dge-Made-Up-9x', implode("\n", WhmcsStub::$activity), 'not in the activity log');
    // Without one (WHMCS's own password was used) the service password is left alone.
    $state2 = file_state();
    WhmcsStub::$localApiCalls = [];
    $plain = active_with_network();
    callback_handler($state2)->handle('POST', signed($plain, 'cb_2'), $plain);
    assert_true(!array_key_exists('servicepassword', WhmcsStub::$localApiCalls[0]['data']), 'no password written');
});

test('callback: one IPv4 address and none of IPv6; no pool (network null) leaves the admin\'s addresses alone', function (): void {
    $state = file_state();
    $body = active_with_network(['network' => [
        'ipv4' => ['198.51.100.7'],
        'ipv6' => [],
        'gateway_v4' => null,
        'gateway_v6' => null,
        'netmask_v4' => null,
        'dns' => [],
    ]]);
    callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(
        ['serviceid' => 1001, 'dedicatedip' => '198.51.100.7', 'assignedips' => '', 'serviceusername' => 'root'],
        WhmcsStub::$localApiCalls[0]['data'],
    );

    $state2 = file_state();
    WhmcsStub::$localApiCalls = [];
    $none = active_with_network(['network' => null]);
    callback_handler($state2)->handle('POST', signed($none, 'cb_none'), $none);
    assert_same(['serviceid' => 1001, 'serviceusername' => 'root'], WhmcsStub::$localApiCalls[0]['data'], 'only the username');
});

test('callback: malformed addresses are not written; a closed service gets none', function (): void {
    $state = file_state();
    $body = active_with_network(['network' => [
        'ipv4' => ['192.0.2.10', '<b>x</b>', '2001:db8::1', 7],
        'ipv6' => ['2001:db8:1:5::1/64', 'fe80::1/999', '192.0.2.9'],
    ]]);
    callback_handler($state)->handle('POST', signed($body), $body);
    assert_same(
        ['serviceid' => 1001, 'dedicatedip' => '192.0.2.10', 'assignedips' => '2001:db8:1:5::1/64', 'serviceusername' => 'root'],
        WhmcsStub::$localApiCalls[0]['data'],
    );

    $closed = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Terminated']]);
    WhmcsStub::$localApiCalls = [];
    $late = active_with_network(['password' => 'bR1dge-Made-Up-9x']);
    $res = callback_handler($closed)->handle('POST', signed($late, 'cb_late'), $late);
    assert_same(200, $res->status);
    assert_same([], array_values(array_filter(WhmcsStub::$localApiCalls, static fn ($c) => $c['command'] === 'UpdateClientProduct')));
    assert_contains('addresses not written: the service is Terminated in WHMCS', implode(' | ', $res->body['done']));
});

test('callback: when writing the details fails the answer is 503 and the retry writes them, one welcome email', function (): void {
    $state = file_state();
    $body = active_with_network();
    WhmcsStub::$localApiFailures['UpdateClientProduct'] = 1;
    assert_same(503, callback_handler($state)->handle('POST', signed($body, 'cb_r'), $body)->status);
    assert_same('Pending', $state->service(1001)?->status, 'nothing after the failed write happened');
    assert_same(200, callback_handler($state)->handle('POST', signed($body, 'cb_r', TEST_NOW + 30), $body)->status);
    assert_same('Active', $state->service(1001)?->status);
    $emails = array_filter(WhmcsStub::$localApiCalls, static fn ($c) => $c['command'] === 'SendEmail');
    assert_same(1, count($emails));
});
