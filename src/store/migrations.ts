import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely'

export type StoreKind = 'sqlite' | 'postgres'

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
