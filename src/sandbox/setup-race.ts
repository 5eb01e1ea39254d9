/** How many times a command whose sandbox could not be set up for a mount that went meanwhile is started. */
export const setupAttempts = 3

/**
 * bubblewrap copies every mount and then makes each read-only; another
 * agent's overlay workspace removed in between (its task ended: unmounted,
 * its mount point deleted) fails that step before the command starts, so
 * the command is started again. With hundreds of agents this happened to a
 * few gates in a thousand.
 */
export function failedSetupByUnmount(result: { exitCode: number | null; output: string }): boolean {
  return result.exitCode === 1 && /^bwrap: Can't bind mount \/oldroot\/ on \/newroot\/: Unable to apply mount flags: remount "[^"]*": No such file or directory/.test(result.output)
}
