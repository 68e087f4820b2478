<?php

/*
 * The module's PHP tests: php integrations/whmcs/tests/run.php [filter]. Every file in unit/ registers cases; each
 * runs with the module's collaborators and the WHMCS stubs reset. Exit status 1 when any fails.
 */

declare(strict_types=1);

error_reporting(E_ALL);
set_error_handler(static function (int $no, string $message, string $file, int $line): bool {
    // Warnings and notices are bugs here: turn them into failures of the case that raised them (except where the code
    // silenced them with @ on purpose, e.g. a cache file that may not exist).
    if ((error_reporting() & $no) === 0) {
        return false;
    }
    throw new ErrorException($message, 0, $no, $file, $line);
});

require __DIR__ . '/harness.php';

foreach (glob(__DIR__ . '/unit/*.php') ?: [] as $file) {
    require $file;
}

$filter = $argv[1] ?? '';
$passed = $failed = 0;
foreach (Tests::$cases as $name => $fn) {
    if ($filter !== '' && !str_contains($name, $filter)) {
        continue;
    }
    \WHMCS\Module\Server\Ovirtha\Module::reset();
    WhmcsStub::reset();
    $_SESSION = [];
    $_REQUEST = [];
    try {
        $fn();
        $passed++;
        echo "ok - {$name}\n";
    } catch (Throwable $e) {
        $failed++;
        $where = $e instanceof AssertionFailed ? '' : ' (' . get_class($e) . ' at ' . basename($e->getFile()) . ':' . $e->getLine() . ')';
        echo "not ok - {$name}: {$e->getMessage()}{$where}\n";
    }
}
foreach (array_filter(Tests::$temp, 'file_exists') as $path) {
    foreach (is_dir($path) ? (glob($path . '/*') ?: []) : [] as $file) {
        @unlink($file);
    }
    is_dir($path) ? @rmdir($path) : @unlink($path);
}
echo "\n" . Tests::assertions() . " assertions\n";
echo "{$passed} passed, {$failed} failed\n";
exit($failed === 0 && $passed > 0 ? 0 : 1);
