<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Http;

/** HTTP with PHP's own streams, for a PHP built without curl. Same behaviour as CurlTransport. */
final class StreamTransport implements HttpTransport
{
    public function send(string $method, string $url, array $headers, ?string $body, int $timeoutSeconds): HttpResponse
    {
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = "{$name}: {$value}";
        }
        $context = stream_context_create([
            'http' => [
                'method' => $method,
                'header' => implode("\r\n", $lines),
                'content' => $body ?? '',
                'timeout' => $timeoutSeconds,
                'ignore_errors' => true,
                'follow_location' => 0,
                'protocol_version' => 1.1,
            ],
        ]);
        $error = null;
        set_error_handler(static function (int $_no, string $message) use (&$error): bool {
            $error = $message;
            return true;
        });
        try {
            $result = file_get_contents($url, false, $context);
        } finally {
            restore_error_handler();
        }
        $raw = $http_response_header ?? [];
        if ($result === false || $raw === []) {
            throw new TransportException($error !== null ? preg_replace('/^file_get_contents\([^)]*\): /', '', $error) : 'no answer');
        }
        $status = 0;
        $received = [];
        foreach ($raw as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
                // A new status line starts a new response (after a 100 Continue): keep only the last.
                $status = (int) $m[1];
                $received = [];
            } elseif (($colon = strpos($line, ':')) !== false) {
                $received[strtolower(trim(substr($line, 0, $colon)))] = trim(substr($line, $colon + 1));
            }
        }
        return new HttpResponse($status, $received, $result);
    }
}
