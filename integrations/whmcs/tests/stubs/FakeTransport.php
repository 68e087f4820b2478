<?php

/* An HTTP transport that answers from a script and records what it was sent: the unit tests' bridge. */

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Http\HttpResponse;
use WHMCS\Module\Server\Ovirtha\Http\HttpTransport;
use WHMCS\Module\Server\Ovirtha\Http\TransportException;

final class FakeTransport implements HttpTransport
{
    /** @var list<array{method: string, url: string, headers: array<string, string>, body: ?string, timeout: int}> */
    public array $sent = [];
    /** @var list<array{0: string, 1: HttpResponse|TransportException}> path pattern => answer, first match wins and is used once */
    private array $script = [];
    /** @var array<string, HttpResponse> answers that stay */
    private array $always = [];

    /** @param array<string, string> $headers extra answer headers, e.g. Retry-After */
    public function on(string $pattern, int $status, array|string|null $body = null, array $headers = []): self
    {
        $this->script[] = [$pattern, self::response($status, $body, $headers)];
        return $this;
    }

    public function always(string $pattern, int $status, array|string|null $body = null): self
    {
        $this->always[$pattern] = self::response($status, $body);
        return $this;
    }

    public function failOn(string $pattern, string $message): self
    {
        $this->script[] = [$pattern, new TransportException($message)];
        return $this;
    }

    public function send(string $method, string $url, array $headers, ?string $body, int $timeoutSeconds): HttpResponse
    {
        $this->sent[] = ['method' => $method, 'url' => $url, 'headers' => $headers, 'body' => $body, 'timeout' => $timeoutSeconds];
        $target = $method . ' ' . (string) parse_url($url, PHP_URL_PATH) . (($q = parse_url($url, PHP_URL_QUERY)) ? "?{$q}" : '');
        foreach ($this->script as $i => [$pattern, $answer]) {
            if (preg_match($pattern, $target) === 1) {
                array_splice($this->script, $i, 1);
                if ($answer instanceof TransportException) {
                    throw $answer;
                }
                return $answer;
            }
        }
        foreach ($this->always as $pattern => $answer) {
            if (preg_match($pattern, $target) === 1) {
                return $answer;
            }
        }
        throw new TransportException("Failed to connect: no scripted answer for {$target}");
    }

    public function last(): array
    {
        return $this->sent[count($this->sent) - 1] ?? throw new RuntimeException('nothing was sent');
    }

    /** What was sent with this method to paths matching $pattern, in order. */
    public function sentTo(string $method, string $pattern): array
    {
        return array_values(array_filter(
            $this->sent,
            static fn ($s) => $s['method'] === $method && preg_match($pattern, (string) parse_url($s['url'], PHP_URL_PATH)) === 1,
        ));
    }

    /** @param array<string, string> $headers */
    private static function response(int $status, array|string|null $body, array $headers = []): HttpResponse
    {
        $text = is_array($body) ? json_encode($body) : (string) $body;
        return new HttpResponse($status, array_change_key_case($headers) + ['content-type' => 'application/json'], $text);
    }
}
