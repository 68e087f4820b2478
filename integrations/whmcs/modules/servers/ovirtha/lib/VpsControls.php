<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * The VPS actions as WHMCS custom functions: Start, Shut down, Reboot, Power off and Reinstall, asked of
 * the bridge (POST /api/v1/services/{id}/power|reinstall) for the customer (client area) or a staff member (admin
 * area), whom the bridge records in its action log (`requested_by`, `requester`: the client id, or the WHMCS admin's
 * user name). WHMCS shows the returned string: 'success', or what went wrong.
 *
 * The customer reads the bridge's refusal as it is (the engine's reason for a locked VM, the per-service limit with
 * when to try again: the bridge words those for customers); anything about the connection or the keys is for staff
 * and goes to the module and activity logs, the customer gets a plain sentence.
 *
 * Power off and Reinstall wipe work or the disk: from the client area they run only with the module box's
 * confirmation tick (`ovirtha_confirm=yes`); in the admin area WHMCS asks staff to confirm any module command.
 */
final class VpsControls
{
    public const CUSTOMER = 'customer';
    public const ADMIN = 'admin';
    public const UNAVAILABLE = 'Your VPS cannot be reached right now. '
        . 'Please try again in a few minutes, or contact us if it keeps happening.';
    public const CONFIRM_STOP = 'To power off, tick "I understand" in the VPS box on this page and use its Power off button: '
        . 'it cuts the VPS like a pulled plug.';
    public const CONFIRM_REINSTALL = 'To reinstall, choose the operating system and tick "everything on the disk is erased" '
        . 'in the VPS box on this page, then use its Reinstall button.';

    /**
     * @param array<string, mixed> $request the form fields ($_POST)
     * @param ?int $adminId the signed-in WHMCS admin (default: WHMCS's session)
     */
    public function __construct(private readonly string $by, private readonly array $request = [], private readonly ?int $adminId = null)
    {
    }

    /** Who is asking, from where WHMCS runs the function: its admin area defines ADMINAREA. */
    public static function area(): string
    {
        return defined('ADMINAREA') ? self::ADMIN : self::CUSTOMER;
    }

    public function power(array $params, string $action): string
    {
        if ($action === 'stop' && $this->by === self::CUSTOMER && ($this->request['ovirtha_confirm'] ?? '') !== 'yes') {
            return self::CONFIRM_STOP;
        }
        return $this->run(
            $params,
            'power',
            static fn (BridgeClient $b, string $id, string $by, string $who): array => $b->power($id, $action, $by, $who),
        );
    }

    /**
     * The OS: from the client area, the form's choice among the product's Operating System sub-options; from the
     * admin area, the service's own Operating System option (staff change that option on the service, then
     * Reinstall). Without either, the OS the VPS has now.
     */
    public function reinstall(array $params): string
    {
        $os = null;
        if ($this->by === self::CUSTOMER) {
            if (($this->request['ovirtha_confirm'] ?? '') !== 'yes') {
                return self::CONFIRM_REINSTALL;
            }
            $chosen = strtolower(trim((string) ($this->request['ovirtha_os'] ?? '')));
            $offered = array_column(Module::store()->osOptions((int) ($params['pid'] ?? 0)), 'key');
            if ($chosen !== '' && !in_array($chosen, $offered, true)) {
                return 'That operating system is not offered for this product; choose one from the list.';
            }
            $os = $chosen !== '' ? $chosen : null;
        } else {
            try {
                $os = OrderChoices::os($params);
            } catch (\InvalidArgumentException $e) {
                return 'oVirt HA Bridge: ' . $e->getMessage();
            }
        }
        return $this->run(
            $params,
            'reinstall',
            static fn (BridgeClient $b, string $id, string $by, string $who): array => $b->reinstall($id, $os, $by, $who),
        );
    }

    /**
     * The console file for console.php: ['ok' => true, 'file_name', 'content'] or ['ok' => false, 'status', 'error'].
     *
     * @return array{ok: bool, file_name?: string, content?: string, status?: int, error?: string}
     */
    public function console(array $params, ?BridgeSettings $settings = null): array
    {
        $file = null;
        $status = null;
        $result = $this->run(
            $params,
            'console',
            static function (BridgeClient $b, string $id, string $by, string $who) use (&$file): array {
                $file = $b->consoleFile($id, $by, $who);
                return [];
            },
            $status,
            $settings,
        );
        if ($result !== 'success' || $file === null) {
            return ['ok' => false, 'status' => $status ?? 502, 'error' => $result];
        }
        return ['ok' => true, 'file_name' => $file['file_name'], 'content' => $file['content']];
    }

    /** The name the bridge records: the client id, or the WHMCS admin's user name. */
    public function requester(array $params): string
    {
        if ($this->by === self::CUSTOMER) {
            return (string) ($params['userid'] ?? '');
        }
        $adminId = $this->adminId ?? (int) ($_SESSION['adminid'] ?? 0);
        return ($adminId > 0 ? Module::store()->adminUsername($adminId) : null) ?? ($adminId > 0 ? "admin#{$adminId}" : 'admin');
    }

    /** @param \Closure(BridgeClient, string, string, string): array $call */
    private function run(array $params, string $what, \Closure $call, ?int &$status = null, ?BridgeSettings $settings = null): string
    {
        $serviceId = ServiceActions::serviceId($params);
        $function = 'Vps' . ucfirst($what);
        try {
            $settings ??= BridgeSettings::fromParams($params);
        } catch (\InvalidArgumentException $e) {
            return $this->refuse($params, $function, 'oVirt HA Bridge: ' . $e->getMessage() . ' (Setup > Servers)', null, []);
        }
        $bridge = Module::bridge($settings, $function, BridgeClient::PAGE_TIMEOUT_SECONDS);
        try {
            $call($bridge, $serviceId, $this->by, $this->requester($params));
            return 'success';
        } catch (BridgeError $e) {
            $status = $e->status;
            return $this->refuse($params, $function, $e->adminMessage(), $e, $settings->secrets());
        }
    }

    /** @param list<string> $secrets */
    private function refuse(array $params, string $function, string $admin, ?BridgeError $e, array $secrets): string
    {
        (new ModuleLog($function, $secrets))->record('(outcome)', $admin);
        if ($this->by === self::ADMIN) {
            return $admin;
        }
        // The bridge words these for the customer: the VPS's state, the engine's refusal, the limit, a bad field.
        if ($e !== null && in_array($e->status, [400, 409, 422, 429], true)) {
            return $e->getMessage() . ($e->details !== '' ? " ({$e->details})" : '');
        }
        if ($e !== null && $e->status === 404 && !$e->isMissingRoute()) {
            return 'Your VPS is still being set up; try again once it runs.';
        }
        if (function_exists('logActivity')) {
            logActivity(
                'oVirt HA Bridge: a VPS action for service #' . ServiceActions::serviceId($params) . " failed: {$admin}",
                (int) ($params['userid'] ?? 0),
            );
        }
        return self::UNAVAILABLE;
    }
}
