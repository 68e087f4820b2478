<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\BridgeError;

// Which codes the table holds is tests/unit/error-codes.test.ts's (against the bridge's list); here, what it says.

function bridge_answer(int $status, string $code, string $auth = BridgeError::AUTH_API_KEY): BridgeError
{
    return BridgeError::fromAnswer(
        'https://bridge.example:8443/api/v1/services/1001/console',
        $status,
        ['error' => ['code' => $code, 'message' => "bridge says {$code}"]],
        $auth,
    );
}

test('BridgeError: a code the module knows is worded by its code, whatever the status', function (): void {
    assert_contains('cannot make a TLS connection to the oVirt engine', bridge_answer(503, 'ovirt_tls_failed')->adminMessage());
    assert_contains('cannot reach the oVirt engine right now', bridge_answer(503, 'ovirt_unreachable')->adminMessage());
    assert_contains('another action on this VPS is still running', bridge_answer(409, 'action_running')->adminMessage());
    assert_contains('no free IP address left for this plan', bridge_answer(422, 'ip_pool_exhausted')->adminMessage());
    assert_contains('the bridge answered HTTP 500 (an unexpected failure', bridge_answer(500, 'internal_error')->adminMessage());
    assert_contains('[bridge: 503 ovirt_tls_failed: bridge says ovirt_tls_failed]', bridge_answer(503, 'ovirt_tls_failed')->adminMessage());
});

test('BridgeError: the same code is worded by what the request was (which secret, which path)', function (): void {
    assert_contains('refused the signature', bridge_answer(401, 'unauthorized', BridgeError::AUTH_SIGNATURE)->adminMessage());
    assert_contains('refused the API key', bridge_answer(401, 'unauthorized')->adminMessage());
    assert_contains('has no VPS for this service yet', bridge_answer(404, 'not_found')->adminMessage());
    $missing = BridgeError::fromAnswer(
        'https://bridge.example/api/v1/services/1001/console',
        404,
        ['error' => ['code' => 'not_found', 'message' => 'Nothing here: POST /api/v1/services/1001/console']],
        BridgeError::AUTH_API_KEY,
    );
    assert_contains('this bridge does not offer /api/v1/services/1001/console yet', $missing->adminMessage());
});

test('BridgeError: a code the module does not know (a newer bridge) is worded by its status', function (): void {
    assert_contains('the bridge is busy, WHMCS will retry', bridge_answer(503, 'some_new_code')->adminMessage());
    assert_contains('refused the request as invalid', bridge_answer(400, 'some_new_code')->adminMessage());
    assert_contains('the bridge answered HTTP 418', bridge_answer(418, 'some_new_code')->adminMessage());
});
