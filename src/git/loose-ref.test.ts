import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../test/support/cli.ts'
import { createGit } from './git.ts'
import { readLooseRef } from './loose-ref.ts'
import { targetTip } from './target-branch.ts'

describe('the target tip read from its loose ref', () => {
  let repository: { root: string; dispose(): Promise<void> } | undefined
  afterEach(async () => repository?.dispose())

  it('is the commit git resolves, loose or packed, and a symbolic ref is left to git', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    const commit = await git.text(['rev-parse', 'HEAD'])
    const common = join(repository.root, '.git')
    await git.run(['branch', 'colony/main'])
    expect(readLooseRef(common, 'refs/heads/colony/main')).toBe(commit)
    expect(await targetTip(git, { target: 'colony/main' })).toBe(commit)

    await git.run(['pack-refs', '--all'])
    expect(readLooseRef(common, 'refs/heads/colony/main')).toBeUndefined()
    expect(await targetTip(git, { target: 'colony/main' })).toBe(commit)

    await git.run(['commit', '--allow-empty', '-qm', 'next'])
    const next = await git.text(['rev-parse', 'HEAD'])
    await git.run(['update-ref', 'refs/heads/colony/main', next])
    expect(await targetTip(git, { target: 'colony/main' })).toBe(next)

    await writeFile(join(common, 'refs', 'heads', 'pointer'), 'ref: refs/heads/colony/main\n')
    expect(readLooseRef(common, 'refs/heads/pointer')).toBeUndefined()
    expect(await targetTip(git, { target: 'pointer' })).toBe(next)
    expect(await targetTip(git, { target: 'missing' })).toBeUndefined()
  })
})
