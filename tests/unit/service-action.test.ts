import { ENGINE_EVENT as E } from '../../server/domain/engine-event-codes';
/** The pure rules of VPS actions: who may act, the per-service limit, names and correlation ids. */
import { billingIdOfVmName } from '../../server/domain/service';
import {
  actionCorrelationId,
  actionRefusal,
  customerActionOf,
  limitRetryAfter,
  poweredOffByRequest,
  reinstallVmName,
} from '../../server/domain/service-action';
import { applyVmEvent, INITIAL_TIMELINE, type TimelineState } from '../../server/domain/timeline';
import { incidentSummary } from '../../server/http/presenters/incident-text';

const at = (s: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, s));

describe('service actions, pure rules', () => {
  test('when a service is not active, then actions are refused with a code saying why', () => {
    expect(actionRefusal({ desiredState: 'active', actualState: 'active' })).toBeUndefined();
    expect(actionRefusal({ desiredState: 'suspended', actualState: 'active' })?.code).toBe('service_suspended');
    expect(actionRefusal({ desiredState: 'active', actualState: 'suspended' })?.code).toBe('service_suspended');
    expect(actionRefusal({ desiredState: 'terminated', actualState: 'active' })?.code).toBe('service_terminated');
    expect(actionRefusal({ desiredState: 'active', actualState: 'provisioning' })?.code).toBe('service_provisioning');
    expect(actionRefusal({ desiredState: 'active', actualState: 'pending' })?.code).toBe('service_provisioning');
    expect(actionRefusal({ desiredState: 'active', actualState: 'failed' })?.code).toBe('service_failed');
    expect(actionRefusal({ desiredState: 'active', actualState: 'vm_missing' })?.code).toBe('vm_missing');
  });

  test('when the window holds the limit, then the wait is until the oldest leaves it; 0 is no limit', () => {
    const window = 600;
    const times = [at(0), at(100), at(200)];
    expect(limitRetryAfter(times, at(300), 4, window)).toBeUndefined();
    expect(limitRetryAfter(times, at(300), 3, window)).toBe(300);
    expect(limitRetryAfter(times, at(300), 2, window)).toBe(400);
    expect(limitRetryAfter(times, at(601), 3, window)).toBeUndefined();
    expect(limitRetryAfter(times, at(300), 0, window)).toBeUndefined();
  });

  test('when names and correlation ids are made, then they read back, and billing ids never collide with a reinstall’s VM', () => {
    expect(customerActionOf(actionCorrelationId(42, 'reboot'))).toBe('reboot');
    expect(customerActionOf('svc-42-job-7')).toBeUndefined();
    expect(customerActionOf('act-undo-4')).toBeUndefined();
    expect(reinstallVmName('vps-12', 5)).toBe('vps-12.r5');
    expect(billingIdOfVmName('vps-', 'vps-12.r5')).toBe('12');
    expect(billingIdOfVmName('vps-', 'vps-12-r5')).toBe('12-r5');
    expect(billingIdOfVmName('vps-', 'other')).toBeUndefined();
    expect(poweredOffByRequest('stop')).toBe(true);
    expect(poweredOffByRequest('reinstall')).toBe(false);
    expect(poweredOffByRequest(undefined)).toBe(false);
  });

  test('when the customer asked for a shutdown, then the stop that follows is cause customer and says so', () => {
    const up: TimelineState = { ...INITIAL_TIMELINE, status: 'up', host: 'h1', firstUpAt: 0 };
    const t0 = at(0).getTime();
    const asked = applyVmEvent(
      up,
      { key: '1:1', code: E.USER_INITIATED_SHUTDOWN_VM, at: t0, hostName: 'h1', description: 'shutdown', correlationId: 'act-9-shutdown' },
      {},
    );
    const down = applyVmEvent(
      asked.state,
      {
        key: '1:2',
        code: E.VM_DOWN,
        at: t0 + 20_000,
        hostName: 'h1',
        description: 'VM x is down. Exit message: Admin shut down from the engine',
      },
      {},
    );
    const [incident] = down.changed;
    expect(incident).toMatchObject({ cause: 'customer', startedAt: t0, steps: [{ kind: 'customer_action', action: 'shutdown' }] });
    const back = applyVmEvent(down.state, { key: '1:3', code: E.USER_RUN_VM, at: t0 + 600_000, hostName: 'h1', description: 'up' }, {});
    expect(back.changed[0]).toMatchObject({ cause: 'customer', endedAt: t0 + 600_000 });
    expect(incidentSummary(back.changed[0]!, 'UTC', t0 + 700_000)).toBe(
      'You asked for a shutdown at 12:00:00; running again at 12:10:00 (10 min; not counted against the SLA)',
    );

    // An admin's shutdown in the engine is still an admin stop.
    const admin = applyVmEvent(
      applyVmEvent(up, { key: '2:1', code: E.USER_INITIATED_SHUTDOWN_VM, at: t0, hostName: 'h1', description: 'shutdown' }, {}).state,
      { key: '2:2', code: E.VM_DOWN, at: t0 + 1000, hostName: 'h1', description: 'Admin shut down from the engine' },
      {},
    );
    expect(admin.changed[0]?.cause).toBe('admin_stop');
    // A reboot nobody asked for through the bridge changes nothing.
    expect(applyVmEvent(up, { key: '3:1', code: E.USER_REBOOT_VM, at: t0, hostName: 'h1', description: 'reboot' }, {}).changed).toEqual([]);
  });
});
