import { describe, expect, it } from 'vitest'
import { failedSetupByUnmount } from './setup-race.ts'

describe('a sandbox whose setup met a mount going away', () => {
  it('is told from the command failing: bubblewrap\'s own message, as bench/scale.ts met it at 1,000 agents', () => {
    const met = 'bwrap: Can\'t bind mount /oldroot/ on /newroot/: Unable to apply mount flags: remount "/newroot/tmp/colony-bench-scale-3Q1l7A/repository/.colony/worktrees/task-100": No such file or directory\n'
    expect(failedSetupByUnmount({ exitCode: 1, output: met })).toBe(true)
    expect(failedSetupByUnmount({ exitCode: 1, output: 'test failed: No such file or directory\n' })).toBe(false)
    expect(failedSetupByUnmount({ exitCode: 1, output: 'bwrap: Can\'t find source path /nowhere: No such file or directory\n' })).toBe(false)
    expect(failedSetupByUnmount({ exitCode: 0, output: met })).toBe(false)
  })
})
