import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import { feedMemoryFromEvents, feedMemoryFromHandoff } from './kysely/memory-feed.ts'
import { insertMemory } from './kysely/memory-rows.ts'
import { toEvent, toHandoff } from './row-mapping.ts'
import type { StoreKind } from './kysely/context.ts'
import type { Tables } from './tables.ts'

/**
 * Every schema change Colony has made, in order. Both backends share one list;
 * where SQL differs (identity columns, full-text search) the migration asks
 * which backend it is running on.
 */
export function createMigrationProvider(kind: StoreKind): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_initial': { up: (db) => createInitialSchema(db, kind) },
    '0002_approvals': { up: (db) => createApprovals(db, kind) },
    '0003_locks': { up: (db) => createLocks(db) },
    '0004_memory': { up: (db) => createMemory(db as Kysely<Tables>, kind) },
    // A waiting plan asks on every supervisor loop whether its tasks settled, and reads their handoffs.
    '0005_tasks_by_parent': { up: (db) => db.schema.createIndex('tasks_by_parent').on('tasks').columns(['parent_id', 'status']).execute() },
  }
  return { getMigrations: () => Promise.resolve(migrations) }
}

async function createInitialSchema(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  const id = (column: ColumnDefinitionBuilder) =>
    kind === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity()
  const time = 'bigint'

  await db.schema
    .createTable('runs')
    .addColumn('id', 'integer', id)
    .addColumn('goal', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
    .addColumn('parent_id', 'integer', (c) => c.references('tasks.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('acceptance', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_until', time)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('tasks_by_run_status').on('tasks').columns(['run_id', 'status', 'priority']).execute()

  await db.schema
    .createTable('task_dependencies')
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id'))
    .addColumn('depends_on_id', 'integer', (c) => c.notNull().references('tasks.id'))
    .addPrimaryKeyConstraint('task_dependencies_pk', ['task_id', 'depends_on_id'])
    .execute()

  await db.schema
    .createTable('agents')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('task_id', 'integer', (c) => c.references('tasks.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('model', 'text')
    .addColumn('activity', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer')
    .addColumn('task_id', 'integer')
    .addColumn('agent_id', 'integer')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('events_by_task').on('events').columns(['task_id', 'id']).execute()

  await db.schema
    .createTable('handoffs')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id'))
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id'))
    .addColumn('agent_id', 'integer')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('concerns', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('transcripts')
    .addColumn('id', 'integer', id)
    .addColumn('agent_id', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('transcripts_agent_seq', ['agent_id', 'seq'])
    .execute()

  await db.schema
    .createTable('usage')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('agent_id', 'integer')
    .addColumn('task_id', 'integer')
    .addColumn('role', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('input_tokens', 'integer', (c) => c.notNull())
    .addColumn('output_tokens', 'integer', (c) => c.notNull())
    .addColumn('cached_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_usd', 'double precision', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('usage_by_run').on('usage').columns(['run_id']).execute()

  await db.schema
    .createTable('notes')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer')
    .addColumn('agent_id', 'integer')
    .addColumn('task_id', 'integer')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute()

  if (kind === 'sqlite') {
    await sql`create virtual table notes_fts using fts5(text, content='notes', content_rowid='id')`.execute(db)
    await sql`create trigger notes_fts_insert after insert on notes begin
      insert into notes_fts(rowid, text) values (new.id, new.text); end`.execute(db)
    await sql`create trigger notes_fts_delete after delete on notes begin
      insert into notes_fts(notes_fts, rowid, text) values ('delete', old.id, old.text); end`.execute(db)
  } else {
    await sql`alter table notes add column search tsvector generated always as (to_tsvector('english', text)) stored`.execute(db)
    await sql`create index notes_search on notes using gin (search)`.execute(db)
  }
}

/** Requests that wait for a person: commands the sandbox policy holds for approval. */
async function createApprovals(db: Kysely<unknown>, kind: StoreKind): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'integer', (column) => (kind === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity()))
    .addColumn('run_id', 'integer', (c) => c.notNull())
    .addColumn('task_id', 'integer')
    .addColumn('agent_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('approvals_by_status').on('approvals').columns(['status', 'run_id']).execute()
}

/** Named locks with an expiry, shared by every process on the store (e.g. whose turn it is to land on the target). */
async function createLocks(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('locks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .execute()
}

/**
 * Memory per repository: notes become memories, with provenance and the
 * files they are about, searchable with stemming; the handoffs, verdicts,
 * steering and ended attempts already recorded are read into it as new ones
 * will be.
 */
async function createMemory(db: Kysely<Tables>, kind: StoreKind): Promise<void> {
  await db.schema
    .createTable('memories')
    .addColumn('id', 'integer', (column) => (kind === 'sqlite' ? column.primaryKey().autoIncrement() : column.primaryKey().generatedByDefaultAsIdentity()))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('author', 'text')
    .addColumn('run_id', 'integer')
    .addColumn('task_id', 'integer')
    .addColumn('agent_id', 'integer')
    .addColumn('target_commit', 'text')
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('standing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text')
    .addColumn('stale_commit', 'text')
    .addColumn('stale_files', 'text')
    .addColumn('stale_at', 'bigint')
    .addColumn('forgotten_by', 'text')
    .addColumn('forgotten_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('memories_by_kind').on('memories').columns(['kind', 'id']).execute()
  await db.schema.createIndex('memories_by_task').on('memories').columns(['task_id', 'id']).execute()
  await db.schema.createIndex('memories_standing').on('memories').columns(['standing', 'id']).where(sql.ref('standing'), '=', 1).execute()
  await db.schema
    .createTable('memory_files')
    .addColumn('memory_id', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memory_files_pk', ['memory_id', 'path'])
    .execute()
  await db.schema.createIndex('memory_files_by_path').on('memory_files').columns(['path']).execute()
  if (kind === 'sqlite') {
    await sql`create virtual table memories_fts using fts5(text, content='memories', content_rowid='id', tokenize='porter unicode61')`.execute(db)
    await sql`create trigger memories_fts_insert after insert on memories begin
      insert into memories_fts(rowid, text) values (new.id, new.text); end`.execute(db)
    await sql`create trigger memories_fts_delete after delete on memories begin
      insert into memories_fts(memories_fts, rowid, text) values ('delete', old.id, old.text); end`.execute(db)
  } else {
    // Paths split into words (src/parse.ts: src, parse, ts) as SQLite's tokenizer splits them; PostgreSQL's parser would keep one token.
    await sql`alter table memories add column search tsvector generated always as (to_tsvector('english', translate(text, '/.', '  '))) stored`.execute(db)
    await sql`create index memories_search on memories using gin (search)`.execute(db)
  }

  const context = { db, kind, now: Date.now }
  const notes = await sql<{ run_id: number | null; agent_id: number | null; task_id: number | null; text: string; created_at: number }>`select * from notes order by id`.execute(db)
  for (const note of notes.rows) {
    const agent = note.agent_id === null ? undefined : await db.selectFrom('agents').select('role').where('id', '=', note.agent_id).executeTakeFirst()
    await insertMemory({ ...context, now: () => Number(note.created_at) }, db, { kind: 'note', text: note.text, role: agent?.role ?? 'worker', runId: note.run_id, taskId: note.task_id, agentId: note.agent_id })
  }
  if (kind === 'sqlite') await sql`drop table notes_fts`.execute(db)
  await db.schema.dropTable('notes').execute()

  const sources = await db.selectFrom('events').selectAll().where('type', 'in', ['verdict', 'run-steered', 'task-attempt-failed', 'task-lease-expired']).orderBy('id').execute()
  for (const row of sources) await feedMemoryFromEvents({ ...context, now: () => Number(row.created_at) }, db, [toEvent(row)])
  for (const row of await db.selectFrom('handoffs').selectAll().orderBy('id').execute()) await feedMemoryFromHandoff({ ...context, now: () => Number(row.created_at) }, db, toHandoff(row))
}
