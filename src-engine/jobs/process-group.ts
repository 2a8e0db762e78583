/**
 * Signals and watching of a whole process group: a command runs as the leader of its own group
 * (spawned detached), so signalling `-pid` reaches its children and grandchildren too, unless
 * one of them deliberately leaves the group (setsid), which no runner can follow portably.
 */

/** Sends `signal` to every process of the group led by `pid`; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true; // a member we may not signal: it exists
    throw error;
  }
}

/**
 * Ends a process group: SIGTERM to all of it, then SIGKILL to whatever is left after `graceMs`.
 * Resolves once the group is gone (or, for members that cannot die, such as zombies no one
 * reaps, once SIGKILL has been sent).
 */
export async function endGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    if (!signalGroup(pid, 0)) return;
  }
  signalGroup(pid, 'SIGKILL');
  // SIGKILL cannot be caught: give the kernel a moment to take them down.
  for (let i = 0; i < 40 && signalGroup(pid, 0); i++) await sleep(25);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
