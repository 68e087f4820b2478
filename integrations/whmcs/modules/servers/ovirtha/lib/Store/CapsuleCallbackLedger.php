<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Store;

use WHMCS\Database\Capsule;

/**
 * The callback ledger as a small table of WHMCS's database, mod_ovirtha_callbacks (made on first use: provisioning
 * modules have no activation step). The primary key on webhook_id makes two concurrent deliveries of one id claim it
 * once. Rows are kept 30 days: well past the five-minute signature window and the bridge's retries.
 */
final class CapsuleCallbackLedger implements CallbackLedger
{
    public const TABLE = 'mod_ovirtha_callbacks';
    private const KEEP_SECONDS = 30 * 86400;
    /** A claim older than this was left by a request that died mid-work; the next delivery takes it over. */
    private const STALE_CLAIM_SECONDS = 120;

    public function claim(string $webhookId, int $now): string
    {
        $this->ensureTable();
        try {
            Capsule::table(self::TABLE)->insert([
                'webhook_id' => $webhookId,
                'state' => 'processing',
                'received_at' => $now,
                'done_at' => null,
            ]);
            if (random_int(1, 50) === 1) {
                Capsule::table(self::TABLE)->where('received_at', '<', $now - self::KEEP_SECONDS)->delete();
            }
            return self::CLAIMED;
        } catch (\Illuminate\Database\QueryException) {
            $row = Capsule::table(self::TABLE)->where('webhook_id', $webhookId)->first();
            if ($row === null) {
                return self::BUSY;
            }
            if ($row->state === 'done') {
                return self::DONE;
            }
            $takenOver = Capsule::table(self::TABLE)
                ->where('webhook_id', $webhookId)
                ->where('state', 'processing')
                ->where('received_at', '<', $now - self::STALE_CLAIM_SECONDS)
                ->update(['received_at' => $now]);
            return $takenOver === 1 ? self::CLAIMED : self::BUSY;
        }
    }

    public function complete(string $webhookId, int $now): void
    {
        Capsule::table(self::TABLE)->where('webhook_id', $webhookId)->update(['state' => 'done', 'done_at' => $now]);
    }

    public function release(string $webhookId): void
    {
        Capsule::table(self::TABLE)->where('webhook_id', $webhookId)->where('state', 'processing')->delete();
    }

    private function ensureTable(): void
    {
        $schema = Capsule::schema();
        if ($schema->hasTable(self::TABLE)) {
            return;
        }
        try {
            $schema->create(self::TABLE, static function ($table): void {
                /** @var \Illuminate\Database\Schema\Blueprint $table */
                $table->string('webhook_id', 64)->primary();
                $table->string('state', 16);
                $table->unsignedInteger('received_at');
                $table->unsignedInteger('done_at')->nullable();
                $table->index('received_at');
            });
        } catch (\Illuminate\Database\QueryException $e) {
            // Two first callbacks at once: the other request made it.
            if (!$schema->hasTable(self::TABLE)) {
                throw $e;
            }
        }
    }
}
