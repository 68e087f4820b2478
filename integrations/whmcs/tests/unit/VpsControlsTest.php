<?php

/*
 * The VPS actions: the custom buttons, what they send to the bridge and for whom, the confirmation
 * Power off and Reinstall need in the client area, how refusals read for a customer and for staff, console.php's
 * download, and AdminSingleSignOn.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\ConsoleEndpoint;
use WHMCS\Module\Server\Ovirtha\Module;
use WHMCS\Module\Server\Ovirtha\VpsControls;

/** A state whose product 7 has an Operating System option and whose WHMCS admin 3 is "jane". */
function vps_state(): FileState
{
    $file = tempnam(sys_get_temp_dir(), 'ovirtha-state-');
    Tests::$temp[] = $file;
    FileState::create($file, [['hostname' => 'bridge.test', 'password' => TEST_API_KEY, 'accesshash' => TEST_WEBHOOK_SECRET]], [
        7 => [
            'name' => 'VPS HA M',
            'configoptions' => [1 => '', 2 => '', 3 => 'mark'],
            'os_options' => ['debian-12|Debian 12', 'ubuntu-24.04|Ubuntu 24.04', 'Not A Key!|Broken'],
        ],
        20 => ['name' => 'Shared hosting', 'module' => 'cpanel'],
    ], [
        1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active'],
        1002 => ['userid' => 66, 'pid' => 7, 'status' => 'Active'],
        1003 => ['userid' => 55, 'pid' => 20, 'status' => 'Active'],
    ]);
    $db = json_decode((string) file_get_contents($file), true);
    $db['admins'] = ['3' => 'jane'];
    file_put_contents($file, json_encode($db));
    return WhmcsStub::$state = new FileState($file);
}

function refusal(string $code, string $message): array
{
    return ['error' => ['code' => $code, 'message' => $message]];
}

test('buttons: Start, Shut down and Reboot for customers; Power off and Reinstall through the confirming box; '
    . 'staff get all five', function (): void {
    assert_same(['Start' => 'start', 'Shut down' => 'shutdown', 'Reboot' => 'reboot'], ovirtha_ClientAreaCustomButtonArray());
    assert_same(['Power off' => 'poweroff', 'Reinstall' => 'reinstall'], ovirtha_ClientAreaAllowedFunctions());
    assert_same(
        ['Start' => 'start', 'Shut down' => 'shutdown', 'Reboot' => 'reboot', 'Power off' => 'poweroff', 'Reinstall' => 'reinstall'],
        ovirtha_AdminCustomButtonArray(),
    );
    foreach (
        array_merge(ovirtha_AdminCustomButtonArray(), ovirtha_ClientAreaCustomButtonArray(), ovirtha_ClientAreaAllowedFunctions()) as $fn
    ) {
        assert_true(function_exists("ovirtha_{$fn}"), "ovirtha_{$fn} exists");
    }
    assert_true(!function_exists('ovirtha_ChangePassword'), 'no ChangePassword: the bridge cannot set a running VPS\'s password');
});

test('buttons: a customer\'s Start, Shut down and Reboot reach the bridge as the customer, by client id', function (): void {
    $http = fake_bridge(vps_state());
    $http->always('#^POST /api/v1/services/1001/power$#', 202, ['id' => 9, 'action' => 'start', 'state' => 'running']);
    assert_same('success', ovirtha_start(params()));
    assert_same('success', ovirtha_shutdown(params()));
    assert_same('success', ovirtha_reboot(params()));
    $bodies = array_map(static fn (array $r): array => json_decode((string) $r['body'], true), $http->sentTo('POST', '#/power$#'));
    assert_same([
        ['action' => 'start', 'requested_by' => 'customer', 'requester' => '55'],
        ['action' => 'shutdown', 'requested_by' => 'customer', 'requester' => '55'],
        ['action' => 'reboot', 'requested_by' => 'customer', 'requester' => '55'],
    ], $bodies);
    assert_same('Bearer ' . TEST_API_KEY, $http->last()['headers']['Authorization']);
});

test('buttons: Power off from the client area needs the box\'s tick; without it nothing is sent', function (): void {
    $http = fake_bridge(vps_state());
    assert_same(VpsControls::CONFIRM_STOP, ovirtha_poweroff(params()));
    assert_same([], $http->sent);
    $http->on('#^POST /api/v1/services/1001/power$#', 202, ['id' => 10]);
    assert_same('success', (new VpsControls(VpsControls::CUSTOMER, ['ovirtha_confirm' => 'yes']))->power(params(), 'stop'));
    assert_same(['action' => 'stop', 'requested_by' => 'customer', 'requester' => '55'], json_decode((string) $http->last()['body'], true));
});

test('buttons: the engine\'s refusal and the limit reach the customer in the bridge\'s words; staff get the admin text; '
    . 'an unreachable bridge a plain sentence', function (): void {
    $http = fake_bridge(vps_state());
    $http->on('#/power$#', 409, refusal(
        'engine_refused',
        'The engine refused reboot for the VPS: Cannot reboot VM. Related operation is currently in progress.',
    ));
    assert_same(
        'The engine refused reboot for the VPS: Cannot reboot VM. Related operation is currently in progress.',
        ovirtha_reboot(params()),
    );
    $http->on(
        '#/power$#',
        429,
        refusal('too_many_requests', 'At most 10 actions per VPS in 10 minutes; try again in 412 s.'),
        ['Retry-After' => '412'],
    );
    assert_same('At most 10 actions per VPS in 10 minutes; try again in 412 s.', ovirtha_reboot(params()));
    $http->on('#/power$#', 409, refusal('engine_refused', 'The engine refused reboot for the VPS: locked.'));
    $_SESSION['adminid'] = 3;
    $admin = (new VpsControls(VpsControls::ADMIN))->power(params(), 'reboot');
    assert_contains('[bridge: 409 engine_refused: The engine refused reboot for the VPS: locked.]', $admin);
    assert_same(
        ['action' => 'reboot', 'requested_by' => 'admin', 'requester' => 'jane'],
        json_decode((string) $http->last()['body'], true),
    );
    $http->failOn('#/power$#', 'Connection refused');
    assert_same(VpsControls::UNAVAILABLE, ovirtha_start(params()));
    assert_contains('cannot reach the bridge', (string) end(WhmcsStub::$activity));
});

test('buttons: Reinstall from the client area takes an OS the product offers, with the erase tick; '
    . 'staff reinstall the service\'s own OS', function (): void {
    $http = fake_bridge(vps_state());
    $http->always('#^POST /api/v1/services/1001/reinstall$#', 202, ['id' => 11, 'action' => 'reinstall']);
    assert_same(VpsControls::CONFIRM_REINSTALL, ovirtha_reinstall(params()));
    assert_contains(
        'not offered',
        (new VpsControls(VpsControls::CUSTOMER, ['ovirtha_confirm' => 'yes', 'ovirtha_os' => 'windows-2022']))->reinstall(params()),
    );
    assert_same([], $http->sent);
    assert_same(
        'success',
        (new VpsControls(VpsControls::CUSTOMER, ['ovirtha_confirm' => 'yes', 'ovirtha_os' => 'ubuntu-24.04']))->reinstall(params()),
    );
    assert_same(
        ['requested_by' => 'customer', 'requester' => '55', 'os' => 'ubuntu-24.04'],
        json_decode((string) $http->last()['body'], true),
    );
    $_SESSION['adminid'] = 3;
    assert_same(
        'success',
        (new VpsControls(VpsControls::ADMIN))->reinstall(params(['configoptions' => ['Operating System' => 'debian-12']])),
    );
    assert_same(['requested_by' => 'admin', 'requester' => 'jane', 'os' => 'debian-12'], json_decode((string) $http->last()['body'], true));
    $http->on('#/reinstall$#', 422, refusal('unknown_os', 'The plan of this VPS offers no OS "ubuntu-24.04"; it offers debian-12.'));
    assert_contains(
        'offers no OS',
        (new VpsControls(VpsControls::CUSTOMER, ['ovirtha_confirm' => 'yes', 'ovirtha_os' => 'ubuntu-24.04']))->reinstall(params()),
    );
});

test('client area box: the OS list from the Operating System option with the service\'s own selected, '
    . 'and the console form', function (): void {
    $http = fake_bridge(vps_state());
    $http->on('#/uptime$#', 200, uptime_answer());
    $vars = ovirtha_ClientArea(params(['configoptions' => ['Operating System' => 'ubuntu-24.04']]))['templateVariables']['ovirtha'];
    assert_same([
        'action_url' => 'clientarea.php?action=productdetails&id=1001',
        'console_url' => 'modules/servers/ovirtha/console.php',
        'service_id' => '1001',
        'os_options' => [
            ['key' => 'debian-12', 'label' => 'Debian 12', 'selected' => false],
            ['key' => 'ubuntu-24.04', 'label' => 'Ubuntu 24.04', 'selected' => true],
        ],
    ], $vars['controls']);
    $tpl = (string) file_get_contents(__DIR__ . '/../../modules/servers/ovirtha/templates/clientarea.tpl');
    foreach ([
        'name="a" value="poweroff"',
        'name="a" value="reinstall"',
        'name="ovirtha_confirm" value="yes" required',
        'name="ovirtha_os"',
        'name="token" value="{$token|escape}"',
        '{$ovirtha.controls.console_url|escape}',
    ] as $part) {
        assert_contains($part, $tpl);
    }
});

test('console.php: the .vv as an attachment for the client\'s own VPS; no token 403, another client\'s 404, '
    . 'the ticket never in the module log', function (): void {
    $http = fake_bridge(vps_state());
    $vv = "[virt-viewer]\ntype=spice\nhost=10.0.0.5\npassword=SECRET-TICKET\n";
    $http->on('#^POST /api/v1/services/1001/console$#', 200, $vv, [
        'Content-Type' => 'application/x-virt-viewer',
        'Content-Disposition' => 'attachment; filename="vps1001.example.net.vv"',
        'X-Console-Expires-At' => '2027-01-15T08:02:00.000Z',
    ]);
    assert_same(403, ConsoleEndpoint::handle(['id' => '1001'], ['uid' => 55], false)['status']);
    assert_same(404, ConsoleEndpoint::handle(['id' => '1002'], ['uid' => 55], true)['status']);
    assert_same(404, ConsoleEndpoint::handle(['id' => '1003'], ['uid' => 55], true)['status'], 'another module\'s service');
    assert_same(404, ConsoleEndpoint::handle(['id' => '1001'], [], true)['status'], 'nobody signed in');
    assert_same([], $http->sent);
    $ok = ConsoleEndpoint::handle(['id' => '1001'], ['uid' => 55], true);
    assert_same(200, $ok['status']);
    assert_same($vv, $ok['body']);
    assert_same([
        'Content-Type' => 'application/x-virt-viewer',
        'Content-Disposition' => 'attachment; filename="vps1001.example.net.vv"',
        'Cache-Control' => 'no-store',
        'X-Content-Type-Options' => 'nosniff',
    ], $ok['headers']);
    assert_same(['requested_by' => 'customer', 'requester' => '55'], json_decode((string) $http->last()['body'], true));
    assert_not_contains('SECRET-TICKET', (string) json_encode(WhmcsStub::$moduleLog));
    // The engine refuses a VM that is not running: the customer reads why.
    $http->on('#/console$#', 409, refusal('engine_refused', 'The engine refused a console for the VPS: Vm vps-1001 is not running.'));
    $refused = ConsoleEndpoint::handle(['id' => '1001'], ['uid' => 55], true);
    assert_same(409, $refused['status']);
    assert_contains('is not running', $refused['body']);
    // Staff, from the admin tab: any VPS of this module, recorded by their user name.
    $http->on('#/console$#', 200, $vv, ['Content-Disposition' => 'attachment; filename="vps-1002.vv"']);
    assert_same(200, ConsoleEndpoint::handle(['id' => '1002', 'area' => 'admin'], ['adminid' => 3], true)['status']);
    assert_same(['requested_by' => 'admin', 'requester' => 'jane'], json_decode((string) $http->last()['body'], true));
    unset($_SESSION['adminid']);
});

test('AdminSingleSignOn: a one-time console link for the signed-in WHMCS admin', function (): void {
    $http = fake_bridge(vps_state());
    assert_same(false, ovirtha_AdminSingleSignOn(params())['success'], 'no admin signed in');
    $_SESSION['adminid'] = 3;
    $http->on('#^POST /api/v1/admin-sso$#', 201, [
        'url' => 'http://bridge.test/admin/sso?token=abc',
        'expires_at' => '2027-01-15T08:01:00.000Z',
        'admin' => 'whmcs:jane',
    ]);
    assert_same(['success' => true, 'redirectTo' => 'http://bridge.test/admin/sso?token=abc'], ovirtha_AdminSingleSignOn(params()));
    assert_same(['username' => 'jane'], json_decode((string) $http->last()['body'], true));
    $http->on('#^POST /api/v1/admin-sso$#', 401, refusal('unauthorized', 'Missing or invalid API key.'));
    $refused = ovirtha_AdminSingleSignOn(params());
    assert_same(false, $refused['success']);
    assert_contains('BILLING_API_KEY', $refused['errorMsg']);
    unset($_SESSION['adminid']);
    assert_same('oVirt HA Bridge', ovirtha_MetaData()['DisplayName']);
    assert_true(ovirtha_MetaData()['AdminSingleSignOnLabel'] !== '', 'admin SSO label');
    Module::reset();
});
