<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Notices;

/**
 * The client e-mails of the bridge's notices: product e-mail templates the module installs in WHMCS
 * (Setup > Email Templates, group "Product/Service Messages"), once, under these names. Staff edit them there like any
 * other template; the module never overwrites a template that exists, so an edited one stays as edited.
 *
 * Each e-mail gets the notice's facts as merge fields (SendEmail customvars), next to WHMCS's own ({$client_name},
 * {$service_domain}, {$signature}, …):
 *   maintenance:  {$maintenance_title} {$maintenance_starts} {$maintenance_ends} {$maintenance_message}
 *                 {$maintenance_hosts} (empty unless the bridge shows host names)
 *   incidents:    {$incident_summary} {$incident_started} {$incident_ended} {$incident_downtime}
 *                 {$incident_counts_against_sla} (Yes/No)
 * Times are UTC (ISO 8601 in the bridge's callback, written "2026-12-10 02:00 UTC" here).
 */
final class EmailTemplates
{
    public const MAINTENANCE = 'oVirt HA Bridge: Maintenance Announced';
    public const INCIDENT_OPENED = 'oVirt HA Bridge: Outage Started';
    public const INCIDENT_RESOLVED = 'oVirt HA Bridge: Outage Resolved';

    /** notice type => template name */
    public const FOR_TYPE = [
        'service.maintenance_announced' => self::MAINTENANCE,
        'service.incident_opened' => self::INCIDENT_OPENED,
        'service.incident_resolved' => self::INCIDENT_RESOLVED,
    ];

    /** @return array<string, array{subject: string, message: string}> name => what is installed */
    public static function definitions(): array
    {
        return [
            self::MAINTENANCE => [
                'subject' => 'Planned maintenance: {$maintenance_title}',
                'message' => '<p>Dear {$client_name},</p>'
                    . '<p>We will carry out planned maintenance that concerns your VPS {$service_domain}:</p>'
                    . '<p><strong>{$maintenance_title}</strong><br>From {$maintenance_starts} to {$maintenance_ends}'
                    . '{if $maintenance_hosts} (hosts: {$maintenance_hosts}){/if}</p>'
                    . '<p>{$maintenance_message|nl2br}</p>'
                    . '<p>If your VPS is stopped during this window, that time is planned downtime and does not count against your SLA.</p>'
                    . '<p>{$signature}</p>',
            ],
            self::INCIDENT_OPENED => [
                'subject' => 'Outage of your VPS {$service_domain}',
                'message' => '<p>Dear {$client_name},</p>'
                    . '<p>Your VPS {$service_domain} is down since {$incident_started}. '
                    . 'We are aware of it; this is what happened so far:</p>'
                    . '<p>{$incident_summary}</p>'
                    . '<p>We will write again when it runs. You do not need to open a ticket.</p>'
                    . '<p>{$signature}</p>',
            ],
            self::INCIDENT_RESOLVED => [
                'subject' => 'Your VPS {$service_domain} runs again',
                'message' => '<p>Dear {$client_name},</p>'
                    . '<p>The outage of your VPS {$service_domain} is over:</p>'
                    . '<p>{$incident_summary}</p>'
                    . '<p>Down from {$incident_started} to {$incident_ended} ({$incident_downtime}). '
                    . 'Counts against your SLA: {$incident_counts_against_sla}. Your client area shows your uptime and any credit.</p>'
                    . '<p>{$signature}</p>',
            ],
        ];
    }
}
