import { mkdtemp, rm } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, Migrator, sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createMigrationProvider } from './migrations.ts'
import { createNodeSqliteDialect } from './node-sqlite-dialect.ts'
import { openStore } from './open-store.ts'

describe('the memory migration', () => {
  let directory: string | undefined
  afterEach(async () => directory && rm(directory, { recursive: true, force: true }))

  it('turns the notes of a store written before memory into memories, and reads in the handoffs, verdicts and ended attempts it holds', async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-migration-'))
    const path = join(directory, 'colony.db')
    const db = new Kysely<never>({ dialect: createNodeSqliteDialect(new DatabaseSync(path)) })
    const migrated = await new Migrator({ db, provider: createMigrationProvider('sqlite'), migrationTableName: 'colony_migrations', migrationLockTableName: 'colony_migration_lock' }).migrateTo('0003_locks')
    expect(migrated.error).toBeUndefined()
    await sql`insert into runs (id, goal, status, target, version, created_at, updated_at) values (1, 'g', 'done', 'colony/main', 1, 10, 10)`.execute(db)
    await sql`insert into tasks (id, run_id, kind, title, description, acceptance, scope, status, max_attempts, created_by, created_at, updated_at)
      values (1, 1, 'work', 'Parse dates', '', '[]', '["src/date.ts"]', 'merged', 3, 'planner-1', 10, 10)`.execute(db)
    await sql`insert into agents (id, run_id, role, task_id, status, created_at, updated_at) values (4, 1, 'worker', 1, 'finished', 10, 10)`.execute(db)
    await sql`insert into notes (run_id, agent_id, task_id, text, created_at) values (1, 4, 1, 'Dates are parsed as UTC everywhere', 20)`.execute(db)
    await sql`insert into handoffs (run_id, task_id, agent_id, summary, concerns, data, created_at) values (1, 1, 4, 'date parser added', 'leap seconds untested', '{"commit":"abc"}', 30)`.execute(db)
    await sql`insert into events (run_id, task_id, type, data, created_at) values
      (1, 1, 'task-attempt-failed', '{"owner":"w1","attempt":1,"maxAttempts":3,"reason":"the gate kept failing","next":"ready"}', 25),
      (1, null, 'verdict', '{"cycle":1,"decision":"done","reason":"dates work"}', 40)`.execute(db)
    await db.destroy()

    const store = await openStore(path)
    try {
      const memories = await store.listMemories()
      expect(memories.map((memory) => [memory.kind, memory.role, memory.text.split('\n')[0], memory.createdAt])).toEqual([
        ['handoff', 'worker', 'date parser added', 30],
        ['verdict', 'judge', 'done (cycle 1): dates work', 40],
        ['failure', 'worker', 'Attempt 1 of task 1 "Parse dates" ended: the gate kept failing', 25],
        ['note', 'worker', 'Dates are parsed as UTC everywhere', 20],
      ])
      expect(memories[2]!.files).toEqual(['src/date.ts'])
      expect((await store.recallMemories('parsing dates')).map((memory) => memory.kind)).toContain('note')
      const tables = await store.listMemories({ kinds: ['note'] })
      expect(tables[0]).toMatchObject({ runId: 1, taskId: 1, agentId: 4 })
    } finally {
      await store.close()
    }
  })
})
