<?php

/*
 * oVirt HA Bridge: the VPS console file (.vv) as a download, for the Console buttons of the module's client-area box
 * and admin tab (a WHMCS custom function cannot answer with a file). Thin: lib/ConsoleEndpoint.php does the work.
 */

declare(strict_types=1);

// Requested by the browser, so WHMCS is not loaded yet: bootstrap it (session, database, check_token).
if (!defined('WHMCS')) {
    require __DIR__ . '/../../../init.php';
}
require_once __DIR__ . '/autoload.php';

\WHMCS\Module\Server\Ovirtha\ConsoleEndpoint::serve();
