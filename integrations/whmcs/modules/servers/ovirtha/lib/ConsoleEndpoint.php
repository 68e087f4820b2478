<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Ovirtha;

/**
 * console.php: hands the VPS's console file (.vv, for remote-viewer) to the signed-in customer or staff member as a
 * download. WHMCS custom functions can only answer 'success' or an error string, never a file, so the module box's
 * Console button (and the admin tab's) posts here instead: the request carries WHMCS's CSRF token, the service must
 * be the client's own (or the request comes from a signed-in admin), and the file is fetched from the bridge at that
 * moment (its console ticket works for 2 minutes) and never stored or logged.
 */
final class ConsoleEndpoint
{
    /**
     * The answer to one request, without any I/O of its own (the tests call this).
     *
     * @param array<string, mixed> $post
     * @param array<string, mixed> $session WHMCS's session: uid (the signed-in client), adminid (a signed-in admin)
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    public static function handle(array $post, array $session, bool $tokenValid): array
    {
        $serviceId = (int) ($post['id'] ?? 0);
        if (!$tokenValid) {
            return self::page(403, 'This page has expired. Go back, reload it and press Console again; nothing was done.', $serviceId);
        }
        $clientId = (int) ($session['uid'] ?? 0);
        $adminId = (int) ($session['adminid'] ?? 0);
        $asAdmin = ($post['area'] ?? '') === 'admin' && $adminId > 0;
        $store = Module::store();
        $service = $serviceId > 0 ? $store->service($serviceId) : null;
        $product = $service !== null ? $store->product($service->productId) : null;
        // Another client's service is answered like a missing one.
        if (
            $service === null
            || $product === null
            || !$product->isOurs()
            || (!$asAdmin && ($clientId === 0 || $service->userId !== $clientId))
        ) {
            return self::page(404, 'There is no such VPS in your account.', 0);
        }
        $servers = $store->bridgeServers($service->productId);
        if ($servers === []) {
            return self::page(503, VpsControls::UNAVAILABLE, $serviceId);
        }
        $params = ['serviceid' => $serviceId, 'userid' => $service->userId, 'pid' => $service->productId];
        $result = (new VpsControls($asAdmin ? VpsControls::ADMIN : VpsControls::CUSTOMER, [], $adminId))->console($params, $servers[0]);
        if (!$result['ok']) {
            return self::page($result['status'] ?? 502, (string) ($result['error'] ?? VpsControls::UNAVAILABLE), $asAdmin ? 0 : $serviceId);
        }
        return [
            'status' => 200,
            'headers' => [
                'Content-Type' => 'application/x-virt-viewer',
                'Content-Disposition' => 'attachment; filename="' . $result['file_name'] . '"',
                'Cache-Control' => 'no-store',
                'X-Content-Type-Options' => 'nosniff',
            ],
            'body' => (string) $result['content'],
        ];
    }

    /** Runs inside WHMCS (console.php): POST only, WHMCS's token checked, the answer sent. */
    public static function serve(): void
    {
        $isPost = ($_SERVER['REQUEST_METHOD'] ?? '') === 'POST';
        $tokenValid = $isPost && self::tokenValid();
        $answer = $isPost
            ? self::handle($_POST, $_SESSION ?? [], $tokenValid)
            : self::page(405, 'Use the Console button on your VPS page.', 0);
        http_response_code($answer['status']);
        foreach ($answer['headers'] as $name => $value) {
            header("{$name}: {$value}");
        }
        echo $answer['body'];
    }

    /** WHMCS's CSRF token (the `token` field its templates carry): check_token() ends the request itself when wrong. */
    private static function tokenValid(): bool
    {
        if (!function_exists('check_token')) {
            return false;
        }
        check_token(($_POST['area'] ?? '') === 'admin' ? 'WHMCS.admin.default' : 'WHMCS.default');
        return true;
    }

    /** @return array{status: int, headers: array<string, string>, body: string} */
    private static function page(int $status, string $message, int $serviceId): array
    {
        $text = htmlspecialchars($message, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
        // This file sits in modules/servers/ovirtha/ of the WHMCS root: back to the service's page there.
        $back = '../../../clientarea.php' . ($serviceId > 0 ? '?action=productdetails&amp;id=' . $serviceId : '');
        return [
            'status' => $status,
            'headers' => ['Content-Type' => 'text/html; charset=utf-8', 'Cache-Control' => 'no-store'],
            'body' => '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>VPS console</title></head>'
                . "<body><h1>VPS console</h1><p>{$text}</p><p><a href=\"{$back}\">Back to your services</a></p></body></html>",
        ];
    }
}
