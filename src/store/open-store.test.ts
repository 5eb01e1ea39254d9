import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StoreCorruptError, StoreLockedError, openStore } from './index.ts'

describe('openStore on SQLite files', () => {
  let directory: string
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-open-'))
  })
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  it('refuses a file that is not a database, names it and leaves it untouched', async () => {
    const path = join(directory, 'colony.db')
    const garbage = 'this is not a database, it is a shopping list\n'.repeat(200)
    await writeFile(path, garbage)
    const opening = openStore(path)
    await expect(opening).rejects.toBeInstanceOf(StoreCorruptError)
    await expect(opening).rejects.toThrow(path)
    await expect(opening).rejects.toMatchObject({ hint: expect.stringContaining('colony init') as unknown })
    expect(await readFile(path, 'utf8')).toBe(garbage)
  })

  it('reports a database locked by another process past the busy timeout, and loses nothing', async () => {
    const path = join(directory, 'colony.db')
    const store = await openStore(path, { busyTimeoutMs: 100 })
    const run = await store.createRun({ target: 'colony/main' })
    const holder = new DatabaseSync(path)
    holder.exec('begin exclusive')
    try {
      await expect(store.createTask({ runId: run.id, title: 'blocked', createdBy: 'test' })).rejects.toBeInstanceOf(StoreLockedError)
    } finally {
      holder.exec('rollback')
      holder.close()
    }
    await store.createTask({ runId: run.id, title: 'after the lock', createdBy: 'test' })
    expect((await store.listTasks()).map((task) => task.title)).toEqual(['after the lock'])
    await store.close()
  })

  it('uses write-ahead logging so readers do not block the writer', async () => {
    const path = join(directory, 'colony.db')
    const store = await openStore(path)
    const probe = new DatabaseSync(path)
    expect(probe.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' })
    probe.close()
    await store.close()
  })
})
