<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

use WHMCS\Module\Server\Ovirtha\Cron\StuckServices;
use WHMCS\Module\Server\Ovirtha\Http\CurlTransport;
use WHMCS\Module\Server\Ovirtha\Http\HttpTransport;
use WHMCS\Module\Server\Ovirtha\Http\StreamTransport;
use WHMCS\Module\Server\Ovirtha\Notices\CapsuleTemplateInstaller;
use WHMCS\Module\Server\Ovirtha\Notices\TemplateInstaller;
use WHMCS\Module\Server\Ovirtha\Shop\CapacityGate;
use WHMCS\Module\Server\Ovirtha\Store\CallbackLedger;
use WHMCS\Module\Server\Ovirtha\Store\CapsuleCallbackLedger;
use WHMCS\Module\Server\Ovirtha\Store\CapsuleStore;
use WHMCS\Module\Server\Ovirtha\Store\WhmcsStore;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApi;
use WHMCS\Module\Server\Ovirtha\Whmcs\WhmcsLocalApi;

/**
 * Composition root: the real collaborators inside WHMCS (curl, Capsule, localAPI, the clock), each replaceable by the
 * tests through use(). WHMCS loads a module file per request, so these live as long as one request.
 */
final class Module
{
    public const NAME = 'ovirtha';
    public const VERSION = '0.1.0';

    private static ?HttpTransport $transport = null;
    private static ?WhmcsStore $store = null;
    private static ?CallbackLedger $ledger = null;
    private static ?LocalApi $localApi = null;
    /** @var (\Closure(): int)|null */
    private static ?\Closure $clock = null;
    private static ?string $cacheDir = null;
    private static ?TemplateInstaller $templates = null;

    /**
     * Test seam: replace any collaborator; null keeps the current one. reset() goes back to the real ones.
     *
     * @param (\Closure(): int)|null $clock
     */
    public static function use(
        ?HttpTransport $transport = null,
        ?WhmcsStore $store = null,
        ?CallbackLedger $ledger = null,
        ?LocalApi $localApi = null,
        ?\Closure $clock = null,
        ?string $cacheDir = null,
        ?TemplateInstaller $templates = null,
    ): void {
        self::$transport = $transport ?? self::$transport;
        self::$store = $store ?? self::$store;
        self::$ledger = $ledger ?? self::$ledger;
        self::$localApi = $localApi ?? self::$localApi;
        self::$clock = $clock ?? self::$clock;
        self::$cacheDir = $cacheDir ?? self::$cacheDir;
        self::$templates = $templates ?? self::$templates;
    }

    public static function reset(): void
    {
        self::$transport = self::$store = self::$ledger = self::$localApi = self::$clock = self::$cacheDir = null;
        self::$templates = null;
    }

    public static function transport(): HttpTransport
    {
        return self::$transport ??= function_exists('curl_init') ? new CurlTransport() : new StreamTransport();
    }

    public static function store(): WhmcsStore
    {
        return self::$store ??= new CapsuleStore();
    }

    public static function ledger(): CallbackLedger
    {
        return self::$ledger ??= new CapsuleCallbackLedger();
    }

    public static function localApi(): LocalApi
    {
        return self::$localApi ??= new WhmcsLocalApi();
    }

    /** The notices' client e-mail templates, installed into WHMCS when missing. */
    public static function emailTemplates(): TemplateInstaller
    {
        return self::$templates ??= new CapsuleTemplateInstaller();
    }

    /** Unix seconds. */
    public static function now(): int
    {
        return self::$clock !== null ? (self::$clock)() : time();
    }

    /** Where the shop's capacity answers are cached (a minute each). */
    public static function cacheDir(): string
    {
        return self::$cacheDir ??= rtrim(sys_get_temp_dir(), '/\\') . DIRECTORY_SEPARATOR . 'whmcs-ovirtha';
    }

    /**
     * A client for one bridge whose exchanges are logged under the WHMCS function $action, with the bridge's secrets
     * and $moreSecrets (a service's root password) masked in the module log.
     *
     * @param list<string> $moreSecrets
     */
    public static function bridge(
        BridgeSettings $settings,
        string $action,
        ?int $timeoutSeconds = null,
        array $moreSecrets = [],
    ): BridgeClient {
        $clock = self::$clock ?? static fn (): int => time();
        $log = new ModuleLog($action, [...$settings->secrets(), ...$moreSecrets]);
        return $timeoutSeconds === null
            ? new BridgeClient($settings, self::transport(), $log, $clock)
            : new BridgeClient($settings, self::transport(), $log, $clock, $timeoutSeconds);
    }

    public static function capacityGate(): CapacityGate
    {
        return new CapacityGate(
            self::store(),
            static fn (BridgeSettings $s): BridgeClient => self::bridge($s, 'CapacityCheck', BridgeClient::PAGE_TIMEOUT_SECONDS),
            self::cacheDir(),
            static fn (): int => self::now(),
        );
    }

    public static function stuckServices(): StuckServices
    {
        return new StuckServices(
            self::store(),
            self::ledger(),
            self::localApi(),
            static fn (BridgeSettings $s): BridgeClient => self::bridge($s, 'CronStuckServices'),
            static fn (): int => self::now(),
        );
    }
}
