<?php

/*
 * A WHMCS "database" in one JSON file, shared by the PHP processes of a test run (lifecycle.php and the callback
 * server run as separate processes): the bridge server records, products, services, and the callback ledger. It
 * implements the same interfaces as the Capsule-backed classes. Every read and write takes a file lock.
 */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\BridgeSettings;
use WHMCS\Module\Server\Ovirtha\Store\CallbackLedger;
use WHMCS\Module\Server\Ovirtha\Store\ProductInfo;
use WHMCS\Module\Server\Ovirtha\Store\ServiceInfo;
use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;

final class FileState implements WhmcsStore, CallbackLedger
{
    public function __construct(private readonly string $file)
    {
    }

    /**
     * @param list<array{
     *     hostname: string,
     *     ip?: string,
     *     secure?: bool,
     *     port?: int|string|null,
     *     password: string,
     *     accesshash: string,
     * }> $servers
     * @param array<int, array{name: string, module?: string, configoptions?: array<int, string>}> $products
     * @param array<int, array{userid: int, pid: int, status: string, updated_at?: string}> $services
     */
    public static function create(string $file, array $servers, array $products, array $services): self
    {
        file_put_contents($file, json_encode([
            'servers' => $servers,
            'products' => $products,
            'services' => $services,
            'callbacks' => [],
        ], JSON_PRETTY_PRINT));
        return new self($file);
    }

    public function bridgeServers(?int $productId = null): array
    {
        $out = [];
        foreach ($this->read()['servers'] as $s) {
            $out[] = BridgeSettings::fromServer(
                $s['hostname'],
                $s['ip'] ?? '',
                (bool) ($s['secure'] ?? false),
                $s['port'] ?? null,
                $s['password'],
                $s['accesshash'],
            );
        }
        return $out;
    }

    public function product(int $productId): ?ProductInfo
    {
        $p = $this->read()['products'][(string) $productId] ?? null;
        if ($p === null) {
            return null;
        }
        $options = [];
        foreach ($p['configoptions'] ?? [] as $i => $v) {
            $options[(int) $i] = (string) $v;
        }
        return new ProductInfo($productId, $p['name'], $p['module'] ?? 'ovirtha', $options);
    }

    public function service(int $serviceId): ?ServiceInfo
    {
        $s = $this->read()['services'][(string) $serviceId] ?? null;
        return $s === null
            ? null
            : new ServiceInfo($serviceId, (int) $s['userid'], (int) $s['pid'], (string) $s['status'], $s['updated_at'] ?? null);
    }

    /** What WHMCS does to tblhosting when an action succeeds: a new status and a new updated_at. */
    /** From the product's `os_options` in the state file: sub-option names such as "debian-12|Debian 12". */
    public function osOptions(int $productId): array
    {
        $p = $this->read()['products'][(string) $productId] ?? null;
        return \WHMCS\Module\Server\Ovirtha\OrderChoices::osChoices(is_array($p['os_options'] ?? null) ? $p['os_options'] : []);
    }

    /** From `admins` in the state file: id => username. */
    public function adminUsername(int $adminId): ?string
    {
        $name = $this->read()['admins'][(string) $adminId] ?? null;
        return is_string($name) ? $name : null;
    }

    public function setServiceStatus(int $serviceId, string $status): void
    {
        $this->update(static function (array $db) use ($serviceId, $status): array {
            if (isset($db['services'][(string) $serviceId])) {
                $s = &$db['services'][(string) $serviceId];
                $s['status'] = $status;
                $s['updated_at'] = self::nextTimestamp($s['updated_at'] ?? null);
            }
            return $db;
        });
    }

    public function setService(int $serviceId, array $fields): void
    {
        $this->update(static function (array $db) use ($serviceId, $fields): array {
            $db['services'][(string) $serviceId] = $fields + ($db['services'][(string) $serviceId] ?? []);
            return $db;
        });
    }

    public function claim(string $webhookId, int $now): string
    {
        $result = self::CLAIMED;
        $this->update(static function (array $db) use ($webhookId, $now, &$result): array {
            $row = $db['callbacks'][$webhookId] ?? null;
            if ($row !== null) {
                $result = $row['state'] === 'done' ? self::DONE : self::BUSY;
                return $db;
            }
            $db['callbacks'][$webhookId] = ['state' => 'processing', 'received_at' => $now];
            return $db;
        });
        return $result;
    }

    public function complete(string $webhookId, int $now): void
    {
        $this->update(static function (array $db) use ($webhookId, $now): array {
            $db['callbacks'][$webhookId] = [
                'state' => 'done',
                'received_at' => $db['callbacks'][$webhookId]['received_at'] ?? $now,
                'done_at' => $now,
            ];
            return $db;
        });
    }

    public function release(string $webhookId): void
    {
        $this->update(static function (array $db) use ($webhookId): array {
            unset($db['callbacks'][$webhookId]);
            return $db;
        });
    }

    /** Seconds-resolution timestamps, always moving forward even within one second. */
    private static function nextTimestamp(?string $previous): string
    {
        $next = time();
        if ($previous !== null && ($t = strtotime($previous . ' UTC')) !== false && $t >= $next) {
            $next = $t + 1;
        }
        return gmdate('Y-m-d H:i:s', $next);
    }

    private function read(): array
    {
        $fh = fopen($this->file, 'r');
        flock($fh, LOCK_SH);
        $db = json_decode((string) stream_get_contents($fh), true);
        flock($fh, LOCK_UN);
        fclose($fh);
        if (!is_array($db)) {
            throw new RuntimeException("{$this->file} is not a FileState");
        }
        $db['callbacks'] = $db['callbacks'] ?: [];
        return $db;
    }

    /** @param callable(array): array $change */
    private function update(callable $change): void
    {
        $fh = fopen($this->file, 'c+');
        flock($fh, LOCK_EX);
        $db = json_decode((string) stream_get_contents($fh), true);
        $db['callbacks'] = $db['callbacks'] ?: [];
        $db = $change($db);
        ftruncate($fh, 0);
        rewind($fh);
        fwrite($fh, json_encode($db, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
        fflush($fh);
        flock($fh, LOCK_UN);
        fclose($fh);
    }
}
