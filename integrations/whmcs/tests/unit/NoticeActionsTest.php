<?php

declare(strict_types=1);

use WHMCS\Module\Server\Ovirtha\Callback\CallbackActions;
use WHMCS\Module\Server\Ovirtha\Callback\CallbackHandler;
use WHMCS\Module\Server\Ovirtha\Callback\NoticeActions;
use WHMCS\Module\Server\Ovirtha\Notices\EmailTemplates;
use WHMCS\Module\Server\Ovirtha\Notices\TemplateInstaller;
use WHMCS\Module\Server\Ovirtha\Whmcs\WhmcsLocalApi;

/** Records installs like WHMCS's tblemailtemplates would: each name once. */
final class RecordingTemplates implements TemplateInstaller
{
    /** @var list<string> */
    public array $installed = [];

    public function ensureInstalled(): array
    {
        $new = array_values(array_diff(array_keys(EmailTemplates::definitions()), $this->installed));
        $this->installed = [...$this->installed, ...$new];
        return $new;
    }
}

function notice_handler(FileState $state, RecordingTemplates $templates): CallbackHandler
{
    return new CallbackHandler(
        $state,
        $state,
        new CallbackActions(new WhmcsLocalApi()),
        static fn (): int => TEST_NOW,
        new NoticeActions(new WhmcsLocalApi(), $templates),
    );
}

function notice_body(string $type, array $data): string
{
    return json_encode(['type' => $type, 'timestamp' => '2027-01-15T08:00:00.000Z', 'data' => $data], JSON_UNESCAPED_SLASHES);
}

function sent_vars(int $call = 0): array
{
    $emails = array_values(array_filter(WhmcsStub::$localApiCalls, static fn ($c) => $c['command'] === 'SendEmail'));
    return unserialize(base64_decode($emails[$call]['data']['customvars']));
}

const MAINTENANCE_DATA = [
    'service_id' => '1001', 'client_id' => '55', 'hostname' => 'vps1001.example.net',
    'window' => [
        'id' => 4, 'title' => 'Storage firmware', 'starts_at' => '2027-01-20T02:00:00.000Z', 'ends_at' => '2027-01-20T04:00:00.000Z',
        'message' => "Line one.\nLine two.", 'clusters' => ['Default'],
    ],
];

const INCIDENT_DATA = [
    'service_id' => '1001', 'client_id' => '55', 'hostname' => 'vps1001.example.net',
    'incident' => [
        'id' => 9, 'cause' => 'ha_restart', 'started_at' => '2027-01-15T07:50:00.000Z', 'ended_at' => '2027-01-15T07:52:33.000Z',
        'downtime_seconds' => 153, 'counts_against_sla' => true,
        'summary' => 'The host running your VPS failed at 07:50:00; your VPS was restarted on another host at 07:52:33; down 2 min 33 s',
        'failed_host' => null, 'restart_host' => null,
    ],
];

test('notices: service.maintenance_announced installs the templates once and e-mails the client with the window', function (): void {
    $state = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active']]);
    $templates = new RecordingTemplates();
    $body = notice_body('service.maintenance_announced', MAINTENANCE_DATA);
    $res = notice_handler($state, $templates)->handle('POST', signed($body, 'cb_m1'), $body);
    assert_same(200, $res->status);
    assert_subset(['ok' => true, 'type' => 'service.maintenance_announced', 'service_id' => '1001'], $res->body);
    assert_same(array_keys(EmailTemplates::definitions()), $templates->installed);
    assert_same(['SendEmail'], commands());
    assert_same(EmailTemplates::MAINTENANCE, WhmcsStub::$localApiCalls[0]['data']['messagename']);
    assert_same(1001, WhmcsStub::$localApiCalls[0]['data']['id']);
    assert_same([
        'maintenance_title' => 'Storage firmware',
        'maintenance_starts' => '2027-01-20 02:00 UTC',
        'maintenance_ends' => '2027-01-20 04:00 UTC',
        'maintenance_message' => "Line one.\nLine two.",
        'maintenance_hosts' => '',
    ], sent_vars());

    // A second notice installs nothing more; a replay sends nothing.
    $again = notice_body('service.maintenance_announced', MAINTENANCE_DATA);
    assert_same(200, notice_handler($state, $templates)->handle('POST', signed($again, 'cb_m2'), $again)->status);
    assert_same(3, count($templates->installed));
    $replay = notice_handler($state, $templates)->handle('POST', signed($again, 'cb_m2'), $again);
    assert_same(true, $replay->body['duplicate'] ?? null);
    assert_same(['SendEmail', 'SendEmail'], commands());
});

test('notices: incident opened and resolved send their own templates with the customer sentence and the downtime', function (): void {
    $state = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active']]);
    $templates = new RecordingTemplates();
    $opened = notice_body(
        'service.incident_opened',
        ['incident' => ['ended_at' => null, 'downtime_seconds' => 40] + INCIDENT_DATA['incident']] + INCIDENT_DATA,
    );
    $resolved = notice_body('service.incident_resolved', INCIDENT_DATA);
    assert_same(200, notice_handler($state, $templates)->handle('POST', signed($opened, 'cb_o'), $opened)->status);
    assert_same(200, notice_handler($state, $templates)->handle('POST', signed($resolved, 'cb_r'), $resolved)->status);
    $names = array_map(static fn ($c) => $c['data']['messagename'], WhmcsStub::$localApiCalls);
    assert_same([EmailTemplates::INCIDENT_OPENED, EmailTemplates::INCIDENT_RESOLVED], $names);
    assert_same([
        'incident_summary' => INCIDENT_DATA['incident']['summary'],
        'incident_started' => '2027-01-15 07:50 UTC',
        'incident_ended' => '2027-01-15 07:52 UTC',
        'incident_downtime' => '2 min 33 s',
        'incident_counts_against_sla' => 'Yes',
    ], sent_vars(1));
    assert_same('40 s', sent_vars(0)['incident_downtime']);
    assert_same('', sent_vars(0)['incident_ended']);
});

test('notices: a closed service gets no e-mail, an unknown service is 410, and a WHMCS failure is 503 to retry', function (): void {
    $state = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Terminated']]);
    $templates = new RecordingTemplates();
    $body = notice_body('service.incident_opened', INCIDENT_DATA);
    $res = notice_handler($state, $templates)->handle('POST', signed($body, 'cb_c'), $body);
    assert_same(200, $res->status);
    assert_same([], commands());
    assert_contains('Terminated', implode(' ', $res->body['done']));

    $unknown = notice_body('service.incident_opened', ['service_id' => '4040'] + INCIDENT_DATA);
    assert_same(410, notice_handler($state, $templates)->handle('POST', signed($unknown, 'cb_u'), $unknown)->status);

    $live = file_state([1001 => ['userid' => 55, 'pid' => 7, 'status' => 'Active']]);
    WhmcsStub::$localApiFailures['SendEmail'] = 1;
    $first = notice_handler($live, $templates)->handle('POST', signed($body, 'cb_f'), $body);
    assert_same(503, $first->status);
    $retry = notice_handler($live, $templates)->handle('POST', signed($body, 'cb_f'), $body);
    assert_same(200, $retry->status, 'the same webhook-id is handled once WHMCS answers');
});

test('notices: cluster.host_failed needs no service and sends one admin e-mail with the counts', function (): void {
    $state = file_state();
    $templates = new RecordingTemplates();
    $body = notice_body('cluster.host_failed', [
        'host' => 'host2', 'clusters' => ['Default'], 'failed_at' => '2027-01-15T07:50:00.000Z',
        'services_affected' => 12, 'services_restarted' => 11, 'services_still_down' => 1,
    ]);
    $res = notice_handler($state, $templates)->handle('POST', signed($body, 'cb_h'), $body);
    assert_same(200, $res->status);
    assert_same(['ok' => true, 'type' => 'cluster.host_failed', 'done' => ['admins told of the failure of host host2']], $res->body);
    assert_same(['SendAdminEmail'], commands());
    $mail = WhmcsStub::$localApiCalls[0]['data'];
    assert_same('Host host2 failed: 12 VPS affected, 11 restarted', $mail['customsubject']);
    assert_contains('Still down: 1', $mail['custommessage']);
    assert_contains('2027-01-15 07:50 UTC', $mail['custommessage']);
    assert_same([], $templates->installed, 'the admin e-mail needs no client template');
    $replay = notice_handler($state, $templates)->handle('POST', signed($body, 'cb_h'), $body);
    assert_same(true, $replay->body['duplicate'] ?? null);
    assert_same(1, count(commands()));
});

test('notices: a handler built without notices acknowledges them as unknown types, as an older module did', function (): void {
    $state = file_state();
    $body = notice_body('cluster.host_failed', ['host' => 'host2']);
    $res = callback_handler($state)->handle('POST', signed($body, 'cb_old'), $body);
    assert_same(200, $res->status);
    assert_same(true, $res->body['ignored'] ?? null);
    assert_same([], commands());
});

test('notices: the installed templates use only the merge fields the notices send', function (): void {
    $sent = array_merge(array_keys(NoticeActions::maintenanceVars([])), array_keys(NoticeActions::incidentVars([])));
    $whmcs = ['client_name', 'service_domain', 'signature'];
    foreach (EmailTemplates::definitions() as $name => $t) {
        preg_match_all('/\{\$([a-z_]+)/', $t['subject'] . $t['message'], $m);
        foreach ($m[1] as $field) {
            assert_true(in_array($field, [...$sent, ...$whmcs], true), "{$name} uses {\${$field}}, which nobody fills");
        }
    }
});
