<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Whmcs;

final class LocalApiException extends \RuntimeException
{
    public function __construct(public readonly string $command, string $message)
    {
        parent::__construct("{$command}: {$message}");
    }
}
