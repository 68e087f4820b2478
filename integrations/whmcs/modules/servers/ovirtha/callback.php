<?php

/*
 * oVirt HA Bridge -> WHMCS callbacks: set the bridge's BILLING_CALLBACK_URL to this file's URL, e.g.
 * https://billing.example.net/modules/servers/ovirtha/callback.php. Thin on purpose: the work is in
 * lib/Callback/CallbackHandler.php (signature, timestamp, replays, localAPI), which the tests drive directly.
 */

declare(strict_types=1);

// Requested directly by the bridge, so WHMCS is not loaded yet: bootstrap it (database, localAPI, Capsule). A caller
// that already defined WHMCS (the tests' callback server) has set up its own.
if (!defined('WHMCS')) {
    require __DIR__ . '/../../../init.php';
}
require_once __DIR__ . '/autoload.php';

\WHMCS\Module\Server\Ovirtha\Callback\CallbackEndpoint::serve();
