<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

use WHMCS\Module\Server\Ovirtha\Notices\EmailTemplates;
use WHMCS\Module\Server\Ovirtha\Notices\TemplateInstaller;
use WHMCS\Module\Server\Ovirtha\Store\ServiceInfo;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApi;

/**
 * The bridge's notices: e-mails, no change to the service.
 *
 * service.maintenance_announced, service.incident_opened, service.incident_resolved
 *     one e-mail to the service's client with the module's template (Notices/EmailTemplates.php), installed in WHMCS
 *     on first use and editable there; none for a service closed in WHMCS
 * cluster.host_failed
 *     one e-mail to the admins per host failure (the bridge sends it once, not once per VPS), with the host, the time
 *     and how many VPS went down and run again; it names no service
 *
 * A LocalApiException propagates: the handler answers 503 and the bridge sends the same notice again.
 */
final class NoticeActions
{
    public const SERVICE_TYPES = ['service.maintenance_announced', 'service.incident_opened', 'service.incident_resolved'];
    public const TYPES = [...self::SERVICE_TYPES, 'cluster.host_failed'];

    public function __construct(private readonly LocalApi $api, private readonly TemplateInstaller $templates)
    {
    }

    /**
     * @param array<string, mixed> $data the notice's data
     * @return list<string> what was done
     */
    public function apply(string $type, array $data, ?ServiceInfo $service): array
    {
        if ($type === 'cluster.host_failed') {
            return [$this->tellAdmins($data)];
        }
        if ($service === null) {
            throw new \LogicException("{$type} needs a service");
        }
        if (in_array($service->status, CallbackActions::CLOSED, true)) {
            return ["no e-mail: the service is {$service->status} in WHMCS"];
        }
        $done = [];
        foreach ($this->templates->ensureInstalled() as $name) {
            $done[] = "e-mail template \"{$name}\" installed";
        }
        $template = EmailTemplates::FOR_TYPE[$type];
        $vars = $type === 'service.maintenance_announced' ? self::maintenanceVars($data) : self::incidentVars($data);
        $this->api->call('SendEmail', ['messagename' => $template, 'id' => $service->id, 'customvars' => base64_encode(serialize($vars))]);
        $done[] = "e-mail \"{$template}\" sent to client #{$service->userId}";
        return $done;
    }

    /** @return array<string, string> */
    public static function maintenanceVars(array $data): array
    {
        $w = is_array($data['window'] ?? null) ? $data['window'] : [];
        $hosts = is_array($w['hosts'] ?? null) ? implode(', ', array_filter($w['hosts'], 'is_string')) : '';
        return [
            'maintenance_title' => self::text($w['title'] ?? ''),
            'maintenance_starts' => self::when($w['starts_at'] ?? null),
            'maintenance_ends' => self::when($w['ends_at'] ?? null),
            'maintenance_message' => self::text($w['message'] ?? ''),
            'maintenance_hosts' => $hosts,
        ];
    }

    /** @return array<string, string> */
    public static function incidentVars(array $data): array
    {
        $i = is_array($data['incident'] ?? null) ? $data['incident'] : [];
        $seconds = is_int($i['downtime_seconds'] ?? null) ? $i['downtime_seconds'] : 0;
        return [
            'incident_summary' => self::text($i['summary'] ?? ''),
            'incident_started' => self::when($i['started_at'] ?? null),
            'incident_ended' => self::when($i['ended_at'] ?? null),
            'incident_downtime' => self::duration($seconds),
            'incident_counts_against_sla' => ($i['counts_against_sla'] ?? false) === true ? 'Yes' : 'No',
        ];
    }

    private function tellAdmins(array $data): string
    {
        $host = self::text($data['host'] ?? 'an unnamed host');
        $clusters = is_array($data['clusters'] ?? null) ? implode(', ', array_filter($data['clusters'], 'is_string')) : '';
        $affected = is_int($data['services_affected'] ?? null) ? $data['services_affected'] : 0;
        $restarted = is_int($data['services_restarted'] ?? null) ? $data['services_restarted'] : 0;
        $down = max(0, $affected - $restarted);
        $message = "Host {$host}" . ($clusters !== '' ? " (cluster {$clusters})" : '')
            . ' failed at ' . self::when($data['failed_at'] ?? null) . ".\n\n"
            . "VPS that went down with it: {$affected}\nRunning again: {$restarted}\nStill down: {$down}\n\n"
            . 'Each affected client was e-mailed about their own VPS. The bridge admin console (Incidents) shows every one.';
        $this->api->call('SendAdminEmail', [
            'customsubject' => "Host {$host} failed: {$affected} VPS affected, {$restarted} restarted",
            'custommessage' => nl2br(htmlspecialchars($message, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8')),
            'type' => 'system',
        ]);
        return "admins told of the failure of host {$host}";
    }

    private static function text(mixed $value): string
    {
        return is_string($value) ? $value : '';
    }

    /** "2026-12-10 02:00 UTC" from the bridge's ISO 8601 time; "" for none. */
    private static function when(mixed $iso): string
    {
        if (!is_string($iso) || $iso === '') {
            return '';
        }
        $t = strtotime($iso);
        return $t === false ? $iso : gmdate('Y-m-d H:i', $t) . ' UTC';
    }

    /** "2 min 33 s", "1 h 4 min", as the bridge writes durations. */
    private static function duration(int $s): string
    {
        $d = intdiv($s, 86400);
        $h = intdiv($s % 86400, 3600);
        $m = intdiv($s % 3600, 60);
        $sec = $s % 60;
        if ($d > 0) {
            return $h > 0 ? "{$d} d {$h} h" : "{$d} d";
        }
        if ($h > 0) {
            return $m > 0 ? "{$h} h {$m} min" : "{$h} h";
        }
        if ($m > 0) {
            return $sec > 0 ? "{$m} min {$sec} s" : "{$m} min";
        }
        return "{$sec} s";
    }
}
