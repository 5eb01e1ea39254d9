import { DatabaseSync } from 'node:sqlite'
import { Kysely, Migrator } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ApprovalNotFoundError, RunNotFoundError, VersionConflictError } from '../errors.ts'
import { createMigrationProvider } from '../migrations.ts'
import { createNodeSqliteDialect } from '../node-sqlite-dialect.ts'
import type { Tables } from '../tables.ts'
import { versionedUpdate } from './versioned-update.ts'

describe('versionedUpdate', () => {
  let db: Kysely<Tables>
  let runId: number

  beforeEach(async () => {
    db = new Kysely<Tables>({ dialect: createNodeSqliteDialect(new DatabaseSync(':memory:')) })
    const { error } = await new Migrator({ db, provider: createMigrationProvider('sqlite') }).migrateToLatest()
    if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`)
    const run = await db
      .insertInto('runs')
      .values({ goal: null, status: 'pending', target: 'main', reason: null, version: 1, created_at: 1, updated_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow()
    runId = Number(run.id)
  })

  afterEach(async () => {
    await db.destroy()
  })

  const update = (expectedVersion: number, id = runId) =>
    db.transaction().execute((trx) => versionedUpdate(trx, { table: 'runs', id, expectedVersion, change: { status: 'running' }, updatedAt: 5 }))

  it('changes the row and moves its version on when the version read is still current', async () => {
    expect(await update(1)).toMatchObject({ status: 'running', version: 2, updated_at: 5 })
  })

  it('refuses a stale version with the version found, and changes nothing', async () => {
    await update(1)
    const stale = update(1)
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError)
    await expect(stale).rejects.toMatchObject({ table: 'run', id: runId, expectedVersion: 1, actualVersion: 2 })
    expect(await db.selectFrom('runs').select('version').where('id', '=', runId).executeTakeFirst()).toEqual({ version: 2 })
  })

  it("says which record is missing with that record's own error", async () => {
    await expect(update(1, 404)).rejects.toBeInstanceOf(RunNotFoundError)
    const decide = db.transaction().execute((trx) =>
      versionedUpdate(trx, { table: 'approvals', id: 404, expectedVersion: 1, change: { status: 'approved' }, updatedAt: 5, onlyWhenStatus: 'pending' }),
    )
    await expect(decide).rejects.toBeInstanceOf(ApprovalNotFoundError)
  })

  it('refuses, as a conflict, a row whose status is not the one required, even at the current version', async () => {
    const guarded = db.transaction().execute((trx) =>
      versionedUpdate(trx, { table: 'runs', id: runId, expectedVersion: 1, change: { status: 'done' }, updatedAt: 5, onlyWhenStatus: 'running' }),
    )
    await expect(guarded).rejects.toMatchObject({ name: 'VersionConflictError', expectedVersion: 1, actualVersion: 1 })
    expect(await db.selectFrom('runs').select(['status', 'version']).where('id', '=', runId).executeTakeFirst()).toEqual({ status: 'pending', version: 1 })
  })
})
