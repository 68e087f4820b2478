<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;

/**
 * Which version of the WHMCS service an action was asked for: tblhosting.updated_at, which WHMCS moves on every write
 * to the service (each successful module action changes its status). Read from $params['model'] (the
 * WHMCS\Service\Service that WHMCS 7.2+ passes), else from the database. See WebhookId for why.
 */
final class ServiceGeneration
{
    public static function of(array $params, ?WhmcsStore $store): string
    {
        $value = null;
        $model = $params['model'] ?? null;
        if (is_object($model)) {
            try {
                $value = $model->updated_at ?? null;
            } catch (\Throwable) {
                $value = null;
            }
        }
        if ($value instanceof \DateTimeInterface) {
            $value = $value->format('Y-m-d H:i:s.u');
        }
        if ((!is_string($value) || $value === '') && $store !== null && isset($params['serviceid'])) {
            try {
                $value = $store->service((int) $params['serviceid'])?->updatedAt;
            } catch (\Throwable) {
                $value = null;
            }
        }
        // A zero date is what tables migrated from WHMCS before 7 hold: no information.
        if (is_string($value) && $value !== '' && !str_starts_with($value, '0000-00-00')) {
            return 'updated_at:' . $value;
        }
        return self::fallback();
    }

    /** Unknown generation: a unique one, so the action is a new delivery rather than a possibly dropped one. */
    public static function fallback(): string
    {
        return 'unique:' . bin2hex(random_bytes(8));
    }
}
