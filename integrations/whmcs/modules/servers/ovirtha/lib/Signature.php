<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * Standard Webhooks signatures, both ways: the module signs the webhooks it sends the bridge, and callback.php checks
 * the bridge's callbacks. Signed content is "<webhook-id>.<webhook-timestamp>.<raw body>", HMAC-SHA256 keyed with the
 * bytes of the base64 after `whsec_`, sent as `v1,<base64>` (several may be sent, space separated, while a secret is
 * rotated).
 */
final class Signature
{
    /** How far a timestamp may be from our clock, either way (the bridge uses the same five minutes). */
    public const TOLERANCE_SECONDS = 300;

    /** The HMAC key inside a `whsec_<base64>` secret. */
    public static function key(string $secret): string
    {
        $secret = trim($secret);
        $encoded = str_starts_with($secret, 'whsec_') ? substr($secret, 6) : $secret;
        $key = base64_decode($encoded, true);
        if ($key === false || $key === '') {
            throw new \InvalidArgumentException('the webhook secret is not of the form whsec_<base64>');
        }
        return $key;
    }

    public static function sign(string $secret, string $id, int $timestamp, string $body): string
    {
        return 'v1,' . base64_encode(hash_hmac('sha256', $id . '.' . $timestamp . '.' . $body, self::key($secret), true));
    }

    /** @return array<string, string> the three headers for a payload we send */
    public static function headers(string $secret, string $id, int $timestamp, string $body): array
    {
        return [
            'webhook-id' => $id,
            'webhook-timestamp' => (string) $timestamp,
            'webhook-signature' => self::sign($secret, $id, $timestamp, $body),
        ];
    }

    /**
     * Whether any `v1,` signature in the header matches the body under any of the secrets, with the timestamp inside
     * the tolerance. Returns null when it does, else why not (for the 401 answer).
     *
     * @param list<string> $secrets
     */
    public static function problem(array $secrets, string $id, string $timestamp, string $header, string $body, int $now): ?string
    {
        if (!preg_match('/^\d{1,10}$/', $timestamp)) {
            return 'the webhook-timestamp header is not Unix seconds';
        }
        if (abs($now - (int) $timestamp) > self::TOLERANCE_SECONDS) {
            return 'the webhook-timestamp is more than five minutes from this server\'s clock';
        }
        $given = [];
        foreach (preg_split('/\s+/', trim($header)) ?: [] as $part) {
            if (str_starts_with($part, 'v1,')) {
                $given[] = $part;
            }
        }
        foreach ($secrets as $secret) {
            try {
                $expected = self::sign($secret, $id, (int) $timestamp, $body);
            } catch (\InvalidArgumentException) {
                continue;
            }
            foreach ($given as $candidate) {
                if (hash_equals($expected, $candidate)) {
                    return null;
                }
            }
        }
        return 'the webhook-signature does not match (is the bridge\'s CALLBACK_SECRET in the server\'s Access Hash?)';
    }
}
