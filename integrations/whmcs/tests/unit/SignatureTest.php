<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Signature;

// The vector was made with the `standardwebhooks` npm package the bridge signs and verifies with.
const VECTOR_BODY = '{"type":"service.active","data":{"service_id":"1001"}}';
const VECTOR_SIGNATURE = 'v1,ScOQIbyas1VIu1cw4eTlvoFtfkhhUe1me/CSNI9kJO8=';

test('signature: matches the standardwebhooks package byte for byte', function (): void {
    assert_same(VECTOR_SIGNATURE, Signature::sign(TEST_WEBHOOK_SECRET, 'msg_2Lb7eMNqk1Ahp9QTnJw6ZSQsU8H', 1700000000, VECTOR_BODY));
});

test('signature: a matching signature within five minutes passes, either way of the clock', function (): void {
    foreach ([1700000000, 1700000000 + 300, 1700000000 - 300] as $now) {
        assert_same(
            null,
            Signature::problem([TEST_WEBHOOK_SECRET], 'msg_2Lb7eMNqk1Ahp9QTnJw6ZSQsU8H', '1700000000', VECTOR_SIGNATURE, VECTOR_BODY, $now),
        );
    }
});

test('signature: stale, altered, wrong secret and garbage are refused with a reason', function (): void {
    $id = 'msg_2Lb7eMNqk1Ahp9QTnJw6ZSQsU8H';
    assert_contains(
        'five minutes',
        (string) Signature::problem([TEST_WEBHOOK_SECRET], $id, '1700000000', VECTOR_SIGNATURE, VECTOR_BODY, 1700000301),
    );
    assert_contains(
        'does not match',
        (string) Signature::problem([TEST_WEBHOOK_SECRET], $id, '1700000000', VECTOR_SIGNATURE, VECTOR_BODY . ' ', 1700000000),
    );
    assert_contains(
        'does not match',
        (string) Signature::problem([TEST_WEBHOOK_SECRET], 'msg_other', '1700000000', VECTOR_SIGNATURE, VECTOR_BODY, 1700000000),
    );
    assert_contains(
        'does not match',
        (string) Signature::problem(
            ['whsec_' . base64_encode('another secret')],
            $id,
            '1700000000',
            VECTOR_SIGNATURE,
            VECTOR_BODY,
            1700000000,
        ),
    );
    assert_contains(
        'Unix seconds',
        (string) Signature::problem([TEST_WEBHOOK_SECRET], $id, 'yesterday', VECTOR_SIGNATURE, VECTOR_BODY, 1700000000),
    );
    assert_contains(
        'does not match',
        (string) Signature::problem([TEST_WEBHOOK_SECRET], $id, '1700000000', 'v2,abc', VECTOR_BODY, 1700000000),
    );
});

test('signature: any of several signatures and any of several secrets may match (rotation)', function (): void {
    $header = 'v1,bm90IGl0 ' . VECTOR_SIGNATURE;
    assert_same(null, Signature::problem(
        ['whsec_' . base64_encode('old one'), TEST_WEBHOOK_SECRET],
        'msg_2Lb7eMNqk1Ahp9QTnJw6ZSQsU8H',
        '1700000000',
        $header,
        VECTOR_BODY,
        1700000000,
    ));
});

test('signature: a secret that is not whsec_<base64> is refused when signing', function (): void {
    try {
        Signature::sign('whsec_***not base64***', 'x', 1, '');
        assert_true(false, 'expected an exception');
    } catch (InvalidArgumentException $e) {
        assert_contains('whsec_', $e->getMessage());
    }
});
