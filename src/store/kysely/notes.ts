import { sql } from 'kysely'
import type { NewNote, Note } from '../records.ts'
import { toNote } from '../row-mapping.ts'
import type { Tables } from '../tables.ts'
import { redactSecrets } from '../../secrets/index.ts'
import type { StoreContext } from './context.ts'

export async function addNote(context: StoreContext, input: NewNote): Promise<Note> {
  const row = await context.db
    .insertInto('notes')
    .values({ run_id: input.runId ?? null, agent_id: input.agentId ?? null, task_id: input.taskId ?? null, text: redactSecrets(input.text), created_at: context.now() })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toNote(row)
}

/** Full-text search: SQLite's FTS5 table `notes_fts`, PostgreSQL's `search` tsvector column. */
export async function searchNotes(context: StoreContext, query: string, options: { runId?: number; limit?: number } = {}): Promise<Note[]> {
  const { db } = context
  const words = query.match(/[\p{L}\p{N}_]+/gu) ?? []
  if (words.length === 0) return []
  const limit = options.limit ?? 20
  const runFilter = options.runId === undefined ? sql`` : sql`and notes.run_id = ${options.runId}`
  if (context.kind === 'sqlite') {
    const match = words.map((word) => `"${word}"`).join(' OR ')
    const result = await sql<Tables['notes']>`select notes.* from notes_fts join notes on notes.id = notes_fts.rowid
      where notes_fts match ${match} ${runFilter} order by notes_fts.rank limit ${limit}`.execute(db)
    return result.rows.map((row) => toNote(row as never))
  }
  const tsQuery = words.join(' | ')
  const result = await sql<Tables['notes']>`select notes.id, notes.run_id, notes.agent_id, notes.task_id, notes.text, notes.created_at
    from notes where search @@ to_tsquery('english', ${tsQuery}) ${runFilter}
    order by ts_rank(search, to_tsquery('english', ${tsQuery})) desc, id limit ${limit}`.execute(db)
  return result.rows.map((row) => toNote(row as never))
}
