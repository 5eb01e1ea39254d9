import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGit, type Git } from './git.ts'
import { ensureTarget, swapTarget, targetTip } from './target-branch.ts'

describe('a target branch on a remote', () => {
  let base: string
  let remote: Git
  let first: Git
  let second: Git
  const location = { target: 'colony/main', remote: 'origin' }
  const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@example.com']

  async function commitIn(clone: Git, file: string, parent: string): Promise<string> {
    await clone.run(['checkout', '-q', '--detach', parent])
    await writeFile(join(clone.cwd, file), `${file}\n`)
    await clone.run(['add', file])
    await clone.run([...identity, 'commit', '-q', '-m', file])
    return clone.text(['rev-parse', 'HEAD'])
  }

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-target-branch-'))
    await createGit(base).run(['init', '-q', '--bare', '-b', 'main', 'remote.git'])
    remote = createGit(join(base, 'remote.git'))
    await createGit(base).run(['clone', '-q', join(base, 'remote.git'), 'first'])
    first = createGit(join(base, 'first'))
    await writeFile(join(first.cwd, 'README.md'), 'hi\n')
    await first.run(['add', 'README.md'])
    await first.run([...identity, 'commit', '-q', '-m', 'start'])
    await first.run(['push', '-q', 'origin', 'main'])
    await createGit(base).run(['clone', '-q', join(base, 'remote.git'), 'second'])
    second = createGit(join(base, 'second'))
  })
  afterEach(() => rm(base, { recursive: true, force: true }))

  it('is created once, read through a fetch, and moved by whoever swaps first; the other learns it lost', async () => {
    const start = await first.text(['rev-parse', 'HEAD'])
    expect(await targetTip(first, location)).toBeUndefined()
    expect(await ensureTarget(first, location, start)).toBe(start)
    expect(await ensureTarget(second, location, await second.text(['rev-parse', 'HEAD']))).toBe(start)
    expect(await remote.text(['rev-parse', 'colony/main'])).toBe(start)

    const fromFirst = await commitIn(first, 'a.txt', start)
    const fromSecond = await commitIn(second, 'b.txt', start)
    expect(await swapTarget(first, location, fromFirst, start, 'task 1')).toBe(true)
    expect(await swapTarget(second, location, fromSecond, start, 'task 2')).toBe(false)
    expect(await targetTip(second, location)).toBe(fromFirst)
    expect(await second.text(['rev-parse', 'refs/heads/colony/main'])).toBe(fromFirst)

    const rebased = await commitIn(second, 'b.txt', fromFirst)
    expect(await swapTarget(second, location, rebased, fromFirst, 'task 2')).toBe(true)
    expect(await remote.text(['rev-parse', 'colony/main'])).toBe(rebased)
    expect(await targetTip(first, location)).toBe(rebased)
  })

  it('names a remote it cannot reach instead of calling it a lost race', async () => {
    const start = await first.text(['rev-parse', 'HEAD'])
    await expect(swapTarget(first, { target: 'colony/main', remote: 'nowhere' }, start, '0'.repeat(start.length), 'x')).rejects.toThrow(/nowhere/)
  })
})
