<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

/**
 * The callbacks already handled, by webhook-id, so a replayed delivery does nothing twice. A delivery is claimed
 * before its work and completed after it; work that failed releases the claim, so the bridge's retry (same id) does
 * the work then.
 */
interface CallbackLedger
{
    /** Newly claimed: do the work. */
    public const CLAIMED = 'claimed';
    /** Handled before: do nothing again. */
    public const DONE = 'done';
    /** Another request is doing it right now. */
    public const BUSY = 'busy';

    /** @return self::CLAIMED|self::DONE|self::BUSY */
    public function claim(string $webhookId, int $now): string;

    public function complete(string $webhookId, int $now): void;

    public function release(string $webhookId): void;
}
