<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * ClientArea: a box on the service's overview page with the VPS's state, its uptime over 30 days and its last outage
 * (GET /api/v1/services/{id}/uptime), how to reach it (host name, OS, user name, addresses), and a link to the full
 * history in the bridge's client area (through WHMCS's single sign-on, so the link is minted only when clicked).
 * Variables go to templates/clientarea.tpl under $ovirtha, plain strings (the template escapes them). The page waits
 * for the bridge PAGE_TIMEOUT_SECONDS at most.
 */
final class ClientAreaView
{
    private const STATE_LABELS = [
        'pending' => 'Being set up',
        'provisioning' => 'Being set up',
        'active' => 'Running',
        'suspending' => 'Being suspended',
        'suspended' => 'Suspended',
        'terminating' => 'Being removed',
        'terminated' => 'Removed',
        'failed' => 'Setup delayed: our team is on it',
        'vm_missing' => 'Unavailable: our team has been told',
    ];

    private const CAUSE_LABELS = [
        'ha_restart' => 'Host failure, restarted on another host',
        'host_failure' => 'Host failure',
        'crash' => 'Crash, restarted automatically',
        'unknown' => 'Unknown',
        'vm_missing' => 'VPS missing from the platform',
    ];

    /** @return array{tabOverviewModuleOutputTemplate: string, templateVariables: array{ovirtha: array<string, mixed>}} */
    public function render(array $params): array
    {
        return [
            'tabOverviewModuleOutputTemplate' => 'templates/clientarea.tpl',
            'templateVariables' => ['ovirtha' => $this->variables($params)],
        ];
    }

    /** @return array<string, mixed> */
    public function variables(array $params): array
    {
        $serviceId = ServiceActions::serviceId($params);
        $vars = [
            'available' => false,
            'error' => null,
            'state' => null,
            'state_label' => null,
            'vm_status' => null,
            'uptime_30d' => null,
            'sla_target' => null,
            'active_since' => null,
            'last_incident' => null,
            'history_url' => 'clientarea.php?action=productdetails&id=' . rawurlencode($serviceId) . '&dosinglesignon=1',
            'vps' => null,
            'controls' => null,
        ];
        try {
            $bridge = Module::bridge(BridgeSettings::fromParams($params), 'ClientArea', BridgeClient::PAGE_TIMEOUT_SECONDS);
            $u = $bridge->uptime($serviceId);
        } catch (BridgeError $e) {
            $vars['error'] = $e->status === 404
                ? 'Your VPS is being set up; its uptime appears here once it runs.'
                : 'Uptime figures are not available right now.';
            return $vars;
        } catch (\InvalidArgumentException) {
            $vars['error'] = 'Uptime figures are not available right now.';
            return $vars;
        }
        $state = is_string($u['state'] ?? null) ? $u['state'] : 'unknown';
        $percent = $u['windows']['30d']['uptime_percent'] ?? null;
        $target = $u['plan']['sla_target_percent'] ?? null;
        return [
            'available' => true,
            'state' => $state,
            'state_label' => self::STATE_LABELS[$state] ?? ucfirst($state),
            'vm_status' => is_string($u['vm_status'] ?? null) ? $u['vm_status'] : null,
            'uptime_30d' => is_int($percent) || is_float($percent) ? self::percent((float) $percent) : null,
            'sla_target' => is_int($target) || is_float($target) ? self::percent((float) $target) : null,
            'active_since' => is_string($u['active_since'] ?? null) ? $u['active_since'] : null,
            'last_incident' => self::lastOutage(is_array($u['incidents'] ?? null) ? $u['incidents'] : []),
            'vps' => self::access($bridge, $serviceId),
            'controls' => self::controls($params),
        ] + $vars;
    }

    /**
     * How to reach the VPS (GET /api/v1/services/{id}): its host name, OS, login name and addresses. Never the engine
     * host it runs on, which that answer also holds, and never a password (the bridge has none to give). Read only
     * once the uptime answered, so a bridge that is down costs the page one wait, not two; when this read fails the
     * box shows the uptime without it.
     *
     * @return array{hostname: ?string, os: ?string, username: ?string, ipv4: list<string>, ipv6: list<string>}|null
     */
    private static function access(BridgeClient $bridge, string $serviceId): ?array
    {
        try {
            $s = $bridge->service($serviceId);
        } catch (\Throwable) {
            return null;
        }
        $network = is_array($s['network'] ?? null) ? $s['network'] : [];
        $strings = static fn (mixed $list): array => array_values(array_filter(is_array($list) ? $list : [], 'is_string'));
        $os = is_array($s['os'] ?? null) ? $s['os'] : [];
        return [
            'hostname' => is_string($s['hostname'] ?? null) ? $s['hostname'] : null,
            'os' => is_string($os['label'] ?? null) ? $os['label'] : (is_string($os['key'] ?? null) ? $os['key'] : null),
            'username' => is_string($s['username'] ?? null) ? $s['username'] : null,
            'ipv4' => $strings($network['ipv4'] ?? null),
            'ipv6' => $strings($network['ipv6'] ?? null),
        ];
    }

    /**
     * The VPS's actions in the box: where Power off and Reinstall post (WHMCS's custom-function URL, with the
     * confirmation tick), the OS choices from the product's Operating System option (the service's own selected), and
     * console.php for the .vv download. The buttons Start, Shut down and Reboot are WHMCS's own (ClientAreaCustomButtonArray).
     *
     * @return array{
     *     action_url: string,
     *     console_url: string,
     *     service_id: string,
     *     os_options: list<array{key: string, label: string, selected: bool}>,
     * }
     */
    private static function controls(array $params): array
    {
        $serviceId = ServiceActions::serviceId($params);
        try {
            $current = OrderChoices::os($params);
        } catch (\InvalidArgumentException) {
            $current = null;
        }
        try {
            $choices = Module::store()->osOptions((int) ($params['pid'] ?? 0));
        } catch (\Throwable) {
            // Without its OS list the form still reinstalls the OS the VPS has.
            $choices = [];
        }
        return [
            'action_url' => 'clientarea.php?action=productdetails&id=' . rawurlencode($serviceId),
            'console_url' => 'modules/servers/ovirtha/console.php',
            'service_id' => $serviceId,
            'os_options' => array_map(static fn (array $o): array => $o + ['selected' => $o['key'] === $current], $choices),
        ];
    }

    /**
     * The latest incident that counted against uptime (down or unknown time). Planned work, customer shutdowns and
     * live migrations are part of the full history behind the link, not the headline.
     *
     * @return array{summary: string, cause: string, started_at: string, ended_at: ?string, duration: ?string}|null
     */
    private static function lastOutage(array $incidents): ?array
    {
        $latest = null;
        foreach ($incidents as $i) {
            if (!is_array($i) || ($i['counts_as'] ?? '') === 'excluded' || !is_string($i['started_at'] ?? null)) {
                continue;
            }
            if ($latest === null || strcmp($i['started_at'], $latest['started_at']) > 0) {
                $latest = $i;
            }
        }
        if ($latest === null) {
            return null;
        }
        $seconds = $latest['duration_seconds'] ?? null;
        return [
            'summary' => is_string($latest['summary'] ?? null) ? $latest['summary'] : '',
            'cause' => self::CAUSE_LABELS[$latest['cause'] ?? ''] ?? (string) ($latest['cause'] ?? ''),
            'started_at' => $latest['started_at'],
            'ended_at' => is_string($latest['ended_at'] ?? null) ? $latest['ended_at'] : null,
            'duration' => is_int($seconds) ? self::duration($seconds) : null,
        ];
    }

    /** 99.98 stays 99.98, 100 shows as 100, and 99.9999 is not rounded up to a 100 it did not reach. */
    private static function percent(float $p): string
    {
        $floored = floor($p * 100) / 100;
        $text = rtrim(rtrim(number_format($floored, 2, '.', ''), '0'), '.');
        return $text === '' ? '0' : $text;
    }

    private static function duration(int $seconds): string
    {
        if ($seconds < 60) {
            return "{$seconds} s";
        }
        $h = intdiv($seconds, 3600);
        $m = intdiv($seconds % 3600, 60);
        $s = $seconds % 60;
        return $h > 0 ? "{$h} h {$m} min" : "{$m} min {$s} s";
    }
}
