<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Http;

/** One HTTP exchange. Behind an interface so the tests can answer without a network. */
interface HttpTransport
{
    /**
     * @param array<string, string> $headers
     * @throws TransportException when no answer came back
     */
    public function send(string $method, string $url, array $headers, ?string $body, int $timeoutSeconds): HttpResponse;
}
