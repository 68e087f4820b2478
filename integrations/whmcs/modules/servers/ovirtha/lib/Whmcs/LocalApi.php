<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Whmcs;

/** WHMCS's internal API (localAPI), behind an interface so the callback's work can be tested without WHMCS. */
interface LocalApi
{
    /**
     * @return array the answer, whose result was "success"
     * @throws LocalApiException when WHMCS answered an error
     */
    public function call(string $command, array $data): array;
}
