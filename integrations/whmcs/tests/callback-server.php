<?php

/*
 * The WHMCS side of BILLING_CALLBACK_URL in tests: php -S 127.0.0.1:PORT integrations/whmcs/tests/callback-server.php
 * with OVIRTHA_TEST_STATE set. Every request runs the module's real callback.php, with the WHMCS stubs in place of
 * init.php (localAPI and friends record to the state directory) and the shared FileState as WHMCS's tables and the
 * callback ledger. Each request and its answer are appended to callbacks.jsonl, so the suite can check, replay and
 * forge them.
 */

declare(strict_types=1);

require __DIR__ . '/stubs/whmcs.php';
require_once __DIR__ . '/stubs/FileTemplates.php';

use WHMCS\Module\Server\Ovirtha\Callback\CallbackEndpoint;
use WHMCS\Module\Server\Ovirtha\Module;

$dir = getenv('OVIRTHA_TEST_STATE');
if ($dir === false || !is_dir($dir)) {
    http_response_code(500);
    echo '{"error":"OVIRTHA_TEST_STATE is not a directory"}';
    return;
}
WhmcsStub::$stateDir = $dir;
$state = new FileState("{$dir}/state.json");
WhmcsStub::$state = $state;
Module::use(store: $state, ledger: $state, templates: new FileTemplates($dir));

$body = (string) file_get_contents('php://input');
$headers = CallbackEndpoint::headers($_SERVER);
register_shutdown_function(static function () use ($headers, $body): void {
    WhmcsStub::append('callbacks.jsonl', [
        'path' => $_SERVER['REQUEST_URI'] ?? '',
        'headers' => $headers,
        'body' => $body,
        'status' => http_response_code(),
    ]);
});

require __DIR__ . '/../modules/servers/ovirtha/callback.php';
