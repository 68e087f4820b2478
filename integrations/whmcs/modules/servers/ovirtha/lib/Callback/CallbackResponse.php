<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

/** The answer to one callback: the bridge retries anything but 2xx (and stops at 410). */
final class CallbackResponse
{
    /** @param array<string, string> $headers */
    public function __construct(
        public readonly int $status,
        public readonly array $body,
        public readonly array $headers = [],
    ) {
    }

    /** @param array<string, string> $headers */
    public static function error(int $status, string $code, string $message, array $headers = []): self
    {
        return new self($status, ['error' => ['code' => $code, 'message' => $message]], $headers);
    }
}
