<?php

/*
 * A small test harness in plain PHP (no PHPUnit needed): test() registers a case, the assert_* functions throw on a
 * mismatch, run.php runs every case with fresh stubs and prints "N passed, N failed".
 */

declare(strict_types=1);

require_once __DIR__ . '/stubs/whmcs.php';
require_once __DIR__ . '/stubs/FakeTransport.php';
require_once __DIR__ . '/../modules/servers/ovirtha/ovirtha.php';

use WHMCS\Module\Server\Ovirtha\Module;

final class AssertionFailed extends RuntimeException
{
}

final class Tests
{
    /** @var array<string, callable> */
    public static array $cases = [];
    /** Temp files and folders the cases made, removed when the run ends. @var list<string> */
    public static array $temp = [];
    private static int $assertions = 0;

    public static function count(): void
    {
        self::$assertions++;
    }

    public static function assertions(): int
    {
        return self::$assertions;
    }
}

function test(string $name, callable $fn): void
{
    if (isset(Tests::$cases[$name])) {
        throw new LogicException("two tests are named \"{$name}\"");
    }
    Tests::$cases[$name] = $fn;
}

function export(mixed $v): string
{
    return is_string($v) ? '"' . $v . '"' : (string) json_encode($v, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
}

function assert_same(mixed $expected, mixed $actual, string $what = ''): void
{
    Tests::count();
    if ($expected !== $actual) {
        throw new AssertionFailed(($what !== '' ? "{$what}: " : '') . 'expected ' . export($expected) . ', got ' . export($actual));
    }
}

function assert_true(bool $condition, string $what): void
{
    Tests::count();
    if (!$condition) {
        throw new AssertionFailed($what);
    }
}

function assert_contains(string $needle, string $haystack, string $what = ''): void
{
    Tests::count();
    if (!str_contains($haystack, $needle)) {
        throw new AssertionFailed(($what !== '' ? "{$what}: " : '') . export($needle) . ' not found in ' . export($haystack));
    }
}

function assert_not_contains(string $needle, string $haystack, string $what = ''): void
{
    Tests::count();
    if (str_contains($haystack, $needle)) {
        throw new AssertionFailed(($what !== '' ? "{$what}: " : '') . export($needle) . ' found in ' . export($haystack));
    }
}

function assert_matches(string $pattern, string $subject, string $what = ''): void
{
    Tests::count();
    if (preg_match($pattern, $subject) !== 1) {
        throw new AssertionFailed(($what !== '' ? "{$what}: " : '') . export($subject) . " does not match {$pattern}");
    }
}

/** @param array<string, mixed> $subset */
function assert_subset(array $subset, array $actual, string $what = ''): void
{
    foreach ($subset as $key => $value) {
        Tests::count();
        if (!array_key_exists($key, $actual)) {
            throw new AssertionFailed(($what !== '' ? "{$what}: " : '') . "missing key {$key} in " . export($actual));
        }
        if (is_array($value) && is_array($actual[$key])) {
            assert_subset($value, $actual[$key], $what . ".{$key}");
        } elseif ($value !== $actual[$key]) {
            throw new AssertionFailed(
                ($what !== '' ? "{$what}: " : '') . "{$key}: expected " . export($value) . ', got ' . export($actual[$key])
            );
        }
    }
}

// ---- fixtures -------------------------------------------------------------------------------------------------

const TEST_WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC0zMi1ieXRlcy1sb25nIQ==';
const TEST_API_KEY = 'test-billing-api-key-0123456789abcdef-XYZ';
const TEST_NOW = 1_800_000_000;

/** A service's $params as WHMCS passes them to a module function, for a bridge at http://bridge.test:3000. */
function params(array $overrides = []): array
{
    return $overrides + [
        'serviceid' => 1001,
        'userid' => 55,
        'pid' => 7,
        'serverid' => 3,
        'domain' => 'vps1001.example.net',
        'username' => 'vps1001',
        'password' => 'Gen3r4tedPw',
        'producttype' => 'server',
        'moduletype' => 'ovirtha',
        'configoption1' => '',
        'configoption2' => 'Hosting Account Welcome Email',
        'configoption3' => 'mark',
        'clientsdetails' => ['firstname' => 'Ada', 'lastname' => 'Lovelace', 'email' => 'ada@example.net'],
        'customfields' => [],
        'configoptions' => [],
        'server' => true,
        'serverip' => '',
        'serverhostname' => 'bridge.test',
        'serverusername' => '',
        'serverpassword' => TEST_API_KEY,
        'serveraccesshash' => TEST_WEBHOOK_SECRET,
        'serversecure' => false,
        'serverport' => '',
        'status' => 'Pending',
        'model' => (object) ['updated_at' => '2026-11-26 10:00:00', 'nextduedate' => '2026-12-26'],
    ];
}

/** A fresh FileState in a temp file, with one bridge server and the products the tests use. */
function file_state(array $services = [], array $products = [], array $servers = []): FileState
{
    $file = tempnam(sys_get_temp_dir(), 'ovirtha-state-');
    Tests::$temp[] = $file;
    // The localAPI stub changes statuses in the latest state, as WHMCS's UpdateClientProduct would in tblhosting.
    return WhmcsStub::$state = FileState::create(
        $file,
        $servers ?: [['hostname' => 'bridge.test', 'password' => TEST_API_KEY, 'accesshash' => TEST_WEBHOOK_SECRET]],
        $products ?: [
            7 => ['name' => 'VPS HA M', 'configoptions' => [1 => '', 2 => 'Hosting Account Welcome Email', 3 => 'mark']],
            8 => ['name' => 'VPS HA L', 'configoptions' => [1 => '', 2 => 'none', 3 => 'hide']],
            9 => ['name' => 'VPS HA XL', 'configoptions' => [1 => '', 2 => '', 3 => 'off']],
            20 => ['name' => 'Shared hosting', 'module' => 'cpanel'],
        ],
        $services ?: [1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Pending', 'updated_at' => '2026-11-26 10:00:00']],
    );
}

/** Installs a FakeTransport, a FileState and a fixed clock as the module's collaborators. */
function fake_bridge(?FileState $state = null): FakeTransport
{
    $transport = new FakeTransport();
    $dir = sys_get_temp_dir() . '/ovirtha-cache-' . bin2hex(random_bytes(4));
    Tests::$temp[] = $dir;
    Module::use(transport: $transport, store: $state ?? file_state(), ledger: $state, clock: static fn (): int => TEST_NOW, cacheDir: $dir);
    return $transport;
}

/** Headers of a request the way the bridge sends them (lower case), signed at $at. */
function signed(string $body, string $id = 'cb_41', ?int $at = null, string $secret = TEST_WEBHOOK_SECRET): array
{
    return array_change_key_case(\WHMCS\Module\Server\Ovirtha\Signature::headers($secret, $id, $at ?? TEST_NOW, $body))
        + ['content-type' => 'application/json'];
}
