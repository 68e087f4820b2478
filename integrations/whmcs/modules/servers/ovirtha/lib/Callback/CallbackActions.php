<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha\Callback;

use WHMCS\Module\Server\Ovirtha\Store\ProductInfo;
use WHMCS\Module\Server\Ovirtha\Store\ServiceInfo;
use WHMCS\Module\Server\Ovirtha\Whmcs\LocalApi;

/**
 * What each callback does in WHMCS, through localAPI. A LocalApiException propagates: the caller answers 503 and the
 * bridge sends the same callback again later.
 *
 * Status updates bring WHMCS in line with what the bridge did, but never undo a later decision of WHMCS's own: a
 * callback whose desired_state is no longer what it reports (the panel asked for something else since) and a late
 * callback for a closed service change no status.
 */
final class CallbackActions
{
    /** type => [WHMCS status it means, the bridge's desired state that goes with it] */
    public const STATUS = [
        'service.active' => ['Active', 'active'],
        'service.suspended' => ['Suspended', 'suspended'],
        'service.unsuspended' => ['Active', 'active'],
        'service.terminated' => ['Terminated', 'terminated'],
    ];
    public const TYPES = [
        'service.active',
        'service.failed',
        'service.suspended',
        'service.unsuspended',
        'service.terminated',
        'service.reinstalled',
    ];
    public const CLOSED = ['Terminated', 'Cancelled', 'Fraud'];

    public function __construct(private readonly LocalApi $api)
    {
    }

    /**
     * @param array<string, mixed> $data the callback's data
     * @return list<string> what was done, for the answer and the activity log
     */
    public function apply(string $type, array $data, ServiceInfo $service, ?ProductInfo $product): array
    {
        $done = [];
        // A reinstall keeps the addresses; a password the bridge made up for it replaces the stored one.
        if ($type === 'service.active' || $type === 'service.reinstalled') {
            // First: the welcome email sent below quotes the addresses and the password.
            $done[] = (new ServiceDetails($this->api))->writeBack($data, $service);
        }
        if (isset(self::STATUS[$type])) {
            $done[] = $this->status($type, $data, $service);
        }
        if ($type === 'service.active') {
            $done[] = $this->welcome($service, $product);
        }
        if ($type === 'service.failed') {
            $done[] = $this->tellAdmins($data, $service);
        }
        return $done;
    }

    private function status(string $type, array $data, ServiceInfo $service): string
    {
        [$status, $desired] = self::STATUS[$type];
        if (isset($data['desired_state']) && $data['desired_state'] !== $desired) {
            return "status left at {$service->status}: the bridge now works towards {$data['desired_state']}";
        }
        if ($service->status === $status) {
            return "status already {$status}";
        }
        if (in_array($service->status, self::CLOSED, true) && $status !== 'Terminated') {
            return "status left at {$service->status}: the service is closed in WHMCS";
        }
        $this->api->call('UpdateClientProduct', ['serviceid' => $service->id, 'status' => $status]);
        return "status {$service->status} -> {$status}";
    }

    /** The welcome email goes out when the VPS really runs, not when WHMCS ran Create. */
    private function welcome(ServiceInfo $service, ?ProductInfo $product): string
    {
        $template = $product?->welcomeEmail() ?? \WHMCS\Module\Server\Ovirtha\ProductOptions::DEFAULT_WELCOME_EMAIL;
        if ($template === '') {
            return 'no welcome email (the product\'s Welcome email setting is "none")';
        }
        $this->api->call('SendEmail', ['messagename' => $template, 'id' => $service->id]);
        return "welcome email \"{$template}\" sent";
    }

    private function tellAdmins(array $data, ServiceInfo $service): string
    {
        $error = is_string($data['error'] ?? null) && $data['error'] !== '' ? $data['error'] : 'no reason given';
        $host = is_string($data['hostname'] ?? null) ? " ({$data['hostname']})" : '';
        $message = "The oVirt HA Bridge could not build the VPS of service #{$service->id}{$host}, client #{$service->userId}.\n\n"
            . "Reason: {$error}\n\n"
            . "Fix the cause (the plan's template or cluster, capacity, a quota), then press Create on the service "
            . "(clientsservices.php?userid={$service->userId}&id={$service->id}) to try again. The bridge admin console shows the details.";
        $this->api->call('SendAdminEmail', [
            'customsubject' => "VPS for service #{$service->id} failed to provision",
            'custommessage' => nl2br(htmlspecialchars($message, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8')),
            'type' => 'system',
        ]);
        return 'admins notified of the failure';
    }
}
