/**
 * What a suspend that stopped midway really did. A suspend records `suspending`, shuts the VM
 * down, then records `suspended` and queues `service.suspended` in one transaction. A job killed between the
 * shutdown and that record, then overtaken by an unsuspend or a terminate, left the service `suspending` with the
 * VM down, and the panel heard `service.unsuspended` (or `service.terminated`) for a suspension it never heard of.
 * The panel must hear each transition the VPS really went through, in order, so the job that finds a service
 * `suspending` first settles what happened, from the VM as it is now:
 *
 * | the VM now                   | the VPS went through    | recorded    | called back          |
 * |------------------------------|-------------------------|-------------|----------------------|
 * | down, hibernated, or gone    | active → suspended      | `suspended` | `service.suspended`  |
 * | powering down                | the same, once it is down (wait for it, then as above)                |
 * | anything else (up, paused …) | nothing: still active   | `active`    | none                 |
 *
 * The engine never restarts a VM that was shut down through the API (HA restarts only VMs that died), so a running VM
 * means the shutdown never took effect.
 */
import type { Vm } from '../ovirt/types';

export type SuspendOutcome = 'suspended' | 'still_active' | 'wait_until_down';

/** The pure rule of the table above. */
export function interruptedSuspendOutcome(vm: Pick<Vm, 'status'> | undefined): SuspendOutcome {
  if (!vm || vm.status === 'down' || vm.status === 'suspended') return 'suspended';
  if (vm.status === 'powering_down') return 'wait_until_down';
  return 'still_active';
}
