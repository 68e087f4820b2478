<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * Every request to the bridge goes to WHMCS's module log (Configuration > System Logs > Module Log, when enabled),
 * with the API key and the webhook secrets in $replaceVars so WHMCS masks them wherever they appear.
 */
final class ModuleLog
{
    /** @param list<string> $secrets */
    public function __construct(
        private readonly string $action,
        private readonly array $secrets,
    ) {
    }

    public function record(string $request, mixed $response, mixed $processed = ''): void
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        logModuleCall(
            Module::NAME,
            $this->action,
            $request,
            $response,
            $processed,
            array_values(array_filter($this->secrets, static fn ($s) => $s !== '')),
        );
    }
}
