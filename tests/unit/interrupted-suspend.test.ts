import { interruptedSuspendOutcome } from '../../server/use-cases/interrupted-suspend';

describe('what an interrupted suspend did', () => {
  test.each([
    [undefined, 'suspended'],
    ['down', 'suspended'],
    ['suspended', 'suspended'],
    ['powering_down', 'wait_until_down'],
    ['up', 'still_active'],
    ['paused', 'still_active'],
    ['migrating', 'still_active'],
  ])('when the VM is %s, then the suspend counts as %s', (status, outcome) => {
    expect(interruptedSuspendOutcome(status === undefined ? undefined : { status })).toBe(outcome);
  });
});
