<?php

/* Passes every request on to a real transport and keeps a copy of it and its answer, for lifecycle.php's report. */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Http\HttpResponse;
use WHMCS\Module\Server\Ovirtha\Http\HttpTransport;
use WHMCS\Module\Server\Ovirtha\Http\TransportException;

final class RecordingTransport implements HttpTransport
{
    /** @var list<array<string, mixed>> */
    public array $exchanges = [];

    public function __construct(private readonly HttpTransport $inner)
    {
    }

    public function send(string $method, string $url, array $headers, ?string $body, int $timeoutSeconds): HttpResponse
    {
        $entry = ['method' => $method, 'url' => $url, 'webhook_id' => $headers['webhook-id'] ?? null, 'body' => $body];
        try {
            $res = $this->inner->send($method, $url, $headers, $body, $timeoutSeconds);
        } catch (TransportException $e) {
            $this->exchanges[] = $entry + ['error' => $e->getMessage()];
            throw $e;
        }
        $this->exchanges[] = $entry + ['status' => $res->status, 'answer' => $res->json() ?? $res->body];
        return $res;
    }
}
