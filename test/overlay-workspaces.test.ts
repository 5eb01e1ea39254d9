import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { createTempRepository, git } from './support/cli.ts'

const execFileAsync = promisify(execFile)
const driver = fileURLToPath(new URL('./support/overlay-driver.ts', import.meta.url))

describe('overlay workspaces (in a user and mount namespace, as colony run makes them)', () => {
  it('commit the same tree as a git worktree for every kind of change, seen from the layer alone; move to a later tip; survive a lost mount; leave nothing', async () => {
    const repository = await createTempRepository({ 'src/a.ts': 'export const a = 1\n', 'src/b.ts': 'export const b = 1\n', 'gone/x.ts': 'x\n', 'gone/y/z.ts': 'z\n', 'again/old.ts': 'old\n', 'docs/old.md': '# old\n', 'run.sh': 'echo hi\n' })
    try {
      const root = repository.root
      await git(root, ['branch', 'colony/main'])
      await mkdir(join(root, '.colony'), { recursive: true })
      await writeFile(join(root, '.git', 'info', 'exclude'), '.colony/\n')
      const { stdout } = await execFileAsync('unshare', ['--user', '--map-root-user', '--mount', '--propagation', 'private', '--', process.execPath, driver, root], { env: { ...process.env, COLONY_WORKSPACE_NAMESPACE: '1' } })
      const seen = JSON.parse(stdout) as Record<string, unknown>
      expect(seen.mounted).toBe(true)
      expect(seen.cleanAtStart).toBe('')
      // Paths from the layer only: the changed files and directories, never the untouched ones.
      expect(seen.within).toEqual(expect.arrayContaining(['src/a.ts', 'src/b.ts', 'new', 'gone', 'again', 'docs/new.md', 'docs/old.md', 'run.sh', 'link.ts']))
      expect(seen.within).not.toContain('src')
      expect(seen.overlayTree).toBe(seen.worktreeTree)
      expect(seen.laterStatus).toBe('')
      expect(seen.laterHead).toBe(seen.moved)
      expect(seen.laterLink).toBe('export const n = 1\n')
      expect(seen.resumed).toBe(true)
      expect(seen.resumedFile).toBe('export const fresh = 1\n')
      expect(seen.mountsLeft).toEqual([])
      for (const directory of ['layers', 'bases', 'worktrees']) {
        const path = join(root, '.colony', directory)
        expect(existsSync(path) ? readdirSync(path) : []).toEqual([])
      }
      expect(await git(root, ['worktree', 'list', '--porcelain'])).not.toContain('.colony')
    } finally {
      await repository.dispose()
    }
  }, 120_000)
})
