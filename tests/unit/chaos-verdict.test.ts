import { type Expected, judge, type Observed } from '../../bench/chaos/verdict';

const name = (id: string) => `chaos-${id}`;

const expected: Expected[] = [
  { billingServiceId: 's0', state: 'terminated' },
  { billingServiceId: 's1', state: 'suspended' },
  { billingServiceId: 's2', state: 'active' },
];

/** What a converged run looks like: the world every test below spoils in one way. */
function healthy(): Observed {
  return {
    services: [
      { billingServiceId: 's0', desiredState: 'terminated', actualState: 'terminated' },
      { billingServiceId: 's1', desiredState: 'suspended', actualState: 'suspended' },
      { billingServiceId: 's2', desiredState: 'active', actualState: 'active' },
    ],
    vms: [
      { name: 'chaos-s1', status: 'down' },
      { name: 'chaos-s2', status: 'up' },
    ],
    jobs: { queued: 0, running: 0, dead: 0 },
    callbacks: [
      { billingServiceId: 's0', type: 'service.active', verified: true },
      { billingServiceId: 's0', type: 'service.terminated', verified: true },
      { billingServiceId: 's1', type: 'service.active', verified: true },
      { billingServiceId: 's1', type: 'service.suspended', verified: true },
      { billingServiceId: 's2', type: 'service.active', verified: true },
      // At least once: a repeated callback is fine.
      { billingServiceId: 's2', type: 'service.active', verified: true },
    ],
    deliveriesRecorded: 5,
    webhooksSent: 5,
  };
}

describe('the chaos verdict', () => {
  test('when everything converged as asked, then it passes', () => {
    const v = judge(expected, healthy(), name);
    expect(v).toMatchObject({ pass: true, lost: [], duplicated: [], orphaned: [], wrongState: [], missingCallbacks: [] });
  });

  test('when a terminated service still has its VM, then that VM is an orphan', () => {
    const seen = healthy();
    seen.vms.push({ name: 'chaos-s0', status: 'down' });
    expect(judge(expected, seen, name)).toMatchObject({ pass: false, orphaned: ['chaos-s0'] });
  });

  test('when a VM belongs to no service the panel knows, then it is an orphan', () => {
    const seen = healthy();
    seen.vms.push({ name: 'chaos-s9', status: 'up' });
    expect(judge(expected, seen, name)).toMatchObject({ pass: false, orphaned: ['chaos-s9'] });
  });

  test('when a service has two VMs, then it is duplicated and its VM state is wrong', () => {
    const seen = healthy();
    seen.vms.push({ name: 'chaos-s2', status: 'up' });
    const v = judge(expected, seen, name);
    expect(v.pass).toBe(false);
    expect(v.duplicated).toEqual(['s2']);
    expect(v.wrongState).toEqual([{ billingServiceId: 's2', expected: 'active', actual: 'active', vm: 'up+up' }]);
  });

  test('when an active service has no VM, or no row at all, then it is lost', () => {
    const noVm = healthy();
    noVm.vms = noVm.vms.filter((vm) => vm.name !== 'chaos-s2');
    expect(judge(expected, noVm, name)).toMatchObject({ pass: false, lost: ['s2'] });
    const noRow = healthy();
    noRow.services = noRow.services.filter((s) => s.billingServiceId !== 's0');
    expect(judge(expected, noRow, name)).toMatchObject({ pass: false, lost: ['s0'] });
  });

  test('when a suspended VM still runs, or a row says another state, then the state is wrong', () => {
    const running = healthy();
    running.vms[0] = { name: 'chaos-s1', status: 'up' };
    expect(judge(expected, running, name).wrongState).toEqual([
      { billingServiceId: 's1', expected: 'suspended', actual: 'suspended', vm: 'up' },
    ]);
    const failed = healthy();
    failed.services[2] = { billingServiceId: 's2', desiredState: 'active', actualState: 'failed' };
    expect(judge(expected, failed, name)).toMatchObject({ pass: false, wrongState: [{ billingServiceId: 's2', actual: 'failed' }] });
  });

  test('when a transition was never called back, or a callback was unsigned or a failure, then it fails', () => {
    const missing = healthy();
    missing.callbacks = missing.callbacks.filter((c) => c.type !== 'service.suspended');
    expect(judge(expected, missing, name)).toMatchObject({
      pass: false,
      missingCallbacks: [{ billingServiceId: 's1', type: 'service.suspended' }],
    });
    const forged = healthy();
    forged.callbacks = forged.callbacks.map((c) => (c.type === 'service.terminated' ? { ...c, verified: false } : c));
    expect(judge(expected, forged, name)).toMatchObject({
      pass: false,
      unverifiedCallbacks: 1,
      missingCallbacks: [{ billingServiceId: 's0', type: 'service.terminated' }],
    });
    const failure = healthy();
    failure.callbacks.push({ billingServiceId: 's2', type: 'service.failed', verified: true });
    expect(judge(expected, failure, name)).toMatchObject({ pass: false, failedCallbacks: 1 });
  });

  test('when jobs are still open or dead, or a webhook was recorded twice, then it fails', () => {
    expect(judge(expected, { ...healthy(), jobs: { queued: 1, running: 0, dead: 0 } }, name)).toMatchObject({ pass: false, jobsOpen: 1 });
    expect(judge(expected, { ...healthy(), jobs: { queued: 0, running: 0, dead: 2 } }, name)).toMatchObject({ pass: false, jobsDead: 2 });
    expect(judge(expected, { ...healthy(), deliveriesRecorded: 6 }, name)).toMatchObject({ pass: false, deliveriesMismatch: 1 });
  });
});
