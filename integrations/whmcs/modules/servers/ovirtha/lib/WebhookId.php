<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * The webhook-id of a lifecycle call: whmcs_<action>_<serviceid>_<hash>, the hash (16 hex digits of SHA-256) over the
 * action, the service id, the event's data and the service's *generation*.
 *
 * What counts as "the same delivery": WHMCS runs an action again when the previous run failed or its answer was lost
 * (Module Queue retries, an admin pressing the button again). Nothing about the service changed in between, so the
 * same inputs give the same id and the bridge answers with its first answer instead of acting twice. A *new* action
 * of the same kind, e.g. a second suspend after an unsuspend, must not look like a retry, or the bridge would answer
 * the old 202 and leave the VPS running. Between those two suspends WHMCS recorded the unsuspend (status back to
 * Active), and every such write moves tblhosting.updated_at: that timestamp is the generation (see
 * ServiceGeneration). The data is hashed too, so a suspend with another reason or a package change to another
 * product is a new delivery as well.
 *
 * The two ways to be wrong are not equal. A new id for what was a retry costs nothing: the bridge's events set a
 * desired state and a second identical one changes nothing (a second create for a service it has is "exists
 * already"). The same id for a new action silently drops it. So when the generation cannot be read the id is made
 * unique instead (ServiceGeneration::fallback).
 */
final class WebhookId
{
    /** The bridge accepts 1-64 of A-Za-z0-9_- (Standard Webhooks ids). */
    private const MAX_LENGTH = 64;

    /** @param array<string, string|list<string>> $data */
    public static function for(string $action, string $serviceId, array $data, string $generation): string
    {
        ksort($data);
        $hash = substr(
            hash('sha256', json_encode([$action, $serviceId, $data, $generation], JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR)),
            0,
            16,
        );
        $service = preg_replace('/[^A-Za-z0-9-]/', '-', $serviceId) ?? '';
        $id = "whmcs_{$action}_{$service}_{$hash}";
        // WHMCS service ids are integers, so this only shortens ids of services that are not: the hash still covers them.
        return strlen($id) <= self::MAX_LENGTH ? $id : "whmcs_{$action}_{$hash}";
    }
}
