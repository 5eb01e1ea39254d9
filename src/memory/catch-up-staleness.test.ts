import { afterEach, describe, expect, it } from 'vitest'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createGit } from '../git/index.ts'
import { createTempStore } from '../../test/support/temp-store.ts'
import { createTempRepository } from '../../test/support/cli.ts'
import { catchUpStaleness } from './catch-up-staleness.ts'

describe('catchUpStaleness', () => {
  let repository: { root: string; dispose(): Promise<void> } | undefined
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await dispose?.()
    await repository?.dispose()
  })

  it('marks memories stale for files a commit outside Colony changed on the target after the last landing', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    const temp = await createTempStore()
    dispose = temp.dispose
    const { store } = temp
    const run = await store.createRun({ target: 'main' })
    const task = await store.createTask({ runId: run.id, title: 'landed', createdBy: 'test' })
    const landed = await git.text(['rev-parse', 'HEAD'])
    const about = await store.addMemory({ kind: 'note', role: 'worker', text: 'README says hello', files: ['README.md'] })
    const other = await store.addMemory({ kind: 'note', role: 'worker', text: 'the license is MIT', files: ['LICENSE'] })
    expect(await catchUpStaleness(store, git, landed)).toEqual([])
    await store.addHandoff({ runId: run.id, taskId: task.id, summary: 'landed', data: { commit: landed, files: [] } })
    expect(await catchUpStaleness(store, git, landed)).toEqual([])

    await writeFile(join(repository.root, 'README.md'), 'changed by a person\n')
    await git.run(['commit', '-qam', 'a person edits the target'])
    const tip = await git.text(['rev-parse', 'HEAD'])
    expect(await catchUpStaleness(store, git, tip)).toEqual(['README.md'])
    expect((await store.getMemory(about.id)).stale).toMatchObject({ commit: tip, files: ['README.md'] })
    expect((await store.getMemory(other.id)).stale).toBeNull()

    await store.addHandoff({ runId: run.id, taskId: task.id, summary: 'from another clone', data: { commit: 'f'.repeat(40), files: [] } })
    expect(await catchUpStaleness(store, git, tip)).toEqual([])
  })
})
