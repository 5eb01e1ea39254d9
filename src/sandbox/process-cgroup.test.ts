import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createProcessCgroup, sweepStaleCgroups } from './process-cgroup.ts'

const probe = createProcessCgroup(`probe-${randomUUID()}`, 8)
probe?.dispose()

describe.skipIf(!probe)('process cgroup', () => {
  it('is removed once the command tree has exited, even when the kernel is still reaping it at dispose', async () => {
    const leftovers: string[] = []
    for (let index = 0; index < 10; index++) {
      const cgroup = createProcessCgroup(`test-${randomUUID()}`, 16)!
      const child = spawn('bash', ['-c', 'echo $$ > "$0" && exec sh -c "sleep 0.02 & sleep 0.01 & wait"', cgroup.procsFile], { stdio: 'ignore' })
      await new Promise((resolve) => child.on('exit', resolve))
      cgroup.dispose()
      leftovers.push(dirname(cgroup.procsFile))
    }
    const deadline = Date.now() + 5_000
    while (leftovers.some((directory) => existsSync(directory)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(leftovers.filter((directory) => existsSync(directory))).toEqual([])
  })
})

describe.skipIf(!probe)('sweepStaleCgroups', () => {
  it('removes empty colony cgroups left behind, never one with a live member, and leaves young ones to their owners', async () => {
    // Only this test's own cgroups are swept: other tests may be starting commands in theirs right now.
    const prefix = `sweep-test-${randomUUID()}`
    const abandoned = createProcessCgroup(`${prefix}-abandoned`, 8)!
    const busy = createProcessCgroup(`${prefix}-busy`, 8)!
    const member = spawn('bash', ['-c', 'echo $$ > "$0" && exec sleep 30', busy.procsFile], { stdio: 'ignore' })
    try {
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(sweepStaleCgroups({ prefix })).toBe(0)
      expect(existsSync(dirname(abandoned.procsFile))).toBe(true)
      expect(sweepStaleCgroups({ prefix, olderThanMs: 0 })).toBe(1)
      expect(existsSync(dirname(abandoned.procsFile))).toBe(false)
      expect(existsSync(dirname(busy.procsFile))).toBe(true)
    } finally {
      member.kill('SIGKILL')
      await new Promise((resolve) => member.on('exit', resolve))
      busy.dispose()
    }
  })
})
