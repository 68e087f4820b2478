<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

use WHMCS\Module\Server\Ovirtha\Store\ServiceInfo;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApi;

/**
 * service.active's addresses and login written into the WHMCS service, so WHMCS's own pages, the welcome email
 * ({$service_dedicated_ip}, {$service_assigned_ips}, {$service_username}, {$service_password}) and the module's box
 * show what the VPS really has: dedicatedip = the first IPv4 address, assignedips = the other IPv4 addresses then the
 * IPv6 ones (one per line, with their prefix length), the username, and the password only when the bridge made it up
 * (the order had neither a usable password nor a key). WHMCS stores servicepassword encrypted.
 *
 * Only what the callback carries is written: a cluster without an IP pool sends "network": null and the addresses an
 * admin typed in stay.
 */
final class ServiceDetails
{
    public function __construct(private readonly LocalApi $api)
    {
    }

    /** @param array<string, mixed> $data the callback's data */
    public function writeBack(array $data, ServiceInfo $service): string
    {
        if (in_array($service->status, CallbackActions::CLOSED, true)) {
            // The addresses go back to the pool (and later to someone else): not to be kept on a closed service.
            return "addresses not written: the service is {$service->status} in WHMCS";
        }
        $fields = [];
        $written = [];
        $network = $data['network'] ?? null;
        if (is_array($network)) {
            $v4 = self::addresses($network['ipv4'] ?? null, FILTER_FLAG_IPV4, false);
            $v6 = self::addresses($network['ipv6'] ?? null, FILTER_FLAG_IPV6, true);
            $fields['dedicatedip'] = $v4[0] ?? '';
            $fields['assignedips'] = implode("\n", [...array_slice($v4, 1), ...$v6]);
            $written[] = 'addresses ' . (implode(', ', [...$v4, ...$v6]) ?: 'none');
        }
        if (is_string($data['username'] ?? null) && $data['username'] !== '') {
            $fields['serviceusername'] = $data['username'];
            $written[] = "username {$data['username']}";
        }
        if (is_string($data['password'] ?? null) && $data['password'] !== '') {
            $fields['servicepassword'] = $data['password'];
            // Never the password itself: this sentence goes to the activity log and back to the bridge.
            $written[] = 'the generated password';
        }
        if ($fields === []) {
            return 'no addresses or login in the callback';
        }
        $this->api->call('UpdateClientProduct', ['serviceid' => $service->id] + $fields);
        return 'service details written: ' . implode('; ', $written);
    }

    /**
     * The well-formed addresses of a list, in order; "2001:db8::1/64" keeps its prefix length.
     *
     * @return list<string>
     */
    private static function addresses(mixed $list, int $family, bool $prefixAllowed): array
    {
        $out = [];
        foreach (is_array($list) ? $list : [] as $entry) {
            if (!is_string($entry)) {
                continue;
            }
            [$address, $prefix] = array_pad(explode('/', $entry, 2), 2, null);
            $prefixOk = $prefix === null || ($prefixAllowed && preg_match('/^\d{1,3}$/', $prefix) === 1 && (int) $prefix <= 128);
            if ($prefixOk && filter_var($address, FILTER_VALIDATE_IP, $family) !== false) {
                $out[] = $entry;
            }
        }
        return $out;
    }
}
