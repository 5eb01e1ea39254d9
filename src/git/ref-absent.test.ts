import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../test/support/cli.ts'
import { createGit } from './git.ts'
import { refPlainlyAbsent } from './ref-absent.ts'
import { readTaskOutcome } from './task-outcome.ts'

describe('a ref found absent without starting git', () => {
  let repository: { root: string; dispose(): Promise<void> } | undefined
  afterEach(async () => repository?.dispose())

  it('is absent only while neither a loose ref file nor packed-refs names it', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    const common = join(repository.root, '.git')
    const commit = await git.text(['rev-parse', 'HEAD'])
    const ref = 'refs/colony/tasks/1/7'
    expect(refPlainlyAbsent(common, ref)).toBe(true)
    expect(await readTaskOutcome(git, { target: 'main' }, { runId: 1, id: 7 })).toEqual({ state: 'open' })

    await git.run(['update-ref', ref, commit])
    expect(refPlainlyAbsent(common, ref)).toBe(false)
    expect(await readTaskOutcome(git, { target: 'main' }, { runId: 1, id: 7 })).toEqual({ state: 'landed', commit })

    // Packed: the loose file is gone, packed-refs (a new file) names it.
    await git.run(['pack-refs', '--all'])
    expect(refPlainlyAbsent(common, ref)).toBe(false)
    expect(refPlainlyAbsent(common, 'refs/colony/tasks/1/8')).toBe(true)
    expect(await readTaskOutcome(git, { target: 'main' }, { runId: 1, id: 7 })).toEqual({ state: 'landed', commit })

    // Deleted from packed-refs (git rewrites the file): absent again, not remembered from the earlier read.
    await git.run(['update-ref', '-d', ref])
    expect(refPlainlyAbsent(common, ref)).toBe(true)
    expect(await readTaskOutcome(git, { target: 'main' }, { runId: 1, id: 7 })).toEqual({ state: 'open' })
  })
})
