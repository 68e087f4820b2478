<?php

/*
 * Stand-ins for the WHMCS functions the module calls (logModuleCall, localAPI, add_hook, logActivity), recording
 * every call in WhmcsStub. With a state directory (WhmcsStub::$stateDir, e.g. from OVIRTHA_TEST_STATE) the calls are
 * also appended to JSON-lines files there, so the jest suite can read what the PHP processes did, and localAPI reads
 * its scripted failures from localapi-fail.json and changes the service's status in the shared FileState.
 */

declare(strict_types=1);

if (!defined('WHMCS')) {
    define('WHMCS', true);
}

require_once __DIR__ . '/../../modules/servers/ovirtha/autoload.php';
require_once __DIR__ . '/FileState.php';

final class WhmcsStub
{
    /** @var list<array{module: string, action: string, request: mixed, response: mixed, processed: mixed, replace: array}> */
    public static array $moduleLog = [];
    /** @var list<array{command: string, data: array}> */
    public static array $localApiCalls = [];
    /** @var array<string, list<array{priority: int, fn: callable}>> */
    public static array $hooks = [];
    /** @var list<string> */
    public static array $activity = [];
    /** command => how many of the next calls fail */
    public static array $localApiFailures = [];
    public static ?string $stateDir = null;
    public static ?FileState $state = null;

    public static function reset(): void
    {
        self::$moduleLog = self::$localApiCalls = self::$hooks = self::$activity = self::$localApiFailures = [];
        self::$state = null;
    }

    public static function append(string $file, array $entry): void
    {
        if (self::$stateDir !== null) {
            file_put_contents(self::$stateDir . '/' . $file, json_encode($entry, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND | LOCK_EX);
        }
    }

    /** The module log with $replaceVars applied, the way WHMCS masks secrets before storing an entry. */
    public static function masked(mixed $value, array $replace): mixed
    {
        if (is_array($value)) {
            return array_map(static fn ($v) => self::masked($v, $replace), $value);
        }
        if (!is_string($value)) {
            return $value;
        }
        foreach ($replace as $secret) {
            if (is_string($secret) && $secret !== '') {
                $value = str_replace($secret, '***', $value);
            }
        }
        return $value;
    }

    private static function shouldFail(string $command): bool
    {
        if ((self::$localApiFailures[$command] ?? 0) > 0) {
            self::$localApiFailures[$command]--;
            return true;
        }
        if (self::$stateDir === null) {
            return false;
        }
        $file = self::$stateDir . '/localapi-fail.json';
        $fh = @fopen($file, 'c+');
        if ($fh === false) {
            return false;
        }
        flock($fh, LOCK_EX);
        $fail = json_decode((string) stream_get_contents($fh), true) ?: [];
        $hit = ($fail[$command] ?? 0) > 0;
        if ($hit) {
            $fail[$command]--;
            ftruncate($fh, 0);
            rewind($fh);
            fwrite($fh, json_encode($fail));
        }
        flock($fh, LOCK_UN);
        fclose($fh);
        return $hit;
    }

    public static function localApi(string $command, array $data): array
    {
        $entry = ['command' => $command, 'data' => $data];
        if (self::shouldFail($command)) {
            $entry['failed'] = true;
            self::$localApiCalls[] = $entry;
            self::append('localapi.jsonl', $entry);
            return ['result' => 'error', 'message' => "{$command} is failing on purpose (test)"];
        }
        self::$localApiCalls[] = $entry;
        self::append('localapi.jsonl', $entry);
        if ($command === 'UpdateClientProduct' && self::$state !== null && isset($data['status'])) {
            self::$state->setServiceStatus((int) $data['serviceid'], (string) $data['status']);
        }
        // The service's details as tblhosting would hold them (WHMCS encrypts the password; the stub keeps it plain).
        $details = array_intersect_key($data, array_flip(['dedicatedip', 'assignedips', 'serviceusername', 'servicepassword']));
        if ($command === 'UpdateClientProduct' && self::$state !== null && $details !== []) {
            self::$state->setService((int) $data['serviceid'], $details);
        }
        return ['result' => 'success'];
    }
}

function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = []): void
{
    $entry = [
        'module' => $module,
        'action' => $action,
        'request' => WhmcsStub::masked($requestString, $replaceVars),
        'response' => WhmcsStub::masked($responseData, $replaceVars),
        'processed' => WhmcsStub::masked($processedData, $replaceVars),
        'replace' => $replaceVars,
    ];
    WhmcsStub::$moduleLog[] = $entry;
    unset($entry['replace']);
    WhmcsStub::append('modulelog.jsonl', $entry);
}

function localAPI($command, $postData = [], $adminUser = null): array
{
    return WhmcsStub::localApi((string) $command, (array) $postData);
}

function add_hook($hookPoint, $priority, $function): void
{
    WhmcsStub::$hooks[$hookPoint][] = ['priority' => (int) $priority, 'fn' => $function];
}

function logActivity($message, $userId = 0): void
{
    WhmcsStub::$activity[] = (string) $message;
    WhmcsStub::append('activity.jsonl', ['message' => $message, 'user_id' => $userId]);
}
