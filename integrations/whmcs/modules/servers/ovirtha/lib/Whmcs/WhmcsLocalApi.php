<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Whmcs;

/** The real localAPI(). Since WHMCS 7.2 the admin user is optional; callbacks run without a signed-in admin. */
final class WhmcsLocalApi implements LocalApi
{
    public function call(string $command, array $data): array
    {
        $result = localAPI($command, $data);
        if (!is_array($result) || ($result['result'] ?? null) !== 'success') {
            $message = is_array($result) && is_string($result['message'] ?? null) ? $result['message'] : 'no answer';
            throw new LocalApiException($command, $message);
        }
        return $result;
    }
}
