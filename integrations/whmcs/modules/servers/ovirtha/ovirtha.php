<?php

/*
 * oVirt HA Bridge: WHMCS provisioning module. Orders, suspensions, upgrades and cancellations become signed webhooks
 * to the bridge, which builds and runs highly available VPS on oVirt; customers see their uptime and failover
 * history. Install: README.md in this folder.
 *
 * Every function hands over to a small class in lib/ (namespace WHMCS\Module\Server\Ovirtha) and returns what WHMCS
 * expects of it: 'success' or an error in words for the lifecycle functions, arrays for the rest.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\AdminConsoleSignOn;
use WHMCS\Module\Server\Ovirtha\AdminServiceTab;
use WHMCS\Module\Server\Ovirtha\ClientAreaView;
use WHMCS\Module\Server\Ovirtha\ConnectionTest;
use WHMCS\Module\Server\Ovirtha\Module;
use WHMCS\Module\Server\Ovirtha\ProductOptions;
use WHMCS\Module\Server\Ovirtha\ServiceActions;
use WHMCS\Module\Server\Ovirtha\SingleSignOn;
use WHMCS\Module\Server\Ovirtha\VpsControls;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/autoload.php';

function ovirtha_MetaData(): array
{
    return [
        'DisplayName' => 'oVirt HA Bridge',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        // The bridge listens on 3000 (PORT) by itself; behind TLS it is usually a reverse proxy on 443.
        'DefaultNonSSLPort' => '3000',
        'DefaultSSLPort' => '443',
        'ServiceSingleSignOnLabel' => 'Uptime and failover history',
        'AdminSingleSignOnLabel' => 'Open the bridge admin console',
    ];
}

/** Module Settings of a product. Works without $params (WHMCS passes none on older versions). */
function ovirtha_ConfigOptions(array $params = []): array
{
    try {
        $gate = Module::capacityGate();
    } catch (\Throwable) {
        $gate = null;
    }
    return (new ProductOptions($gate))->fields($params);
}

function ovirtha_TestConnection(array $params): array
{
    return (new ConnectionTest())->run($params);
}

function ovirtha_CreateAccount(array $params): string
{
    return (new ServiceActions(Module::store()))->create($params);
}

function ovirtha_SuspendAccount(array $params): string
{
    return (new ServiceActions(Module::store()))->suspend($params);
}

function ovirtha_UnsuspendAccount(array $params): string
{
    return (new ServiceActions(Module::store()))->unsuspend($params);
}

function ovirtha_TerminateAccount(array $params): string
{
    return (new ServiceActions(Module::store()))->terminate($params);
}

function ovirtha_ChangePackage(array $params): string
{
    return (new ServiceActions(Module::store()))->changePackage($params);
}

function ovirtha_Renew(array $params): string
{
    return (new ServiceActions(Module::store()))->renew($params);
}

function ovirtha_ServiceSingleSignOn(array $params): array
{
    return (new SingleSignOn())->link($params);
}

function ovirtha_ClientArea(array $params): array
{
    return (new ClientAreaView())->render($params);
}

function ovirtha_AdminServicesTabFields(array $params): array
{
    return (new AdminServiceTab())->fields($params);
}

/*
 * VPS actions. Start, Shut down and Reboot are one click; Power off and Reinstall are not shown as client
 * buttons: the module box asks for their confirmation and posts them (ClientAreaAllowedFunctions). Console is a form
 * to console.php, since a custom function cannot answer with a file. There is no ChangePassword: the bridge cannot set
 * a running VPS's root password (README "Why there is no Change Password").
 */
function ovirtha_ClientAreaCustomButtonArray(): array
{
    return ['Start' => 'start', 'Shut down' => 'shutdown', 'Reboot' => 'reboot'];
}

/** Label => function, as WHMCS's sample module writes it; WHMCS allows the functions (the values). */
function ovirtha_ClientAreaAllowedFunctions(): array
{
    return ['Power off' => 'poweroff', 'Reinstall' => 'reinstall'];
}

function ovirtha_AdminCustomButtonArray(): array
{
    return ['Start' => 'start', 'Shut down' => 'shutdown', 'Reboot' => 'reboot', 'Power off' => 'poweroff', 'Reinstall' => 'reinstall'];
}

function ovirtha_start(array $params): string
{
    return (new VpsControls(VpsControls::area(), $_POST))->power($params, 'start');
}

function ovirtha_shutdown(array $params): string
{
    return (new VpsControls(VpsControls::area(), $_POST))->power($params, 'shutdown');
}

function ovirtha_reboot(array $params): string
{
    return (new VpsControls(VpsControls::area(), $_POST))->power($params, 'reboot');
}

function ovirtha_poweroff(array $params): string
{
    return (new VpsControls(VpsControls::area(), $_POST))->power($params, 'stop');
}

function ovirtha_reinstall(array $params): string
{
    return (new VpsControls(VpsControls::area(), $_POST))->reinstall($params);
}

function ovirtha_AdminSingleSignOn(array $params): array
{
    return (new AdminConsoleSignOn())->link($params);
}
