/** What an engine VM status says about its guest. */

/** Statuses in which the guest runs, or is on its way up or down while running: a start is not needed (nor accepted). */
const RUNNING = new Set(['up', 'powering_up', 'wait_for_launch', 'reboot_in_progress', 'migrating', 'paused', 'powering_down']);

export function isRunning(status: string): boolean {
  return RUNNING.has(status);
}
