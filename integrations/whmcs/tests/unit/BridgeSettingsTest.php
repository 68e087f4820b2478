<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\BridgeSettings;

test('settings: hostname, SSL and port make the URL; default ports are left out', function (): void {
    assert_same('http://bridge.test:3000', BridgeSettings::baseUrl('bridge.test', '', false, ''));
    assert_same('https://bridge.test', BridgeSettings::baseUrl('bridge.test', '', true, null));
    assert_same('https://bridge.test:8443', BridgeSettings::baseUrl('bridge.test', '', true, '8443'));
    assert_same('http://bridge.test', BridgeSettings::baseUrl('bridge.test', '', false, 80));
    assert_same('http://10.0.0.5:3000', BridgeSettings::baseUrl('', '10.0.0.5', false, ''));
    assert_same('http://[2001:db8::5]:3000', BridgeSettings::baseUrl('2001:db8::5', '', false, ''));
    assert_same('https://bridge.test/ha-bridge', BridgeSettings::baseUrl('bridge.test/ha-bridge/', '', true, ''));
});

test('settings: a full URL in Hostname is used as it is, path kept', function (): void {
    assert_same('https://bridge.test:9443/ha', BridgeSettings::baseUrl('https://bridge.test:9443/ha/', '', false, '3000'));
    assert_same('http://127.0.0.1:4000', BridgeSettings::baseUrl('http://127.0.0.1:4000', '', true, ''));
    foreach (['ftp://bridge.test', 'https://user:pw@bridge.test', 'https://bridge.test/?x=1', 'https://'] as $bad) {
        try {
            BridgeSettings::baseUrl($bad, '', false, '');
            assert_true(false, "{$bad} should be refused");
        } catch (InvalidArgumentException $e) {
            assert_contains('Hostname', $e->getMessage());
        }
    }
});

test('settings: Password is the API key, Access Hash the webhook secret and optionally the callback secret', function (): void {
    $s = BridgeSettings::fromParams(params());
    assert_same(TEST_API_KEY, $s->apiKey);
    assert_same(TEST_WEBHOOK_SECRET, $s->webhookSecret);
    assert_same(TEST_WEBHOOK_SECRET, $s->callbackSecret);
    $callback = 'whsec_' . base64_encode('callback secret, 32 bytes or more!');
    $two = BridgeSettings::fromParams(params(['serveraccesshash' => "  " . TEST_WEBHOOK_SECRET . "\r\n{$callback}\n"]));
    assert_same(TEST_WEBHOOK_SECRET, $two->webhookSecret);
    assert_same($callback, $two->callbackSecret);
    assert_same([TEST_API_KEY, TEST_WEBHOOK_SECRET, $callback], $two->secrets());
});

test('settings: a missing field is named with where to put it', function (): void {
    foreach ([
        [['serverpassword' => ''], 'Password'],
        [['serveraccesshash' => ''], 'Access Hash'],
        [['serveraccesshash' => 'not a secret'], 'WEBHOOK_SECRET'],
        [['serverhostname' => '', 'serverip' => ''], 'Hostname'],
    ] as [$override, $field]) {
        try {
            BridgeSettings::fromParams(params($override));
            assert_true(false, "expected a complaint about {$field}");
        } catch (InvalidArgumentException $e) {
            assert_contains($field, $e->getMessage());
        }
    }
});

test('settings: serversecure as WHMCS stores it (on, 1, true) means https', function (): void {
    foreach (['on', '1', true, 1] as $on) {
        assert_same('https://bridge.test', BridgeSettings::fromParams(params(['serversecure' => $on]))->baseUrl);
    }
    foreach (['', '0', false, null] as $off) {
        assert_same('http://bridge.test:3000', BridgeSettings::fromParams(params(['serversecure' => $off]))->baseUrl);
    }
});
