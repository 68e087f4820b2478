<?php

/*
 * The return types WHMCS expects of each module function (reference: WHMCS's sample module test, and the developer
 * docs): arrays for MetaData, ConfigOptions, TestConnection, AdminServicesTabFields, ServiceSingleSignOn and
 * ClientArea; strings for the lifecycle functions. Checked on a good day and on a bad one (bridge unreachable), since
 * a module that returns null or throws on a bad day breaks WHMCS pages and the cron.
 */

declare(strict_types=1);

const LIFECYCLE = ['CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'ChangePackage', 'Renew'];

/** @return array<string, string> function => expected type */
function contract(): array
{
    return [
        'ovirtha_MetaData' => 'array',
        'ovirtha_ConfigOptions' => 'array',
        'ovirtha_TestConnection' => 'array',
        'ovirtha_CreateAccount' => 'string',
        'ovirtha_SuspendAccount' => 'string',
        'ovirtha_UnsuspendAccount' => 'string',
        'ovirtha_TerminateAccount' => 'string',
        'ovirtha_ChangePackage' => 'string',
        'ovirtha_Renew' => 'string',
        'ovirtha_ServiceSingleSignOn' => 'array',
        'ovirtha_ClientArea' => 'array',
        'ovirtha_AdminServicesTabFields' => 'array',
        'ovirtha_ClientAreaCustomButtonArray' => 'array',
        'ovirtha_ClientAreaAllowedFunctions' => 'array',
        'ovirtha_AdminCustomButtonArray' => 'array',
        'ovirtha_AdminSingleSignOn' => 'array',
        'ovirtha_start' => 'string',
        'ovirtha_shutdown' => 'string',
        'ovirtha_reboot' => 'string',
        'ovirtha_poweroff' => 'string',
        'ovirtha_reinstall' => 'string',
    ];
}

test('contract: ovirtha.php defines exactly the module functions of the contract', function (): void {
    $defined = array_values(array_filter(get_defined_functions()['user'], static fn ($f) => str_starts_with($f, 'ovirtha_')));
    $expected = array_map('strtolower', array_keys(contract()));
    sort($defined);
    sort($expected);
    assert_same($expected, $defined);
});

test('contract: declared return types are the ones WHMCS expects', function (): void {
    foreach (contract() as $fn => $type) {
        assert_same($type, (string) (new ReflectionFunction($fn))->getReturnType(), $fn);
    }
});

test('contract: every function returns its type when the bridge answers well', function (): void {
    $http = fake_bridge();
    $http->always('#^POST /webhooks/billing$#', 202, ['applied' => true]);
    $http->always('#^GET /readyz$#', 200, [
        'ready' => true,
        'status' => 'ready',
        'checks' => ['database' => ['ok' => true], 'engine' => ['ok' => true]],
    ]);
    $http->always('#^GET /api/v1/services\?#', 200, ['services' => [], 'next_cursor' => null]);
    $http->always('#^POST /webhooks/billing/verify$#', 204, '');
    $http->always('#^GET /api/v1/services/1001$#', 200, [
        'service_id' => '1001',
        'desired_state' => 'active',
        'actual_state' => 'active',
        'vm' => ['id' => 'v', 'name' => 'vps-1001', 'host' => 'host1'],
        'last_error' => null,
    ]);
    $http->always('#^GET /api/v1/services/1001/uptime$#', 200, uptime_answer());
    $http->always('#^POST /api/v1/services/1001/sso$#', 201, ['url' => 'http://bridge.test/client/sso?token=t', 'expires_at' => 'x']);
    $http->always('#^GET /api/v1/capacity#', 200, ['can_sell' => true, 'headroom' => 1]);
    assert_same(['success' => true, 'error' => ''], ovirtha_TestConnection(params()));
    foreach (LIFECYCLE as $name) {
        assert_same('success', ('ovirtha_' . $name)(params()), $name);
    }
    $meta = ovirtha_MetaData();
    assert_subset(['DisplayName' => 'oVirt HA Bridge', 'APIVersion' => '1.1', 'RequiresServer' => true], $meta);
    assert_true(is_string($meta['ServiceSingleSignOnLabel']) && $meta['ServiceSingleSignOnLabel'] !== '', 'SSO label');
    assert_same(true, ovirtha_ServiceSingleSignOn(params())['success']);
    assert_true(is_array(ovirtha_ClientArea(params())['templateVariables']), 'ClientArea templateVariables');
    foreach (ovirtha_AdminServicesTabFields(params()) as $label => $html) {
        assert_true(is_string($label) && is_string($html), "tab field {$label}");
    }
});

test('contract: every function still returns its type when the bridge cannot be reached', function (): void {
    $http = fake_bridge();
    foreach (array_keys(contract()) as $fn) {
        $result = $fn === 'ovirtha_MetaData' || $fn === 'ovirtha_ConfigOptions' ? $fn() : $fn(params());
        assert_same(contract()[$fn], get_debug_type($result), $fn);
    }
    assert_same(false, ovirtha_TestConnection(params())['success']);
    assert_same(false, ovirtha_ServiceSingleSignOn(params())['success']);
    assert_true(is_string(ovirtha_ServiceSingleSignOn(params())['errorMsg']), 'errorMsg');
    unset($http);
});

test('contract: ConfigOptions works with no params and no WHMCS database, within 24 fields', function (): void {
    $fields = ovirtha_ConfigOptions();
    assert_same(['Bridge product id', 'Welcome email', 'When sold out'], array_keys($fields));
    assert_true(count($fields) <= 24, 'at most 24');
    foreach ($fields as $name => $field) {
        assert_true(in_array($field['Type'], ['text', 'password', 'yesno', 'dropdown', 'radio', 'textarea'], true), "{$name} type");
        assert_true(is_string($field['Description']), "{$name} description");
    }
    assert_same(['mark', 'hide', 'off'], array_keys($fields['When sold out']['Options']));
});

test('contract: every PHP file of the module declares strict types and lints', function (): void {
    $root = realpath(__DIR__ . '/../../modules/servers/ovirtha');
    $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
    $count = 0;
    foreach ($files as $file) {
        if ($file->getExtension() !== 'php') {
            continue;
        }
        $count++;
        assert_contains('declare(strict_types=1);', (string) file_get_contents($file->getPathname()), $file->getFilename());
        exec(escapeshellarg(PHP_BINARY) . ' -l ' . escapeshellarg($file->getPathname()) . ' 2>&1', $out, $code);
        assert_same(0, $code, $file->getFilename() . ': ' . implode("\n", $out));
    }
    assert_true($count > 20, 'all files seen');
});

test('contract: no line of a PHP file under integrations/whmcs (module and tests) is longer than 140 characters', function (): void {
    $root = realpath(__DIR__ . '/../..');
    $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
    $count = 0;
    $long = [];
    foreach ($files as $file) {
        if ($file->getExtension() !== 'php') {
            continue;
        }
        $count++;
        $lines = explode("\n", (string) file_get_contents($file->getPathname()));
        foreach ($lines as $i => $line) {
            // Characters, not bytes: a "…" in a message is one (bytes when the line is not UTF-8).
            $line = rtrim($line, "\r");
            $length = preg_match_all('/./us', $line) ?: strlen($line);
            if ($length > 140) {
                $long[] = substr($file->getPathname(), strlen($root) + 1) . ':' . ($i + 1) . " ({$length} characters)";
            }
        }
    }
    assert_true($count > 40, 'all files seen');
    assert_same([], $long, 'lines over 140 characters (wrap them)');
});

test('contract: the module folder carries its README (in install order) and keeps lib/ from being served', function (): void {
    $root = __DIR__ . '/../../modules/servers/ovirtha';
    $readme = (string) @file_get_contents($root . '/README.md');
    assert_true($readme !== '', 'README.md ships inside the module folder');
    assert_contains(
        'modules/servers/ovirtha/README.md',
        (string) file_get_contents(__DIR__ . '/../../README.md'),
        'integrations/whmcs/README.md points at it',
    );
    // The product must exist (and so have its id) before a bridge plan can name that id.
    $product = strpos($readme, '**Create the product**');
    $plan = strpos($readme, '**Map the product to a bridge plan.**');
    assert_true($product !== false && $plan !== false && $product < $plan, 'the product is created before its bridge plan');
    assert_true(
        strpos($readme, '**Make the bridge reachable**') < strpos($readme, '**Add the bridge as a server**'),
        'the bridge is reachable before the server is tested',
    );
    foreach ([
        '`HOST`',
        'reverse proxy',
        'TLS',
        '`TRUST_PROXY=1`',
        '`PUBLIC_URL`',
        'Server/VPS',
        'server group',
        '`RATE_LIMIT_AUTH_FAILURES`',
        'AfterCronJob',
        'Dedicated/VPS Server Welcome Email',
    ] as $topic) {
        assert_contains($topic, $readme, 'README covers');
    }
    $htaccess = (string) @file_get_contents($root . '/lib/.htaccess');
    assert_contains('Require all denied', $htaccess, 'lib/.htaccess (Apache 2.4)');
    assert_contains('Deny from all', $htaccess, 'lib/.htaccess (Apache 2.2)');
});
