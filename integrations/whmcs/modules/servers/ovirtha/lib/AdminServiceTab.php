<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * AdminServicesTabFields: what the bridge says about the service on its admin page, read live
 * (GET /api/v1/services/{id}). Values are HTML in WHMCS, so every one is escaped.
 */
final class AdminServiceTab
{
    /** @return array<string, string> label => HTML */
    public function fields(array $params): array
    {
        try {
            $bridge = Module::bridge(BridgeSettings::fromParams($params), 'AdminServicesTabFields');
            $s = $bridge->service(ServiceActions::serviceId($params));
        } catch (BridgeError $e) {
            return ['oVirt HA Bridge' => self::h(
                $e->status === 404
                    ? 'The bridge has no VPS for this service (not created yet, or created under another id).'
                    : $e->adminMessage()
            )];
        } catch (\InvalidArgumentException $e) {
            return ['oVirt HA Bridge' => self::h($e->getMessage())];
        }
        $vm = is_array($s['vm'] ?? null) ? $s['vm'] : [];
        $vmText = isset($vm['name']) && $vm['name'] !== null
            ? $vm['name']
                . (isset($vm['host']) && $vm['host'] !== null ? " on {$vm['host']}" : '')
                . (isset($vm['id']) && $vm['id'] !== null ? " (id {$vm['id']})" : '')
            : 'none yet';
        $cancel = is_array($s['cancellation'] ?? null)
            ? ($s['cancellation']['type'] ?? 'requested') . ' (' . ($s['cancellation']['requested_at'] ?? '') . ')'
            : 'none';
        return [
            'Bridge desired state' => self::h((string) ($s['desired_state'] ?? '')),
            'Bridge actual state' => self::h((string) ($s['actual_state'] ?? '')) . self::progress($s),
            'Bridge VM' => self::h($vmText),
            'Bridge last error' => self::h(is_string($s['last_error'] ?? null) ? $s['last_error'] : 'none'),
            'Bridge cancellation' => self::h($cancel),
            'Bridge plan (product id)' => self::h((string) ($s['product_id'] ?? '')),
            'Bridge updated' => self::h((string) ($s['updated_at'] ?? '')),
            'VPS console' => self::consoleForm(ServiceActions::serviceId($params)),
        ];
    }

    private static function progress(array $s): string
    {
        $actual = $s['actual_state'] ?? null;
        if ($actual === 'failed') {
            return ' <em>(see the last error; Create runs it again once fixed)</em>';
        }
        if ($actual === 'vm_missing') {
            // The VM was removed outside the bridge: Create builds a new, empty VPS; Terminate ends it.
            return ' <em>(the VM is gone from oVirt: Create builds a new, empty VPS; Terminate ends the service)</em>';
        }
        $settled = ['active' => 'active', 'suspended' => 'suspended', 'terminated' => 'terminated'];
        return ($settled[$s['desired_state'] ?? ''] ?? null) === $actual
            ? ''
            : ' <em>(on its way to ' . self::h((string) ($s['desired_state'] ?? '')) . ')</em>';
    }

    /**
     * The console file through console.php, since a module command cannot answer with a file; the form
     * carries the admin area's CSRF token and names the admin area, so the bridge records the staff member.
     */
    private static function consoleForm(string $serviceId): string
    {
        $token = function_exists('generate_token') ? (string) generate_token('plain') : '';
        return '<form method="post" action="../modules/servers/ovirtha/console.php" target="_blank" style="display:inline">'
            . '<input type="hidden" name="token" value="' . self::h($token) . '"><input type="hidden" name="area" value="admin">'
            . '<input type="hidden" name="id" value="' . self::h($serviceId) . '">'
            . '<button type="submit" class="btn btn-default btn-sm">Download console file (.vv)</button></form>'
            . ' <em>for remote-viewer; valid 2 minutes. Power actions and Reinstall are the module commands above.</em>';
    }

    private static function h(string $s): string
    {
        return htmlspecialchars($s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
    }
}
