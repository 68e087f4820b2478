<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

use WHMCS\Module\Server\Ovirtha\Module;

/** The HTTP edge of callback.php: PHP's request globals in, the handler's answer out as JSON. */
final class CallbackEndpoint
{
    /** The body limit the bridge's own webhooks have; its callbacks are a few hundred bytes. */
    private const MAX_BODY_BYTES = 65536;

    public static function serve(): void
    {
        $handler = new CallbackHandler(
            Module::store(),
            Module::ledger(),
            new CallbackActions(Module::localApi()),
            static fn (): int => Module::now(),
            new NoticeActions(Module::localApi(), Module::emailTemplates()),
        );
        $body = (string) file_get_contents('php://input', false, null, 0, self::MAX_BODY_BYTES + 1);
        $response = strlen($body) > self::MAX_BODY_BYTES
            ? CallbackResponse::error(413, 'payload_too_large', 'The body is larger than 64 kB.')
            : $handler->handle((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'), self::headers($_SERVER), $body);
        self::send($response);
    }

    /** @return array<string, string> request headers, lower-case, from $_SERVER (HTTP_WEBHOOK_ID => webhook-id) */
    public static function headers(array $server): array
    {
        $headers = [];
        foreach ($server as $key => $value) {
            if (is_string($key) && str_starts_with($key, 'HTTP_') && is_string($value)) {
                $headers[strtolower(str_replace('_', '-', substr($key, 5)))] = $value;
            }
        }
        return $headers;
    }

    private static function send(CallbackResponse $response): void
    {
        http_response_code($response->status);
        header('Content-Type: application/json');
        header('Cache-Control: no-store');
        foreach ($response->headers as $name => $value) {
            header("{$name}: {$value}");
        }
        echo json_encode($response->body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }
}
