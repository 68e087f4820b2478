<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Signature;

// key_ok(), accepted() and bridge_error() are ServiceActionsTest.php's (every file is loaded before a case runs).

const ED25519_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ada@laptop';
const RSA_KEY = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 ada@desk';

function created_data(FakeTransport $http): array
{
    $events = $http->sentTo('POST', '#^/webhooks/billing$#');
    return json_decode((string) $events[count($events) - 1]['body'], true)['data'];
}

test('create: WHMCS\'s service password goes to the bridge as the root password', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    assert_same('success', ovirtha_CreateAccount(params(['password' => 'Xk9#mPq2vL'])));
    assert_same('Xk9#mPq2vL', created_data($http)['password']);
});

test('create: a password the bridge would refuse is left out, so the bridge makes one up and sends it back', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    foreach (['', 'short7!', str_repeat('a', 129), "two\nlines long", "tab\there-long"] as $bad) {
        assert_same('success', ovirtha_CreateAccount(params(['password' => $bad])));
        assert_true(!array_key_exists('password', created_data($http)), 'left out: ' . json_encode($bad));
    }
    ovirtha_CreateAccount(params(['password' => str_repeat('é', 8)]));
    assert_same(str_repeat('é', 8), created_data($http)['password'], 'eight characters, not eight bytes');
});

test('create: the password never reaches the module log, nor the webhook id in clear', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    ovirtha_CreateAccount(params(['password' => 'Sup3rS3cretPw']));
    $logged = (string) json_encode(array_map(static fn ($e) => [$e['request'], $e['response'], $e['processed']], WhmcsStub::$moduleLog));
    assert_not_contains('Sup3rS3cretPw', $logged);
    assert_contains('"password":"***"', str_replace('\\"', '"', $logged), 'masked where it was');
    assert_true(in_array('Sup3rS3cretPw', end(WhmcsStub::$moduleLog)['replace'], true), 'handed to WHMCS as a replaceVar');
    $first = $http->last()['headers']['webhook-id'];
    // Same service, same generation, another password: another delivery (the bridge would refuse a reused id).
    ovirtha_CreateAccount(params(['password' => 'An0therPassw0rd']));
    assert_true($http->last()['headers']['webhook-id'] !== $first, 'a changed password is a new delivery');
    ovirtha_CreateAccount(params(['password' => 'Sup3rS3cretPw']));
    assert_same($first, $http->last()['headers']['webhook-id'], 'a retry is still the same delivery');
});

test('create: SSH keys from the "SSH Public Keys" custom field, one per line, blanks and comments skipped', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    $field = "  " . ED25519_KEY . "  \r\n\r\n# my desk\r\n" . RSA_KEY . "\n";
    assert_same('success', ovirtha_CreateAccount(params(['customfields' => ['SSH Public Keys' => $field]])));
    assert_same([ED25519_KEY, RSA_KEY], created_data($http)['ssh_keys']);
    // "ssh_keys|SSH Public Keys" reaches the module as ssh_keys.
    ovirtha_CreateAccount(params(['customfields' => ['ssh_keys' => ED25519_KEY]]));
    assert_same([ED25519_KEY], created_data($http)['ssh_keys']);
    ovirtha_CreateAccount(params(['customfields' => ['SSH Public Keys' => " \n# none yet\n"]]));
    assert_true(!array_key_exists('ssh_keys', created_data($http)), 'an empty field sends no list');
    $h = $http->last()['headers'];
    assert_same(null, Signature::problem(
        [TEST_WEBHOOK_SECRET],
        $h['webhook-id'],
        $h['webhook-timestamp'],
        $h['webhook-signature'],
        (string) $http->last()['body'],
        TEST_NOW,
    ));
});

test('create: a key the bridge refuses fails the order with the key named for the admin', function (): void {
    $http = key_ok(fake_bridge());
    $http->on('#^POST /webhooks/billing$#', 400, bridge_error(
        'validation_failed',
        'The request is invalid.',
        [['field' => 'data.ssh_keys.1', 'message' => 'is not an OpenSSH public key (ssh-rsa nonsense…)']],
    ));
    $result = ovirtha_CreateAccount(params(['customfields' => ['SSH Public Keys' => ED25519_KEY . "\nssh-rsa nonsense"]]));
    assert_contains('refused the request as invalid (data.ssh_keys.1: is not an OpenSSH public key', $result);
});

test('create: the OS is the raw value of the "Operating System" configurable option', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    // Sub-option "debian-12|Debian 12": WHMCS shows Debian 12 and hands the module debian-12.
    assert_same('success', ovirtha_CreateAccount(params(['configoptions' => ['Operating System' => 'debian-12']])));
    assert_same('debian-12', created_data($http)['os']);
    ovirtha_CreateAccount(params(['configoptions' => ['os' => 'Rocky-9 ']]));
    assert_same('rocky-9', created_data($http)['os'], 'an option named os|Operating System, the key in lower case');
    ovirtha_CreateAccount(params(['configoptions' => ['Operating System' => '', 'Extra IPs' => 1]]));
    assert_true(!array_key_exists('os', created_data($http)), 'no choice: the plan\'s own template');
});

test('create: an Operating System option without key|Label sub-options is explained, nothing is sent', function (): void {
    $http = key_ok(fake_bridge());
    $result = ovirtha_CreateAccount(params(['configoptions' => ['Operating System' => 'Debian 12 (Bookworm)']]));
    assert_contains('oVirt HA Bridge: the Operating System option\'s value "debian 12 (bookworm)" is no OS key', $result);
    assert_contains('key|Label, such as debian-12|Debian 12', $result);
    assert_same([], $http->sent, 'no request to the bridge');
});

test('create: an OS the plan does not offer is the bridge\'s unknown_os, in an admin\'s words', function (): void {
    $http = key_ok(fake_bridge());
    $http->on('#^POST /webhooks/billing$#', 422, bridge_error(
        'unknown_os',
        'Operating system arch is not offered by plan HA M; choose one of debian-12, rocky-9.',
    ));
    $result = ovirtha_CreateAccount(params(['configoptions' => ['Operating System' => 'arch']]));
    assert_contains('not one of the bridge plan\'s OS options', $result);
    assert_contains(
        '[bridge: 422 unknown_os: Operating system arch is not offered by plan HA M; choose one of debian-12, rocky-9.]',
        $result,
    );
});

test('create: password, keys and OS together, in the order the README lists them', function (): void {
    $http = key_ok(fake_bridge());
    $http->always('#^POST /webhooks/billing$#', 202, accepted());
    ovirtha_CreateAccount(params([
        'customfields' => ['SSH Public Keys' => ED25519_KEY],
        'configoptions' => ['Operating System' => 'debian-12'],
    ]));
    assert_same([
        'service_id' => '1001',
        'client_id' => '55',
        'product_id' => '7',
        'hostname' => 'vps1001.example.net',
        'password' => 'Gen3r4tedPw',
        'ssh_keys' => [ED25519_KEY],
        'os' => 'debian-12',
    ], created_data($http));
});
