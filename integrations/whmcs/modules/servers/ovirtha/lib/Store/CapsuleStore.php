<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Ovirtha\BridgeSettings;
use WHMCS\Module\Server\Ovirtha\Module;
use WHMCS\Module\Server\Ovirtha\OrderChoices;

/** WhmcsStore over WHMCS's database (Capsule, Laravel's query builder), read-only. */
final class CapsuleStore implements WhmcsStore
{
    public function bridgeServers(?int $productId = null): array
    {
        $rows = Capsule::table('tblservers')->where('type', Module::NAME)->where('disabled', 0)->orderBy('id')->get()->all();
        if ($productId !== null) {
            $group = (int) (Capsule::table('tblproducts')->where('id', $productId)->value('servergroup') ?? 0);
            $inGroup = $group > 0
                ? array_map('intval', Capsule::table('tblservergroupsrel')->where('groupid', $group)->pluck('serverid')->all())
                : [];
            usort(
                $rows,
                static fn ($a, $b) => (int) !in_array((int) $a->id, $inGroup, true) <=> (int) !in_array((int) $b->id, $inGroup, true),
            );
        }
        $servers = [];
        foreach ($rows as $row) {
            try {
                $servers[] = BridgeSettings::fromServer(
                    (string) $row->hostname,
                    (string) $row->ipaddress,
                    in_array((string) $row->secure, ['on', '1'], true),
                    $row->port ?? null,
                    self::decrypt((string) $row->password),
                    (string) $row->accesshash,
                );
            } catch (\InvalidArgumentException) {
                // A half-configured server record cannot be used; TestConnection tells the admin what is missing.
            }
        }
        return $servers;
    }

    public function product(int $productId): ?ProductInfo
    {
        $row = Capsule::table('tblproducts')->where('id', $productId)->first();
        if ($row === null) {
            return null;
        }
        $options = [];
        for ($i = 1; $i <= 3; $i++) {
            $options[$i] = (string) ($row->{"configoption{$i}"} ?? '');
        }
        return new ProductInfo((int) $row->id, (string) $row->name, (string) $row->servertype, $options);
    }

    public function service(int $serviceId): ?ServiceInfo
    {
        $row = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($row === null) {
            return null;
        }
        $updated = $row->updated_at ?? null;
        return new ServiceInfo(
            (int) $row->id,
            (int) $row->userid,
            (int) $row->packageid,
            (string) $row->domainstatus,
            $updated === null ? null : (string) $updated,
        );
    }

    public function osOptions(int $productId): array
    {
        $groups = Capsule::table('tblproductconfiglinks')->where('pid', $productId)->pluck('gid')->all();
        if ($groups === []) {
            return [];
        }
        // WHMCS hands an option over by the part of its name before "|": "Operating System" or "os|Operating System".
        $option = Capsule::table('tblproductconfigoptions')->whereIn('gid', $groups)->where(static function ($q): void {
            foreach (OrderChoices::OS_OPTIONS as $name) {
                $q->orWhere('optionname', $name)->orWhere('optionname', 'like', $name . '|%');
            }
        })->orderBy('order')->orderBy('id')->first();
        if ($option === null) {
            return [];
        }
        $rows = Capsule::table('tblproductconfigoptionssub')
            ->where('configid', $option->id)
            ->where('hidden', 0)
            ->orderBy('sortorder')
            ->orderBy('id')
            ->get()
            ->all();
        return OrderChoices::osChoices(array_map(static fn ($r): string => (string) $r->optionname, $rows));
    }

    public function adminUsername(int $adminId): ?string
    {
        $name = Capsule::table('tbladmins')->where('id', $adminId)->value('username');
        return is_string($name) && $name !== '' ? $name : null;
    }

    /** Server passwords are stored encrypted with WHMCS's own key. */
    private static function decrypt(string $stored): string
    {
        if (function_exists('decrypt')) {
            return (string) decrypt($stored);
        }
        $result = localAPI('DecryptPassword', ['password2' => $stored]);
        return (string) ($result['password'] ?? '');
    }
}
