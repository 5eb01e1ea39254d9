import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const execFileAsync = promisify(execFile)
const driver = fileURLToPath(new URL('./support/mount-batch-driver.ts', import.meta.url))

describe('overlay mounts asked for together (one `mount --all` and one `umount` for a batch)', () => {
  it('mount every overlay that can be mounted, give the one that cannot its own error, and unmount them all, a busy one lazily', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'colony-mount-batches-'))
    try {
      const { stdout } = await execFileAsync('unshare', ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', process.execPath, driver, scratch], { env: { ...process.env, COLONY_WORKSPACE_NAMESPACE: '1' } })
      const seen = JSON.parse(stdout) as { mounting: string[]; mountedAfterMounting: string[]; readThrough: string[]; unmounting: string[]; mountedAfterUnmounting: string[] }
      expect(seen.mounting.slice(0, 22)).toEqual(Array.from({ length: 22 }, () => 'mounted'))
      expect(seen.mounting[22]).toMatch(new RegExp(`^cannot mount the overlay workspace at ${join(scratch, 'mounts', 'no-upper')}: .+`))
      // Each where it was asked for, once: none at the path an fstab line would have unescaped.
      expect(seen.mountedAfterMounting).toHaveLength(22)
      expect(seen.mountedAfterMounting).toContain(join(scratch, 'mounts', 'with space'))
      expect(seen.mountedAfterMounting).toContain(join(scratch, 'mounts', 'with\\040space'))
      expect(seen.readThrough).toEqual(Array.from({ length: 22 }, () => 'shared\n'))
      expect(seen.unmounting).toEqual(Array.from({ length: 22 }, () => 'fulfilled'))
      expect(seen.mountedAfterUnmounting).toEqual([])
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }, 120_000)
})
