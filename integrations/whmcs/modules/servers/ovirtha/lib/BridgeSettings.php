<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * Where the bridge is and the secrets to talk to it, read from a WHMCS server record (Setup > Servers):
 *
 *   Hostname     the bridge's host name, e.g. bridge.example.net (IP Address is used when Hostname is empty),
 *                or a full URL such as https://bridge.example.net/ha-bridge, used as it is (path kept);
 *   Secure       "Use SSL Mode": https (port 443 unless overridden) or http (port 3000, the bridge's default);
 *   Port         "Override with Custom Port": the port, when the bridge listens on another one;
 *   Password     the bridge's BILLING_API_KEY (WHMCS stores it encrypted);
 *   Access Hash  the bridge's WEBHOOK_SECRET (whsec_…); when the bridge signs callbacks with a separate
 *                CALLBACK_SECRET, that goes on a second line;
 *   Username     not used.
 *
 * One mapping for every entry point: module calls read it from $params (server*), hooks and callback.php from
 * tblservers through the store.
 */
final class BridgeSettings
{
    public const DEFAULT_HTTP_PORT = 3000;
    public const DEFAULT_HTTPS_PORT = 443;

    public function __construct(
        public readonly string $baseUrl,
        public readonly string $apiKey,
        public readonly string $webhookSecret,
        public readonly string $callbackSecret,
    ) {
    }

    /** From a module call's $params; throws \InvalidArgumentException naming the field to fix. */
    public static function fromParams(array $params): self
    {
        return self::fromServer(
            (string) ($params['serverhostname'] ?? ''),
            (string) ($params['serverip'] ?? ''),
            self::truthy($params['serversecure'] ?? false),
            $params['serverport'] ?? null,
            (string) ($params['serverpassword'] ?? ''),
            (string) ($params['serveraccesshash'] ?? ''),
        );
    }

    public static function fromServer(string $hostname, string $ip, bool $secure, mixed $port, string $password, string $accessHash): self
    {
        [$webhook, $callback] = self::parseAccessHash($accessHash);
        $apiKey = trim($password);
        if ($apiKey === '') {
            throw new \InvalidArgumentException('the server\'s Password field must hold the bridge\'s BILLING_API_KEY');
        }
        return new self(self::baseUrl($hostname, $ip, $secure, $port), $apiKey, $webhook, $callback);
    }

    /** @return array{0: string, 1: string} the webhook secret and the callback secret (the same when only one is given) */
    public static function parseAccessHash(string $accessHash): array
    {
        preg_match_all('/whsec_[A-Za-z0-9+\/=]+/', $accessHash, $m);
        $secrets = $m[0];
        if ($secrets === []) {
            throw new \InvalidArgumentException('the server\'s Access Hash field must hold the bridge\'s WEBHOOK_SECRET (whsec_…)');
        }
        foreach ($secrets as $secret) {
            Signature::key($secret);
        }
        return [$secrets[0], $secrets[1] ?? $secrets[0]];
    }

    public static function baseUrl(string $hostname, string $ip, bool $secure, mixed $port): string
    {
        $hostname = trim($hostname);
        if (str_contains($hostname, '://')) {
            $parts = parse_url($hostname) ?: [];
            $scheme = strtolower((string) ($parts['scheme'] ?? ''));
            if (!in_array($scheme, ['http', 'https'], true) || empty($parts['host']) || isset($parts['user']) || isset($parts['query'])) {
                throw new \InvalidArgumentException(
                    "the server's Hostname \"{$hostname}\" is not an http(s) URL such as https://bridge.example.net"
                );
            }
            return rtrim($hostname, '/');
        }
        $host = $hostname !== '' ? $hostname : trim($ip);
        if ($host === '') {
            throw new \InvalidArgumentException('the server\'s Hostname field must hold the bridge\'s address, e.g. bridge.example.net');
        }
        // "bridge.example.net/prefix": a path behind a reverse proxy.
        $path = '';
        $slash = strpos($host, '/');
        if ($slash !== false) {
            $path = rtrim(substr($host, $slash), '/');
            $host = substr($host, 0, $slash);
        }
        if (str_contains($host, ':') && !str_starts_with($host, '[')) {
            $host = "[{$host}]";
        }
        $scheme = $secure ? 'https' : 'http';
        $portNumber = is_numeric($port) && (int) $port > 0 ? (int) $port : ($secure ? self::DEFAULT_HTTPS_PORT : self::DEFAULT_HTTP_PORT);
        $default = $secure ? 443 : 80;
        return $scheme . '://' . $host . ($portNumber === $default ? '' : ':' . $portNumber) . $path;
    }

    /** The values logModuleCall must scrub. @return list<string> */
    public function secrets(): array
    {
        return array_values(array_unique([$this->apiKey, $this->webhookSecret, $this->callbackSecret]));
    }

    private static function truthy(mixed $v): bool
    {
        return $v === true || $v === 1 || in_array(strtolower((string) $v), ['1', 'on', 'true', 'yes'], true);
    }
}
