<?php

/*
 * Drives the module the way WHMCS does, against a real bridge: php lifecycle.php <Function> ['<json>'].
 *
 * Functions: Setup (writes the shared WHMCS state: the bridge server record from the environment, products and
 * services from the JSON), the module functions (CreateAccount, SuspendAccount, …, ClientArea, TestConnection,
 * ConfigOptions), the shop hooks (OrderForm: ClientAreaPageCart with the products listed; Checkout:
 * ShoppingCartValidateCheckout with those products in the cart), and Cron (the AfterCronJob hook: stuck or failed
 * orders told to the admins).
 *
 * $params are built like WHMCS builds them: the server record's fields (serverhostname, serverport, serversecure,
 * serverpassword = API key, serveraccesshash = webhook secret), the service's ids, and a service model whose
 * updated_at is the shared state's. After a lifecycle function returns 'success' the state changes the way WHMCS
 * changes tblhosting (Create -> Active, Suspend -> Suspended, …, each moving updated_at), unless WHMCS_RECORDS=0,
 * which plays a run whose answer WHMCS never saw (so its retry is the same request).
 *
 * Environment: BRIDGE_URL (http://127.0.0.1:PORT), BRIDGE_API_KEY, BRIDGE_WEBHOOK_SECRET, SERVICE_ID, CLIENT_ID,
 * PRODUCT_ID, SERVICE_DOMAIN, OVIRTHA_TEST_STATE (a directory shared with callback-server.php), SERVER_FORM
 * (parts: hostname + port, the default; url: the full URL in the Hostname field), TRANSPORT (curl or stream),
 * NOW_OFFSET (seconds added to the module's clock, e.g. to play a cron run half an hour later).
 *
 * Prints one JSON object: {"result": …, "exchanges": [every request to the bridge and its answer], "service": …}.
 */

declare(strict_types=1);

require __DIR__ . '/stubs/whmcs.php';
require __DIR__ . '/stubs/RecordingTransport.php';
require __DIR__ . '/../modules/servers/ovirtha/ovirtha.php';

use WHMCS\Module\Server\Ovirtha\Http\CurlTransport;
use WHMCS\Module\Server\Ovirtha\Http\StreamTransport;
use WHMCS\Module\Server\Ovirtha\Module;

function env(string $name, ?string $default = null): string
{
    $value = getenv($name);
    if ($value === false || $value === '') {
        if ($default === null) {
            fwrite(STDERR, "lifecycle.php: set {$name}\n");
            exit(2);
        }
        return $default;
    }
    return $value;
}

$function = $argv[1] ?? '';
$input = json_decode($argv[2] ?? '{}', true, 512, JSON_THROW_ON_ERROR);
$dir = env('OVIRTHA_TEST_STATE');
$stateFile = "{$dir}/state.json";
WhmcsStub::$stateDir = $dir;

$bridge = parse_url(env('BRIDGE_URL'));
$serverRecord = env('SERVER_FORM', 'parts') === 'url'
    ? ['hostname' => env('BRIDGE_URL'), 'port' => '', 'secure' => false]
    : ['hostname' => $bridge['host'], 'port' => (string) ($bridge['port'] ?? ''), 'secure' => ($bridge['scheme'] ?? 'http') === 'https'];
$serverRecord += ['password' => env('BRIDGE_API_KEY'), 'accesshash' => env('BRIDGE_WEBHOOK_SECRET')];

if ($function === 'Setup') {
    FileState::create($stateFile, [$serverRecord], $input['products'] ?? [], $input['services'] ?? []);
    if (isset($input['admins'])) {
        // WHMCS staff (tbladmins: id => username), for the VPS actions' requester and AdminSingleSignOn.
        $db = json_decode((string) file_get_contents($stateFile), true);
        file_put_contents($stateFile, json_encode($db + ['admins' => $input['admins']], JSON_PRETTY_PRINT));
    }
    echo json_encode(['result' => 'ok']), "\n";
    exit(0);
}

$state = new FileState($stateFile);
WhmcsStub::$state = $state;
$recording = new RecordingTransport(env('TRANSPORT', 'curl') === 'stream' ? new StreamTransport() : new CurlTransport());
$offset = (int) env('NOW_OFFSET', '0');
Module::use(
    transport: $recording,
    store: $state,
    ledger: $state,
    cacheDir: "{$dir}/cache",
    clock: $offset !== 0 ? static fn (): int => time() + $offset : null,
);

// VPS actions: the fields a client-area or admin-area form posts, who is signed in, and which area runs
// the function (WHMCS's admin area defines ADMINAREA).
$_POST = is_array($input['post'] ?? null) ? $input['post'] : [];
$_SESSION = is_array($input['session'] ?? null) ? $input['session'] : [];
if (($input['area'] ?? '') === 'admin') {
    define('ADMINAREA', true);
}

$serviceId = (int) env('SERVICE_ID', '0');
$service = $serviceId > 0 ? $state->service($serviceId) : null;
$params = ($input['params'] ?? []) + [
    'serviceid' => $serviceId,
    'userid' => (int) env('CLIENT_ID', (string) ($service?->userId ?? 55)),
    'pid' => (int) env('PRODUCT_ID', (string) ($service?->productId ?? 7)),
    'serverid' => 1,
    'domain' => env('SERVICE_DOMAIN', "vps{$serviceId}.example.net"),
    'username' => 'vps' . $serviceId,
    'password' => 'Gen3r4tedPw',
    'producttype' => 'server',
    'moduletype' => 'ovirtha',
    'server' => true,
    'serverip' => '',
    'serverhostname' => $serverRecord['hostname'],
    'serverport' => $serverRecord['port'],
    'serversecure' => $serverRecord['secure'] ? 'on' : '',
    'serverusername' => '',
    'serverpassword' => $serverRecord['password'],
    'serveraccesshash' => $serverRecord['accesshash'],
    'status' => $service?->status ?? 'Pending',
    'model' => (object) ['updated_at' => $service?->updatedAt, 'nextduedate' => '2027-01-01'],
];
$product = $state->product((int) $params['pid']);
foreach ([1, 2, 3] as $i) {
    $params["configoption{$i}"] ??= $product?->configOptions[$i] ?? '';
}

/** What WHMCS writes to tblhosting when each lifecycle function succeeds. */
$whmcsRecords = [
    'CreateAccount' => 'Active',
    'SuspendAccount' => 'Suspended',
    'UnsuspendAccount' => 'Active',
    'TerminateAccount' => 'Terminated',
];

switch ($function) {
    case 'OrderForm':
        require __DIR__ . '/../modules/servers/ovirtha/hooks.php';
        $products = array_map(static fn ($pid) => [
            'pid' => $pid,
            'name' => $state->product((int) $pid)?->name,
            'qty' => 0,
            'stockControlEnabled' => false,
        ], $input['pids'] ?? []);
        $result = (WhmcsStub::$hooks['ClientAreaPageCart'][0]['fn'])(['templatefile' => 'products', 'products' => $products]);
        break;
    case 'Checkout':
        require __DIR__ . '/../modules/servers/ovirtha/hooks.php';
        $_SESSION['cart'] = [
            'products' => array_map(static fn ($pid) => ['pid' => $pid, 'billingcycle' => 'monthly'], $input['pids'] ?? []),
        ];
        $result = (WhmcsStub::$hooks['ShoppingCartValidateCheckout'][0]['fn'])(['a' => 'checkout', 'submit' => 'true']);
        break;
    case 'Cron':
        require __DIR__ . '/../modules/servers/ovirtha/hooks.php';
        $result = (WhmcsStub::$hooks['AfterCronJob'][0]['fn'])([]);
        break;
    case 'Console':
        // console.php's work, with the WHMCS token taken as checked unless the input says otherwise.
        $result = \WHMCS\Module\Server\Ovirtha\ConsoleEndpoint::handle($_POST, $_SESSION, (bool) ($input['token_valid'] ?? true));
        break;
    case 'MetaData':
        $result = ovirtha_MetaData();
        break;
    case 'ConfigOptions':
        $result = ovirtha_ConfigOptions($input['params'] ?? []);
        break;
    default:
        $fn = "ovirtha_{$function}";
        if (!function_exists($fn)) {
            fwrite(STDERR, "lifecycle.php: unknown function {$function}\n");
            exit(2);
        }
        $result = $fn($params);
        if ($result === 'success' && getenv('WHMCS_RECORDS') !== '0') {
            if (isset($whmcsRecords[$function])) {
                $state->setServiceStatus($serviceId, $whmcsRecords[$function]);
            } elseif ($function === 'ChangePackage') {
                $state->setService($serviceId, ['pid' => (int) $params['pid']]);
                $state->setServiceStatus($serviceId, (string) $state->service($serviceId)?->status);
            }
        }
}

echo json_encode([
    'result' => $result,
    'exchanges' => $recording->exchanges,
    'service' => $serviceId > 0 ? $state->service($serviceId) : null,
    'module_log' => WhmcsStub::$moduleLog,
], JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
