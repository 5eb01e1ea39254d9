import { sql, type RawBuilder } from 'kysely'
import type { Memory, MemoryHit, NewEvent, NewMemory } from '../records.ts'
import { toMemory } from '../row-mapping.ts'
import type { MemoryFilter } from '../store.ts'
import type { Tables } from '../tables.ts'
import { MemoryNotFoundError } from '../errors.ts'
import type { StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { insertMemory, memoryPaths } from './memory-rows.ts'
import { stopWords } from './stop-words.ts'

/** `events` tell of the new memory (its id known by then) and commit with it. */
export async function addMemory(context: StoreContext, input: NewMemory, events: (memory: Memory) => NewEvent[] = () => []): Promise<Memory> {
  return context.db.transaction().execute(async (trx) => {
    const memory = await insertMemory(context, trx, input)
    await insertEvents(context, trx, events(memory))
    return memory
  })
}

export async function getMemory(context: StoreContext, id: number): Promise<Memory> {
  const row = await context.db.selectFrom('memories').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new MemoryNotFoundError(id)
  return toMemory(row)
}

/** Marks a memory forgotten: recall and context leave it out; it stays in the record with who forgot it. Forgetting it again changes nothing. */
export async function forgetMemory(context: StoreContext, id: number, by: string, events: NewEvent[] = []): Promise<Memory> {
  return context.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('memories')
      .set({ forgotten_by: by, forgotten_at: context.now() })
      .where('id', '=', id)
      .where('forgotten_at', 'is', null)
      .returningAll()
      .executeTakeFirst()
    if (!row) {
      const existing = await trx.selectFrom('memories').selectAll().where('id', '=', id).executeTakeFirst()
      if (!existing) throw new MemoryNotFoundError(id)
      return toMemory(existing)
    }
    await insertEvents(context, trx, events)
    return toMemory(row)
  })
}

/** The paths a memory file must have to be about `file`: the file itself and each directory holding it (`src/`, `src/parse/`). */
function pathsCovering(file: string): string[] {
  const parts = file.replace(/\/$/, '').split('/')
  const directories = parts.slice(0, -1).map((_, index) => `${parts.slice(0, index + 1).join('/')}/`)
  return [file, ...directories]
}

/** Memories about any of `files`: the same path, a directory holding it, or (for a directory asked about) a path inside it. */
function aboutFiles(files: readonly string[]): RawBuilder<unknown> {
  const paths = memoryPaths(files)
  const exact = [...new Set(paths.flatMap(pathsCovering))]
  const inside = paths.filter((path) => path.endsWith('/')).map((directory) => sql`substr(memory_files.path, 1, ${directory.length}) = ${directory}`)
  const conditions = [sql`memory_files.path in (${sql.join(exact)})`, ...inside]
  return sql`memories.id in (select memory_files.memory_id from memory_files where ${sql.join(conditions, sql` or `)})`
}

function filterConditions(filter: MemoryFilter): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = []
  if (!filter.includeForgotten) conditions.push(sql`memories.forgotten_at is null`)
  if (filter.kinds && filter.kinds.length > 0) conditions.push(sql`memories.kind in (${sql.join([...filter.kinds])})`)
  if (filter.taskId !== undefined) conditions.push(sql`memories.task_id = ${filter.taskId}`)
  if (filter.runId !== undefined) conditions.push(sql`memories.run_id = ${filter.runId}`)
  if (filter.standing !== undefined) conditions.push(sql`memories.standing = ${filter.standing ? 1 : 0}`)
  if (filter.beforeId !== undefined) conditions.push(sql`memories.id < ${filter.beforeId}`)
  if (filter.files && memoryPaths(filter.files).length > 0) conditions.push(aboutFiles(filter.files))
  return conditions
}

const where = (conditions: RawBuilder<unknown>[]) => (conditions.length === 0 ? sql`` : sql`where ${sql.join(conditions, sql` and `)}`)

/** Newest first. */
export async function listMemories(context: StoreContext, filter: MemoryFilter = {}): Promise<Memory[]> {
  const result = await sql<Tables['memories']>`select memories.* from memories ${where(filterConditions(filter))}
    order by memories.id desc limit ${filter.limit ?? 50}`.execute(context.db)
  return result.rows.map((row) => toMemory(row as never))
}

/**
 * The words of a query, without stop words, the first 16 (a task's title
 * comes first in the query memory context makes): every matching memory is
 * ranked, so each common word costs. No query syntax reaches the engine.
 */
function queryWords(query: string): string[] {
  const words = (query.match(/[\p{L}\p{N}_]+/gu) ?? []).filter((word) => !stopWords.has(word.toLowerCase()))
  return [...new Set(words)].slice(0, 16)
}

/**
 * Full-text search, best first: SQLite's FTS5 (porter stemming, BM25) or
 * PostgreSQL's english tsvector (ts_rank). Any word may match; a memory
 * whose files changed after it was written counts half.
 */
export async function recallMemories(context: StoreContext, query: string, filter: MemoryFilter = {}): Promise<MemoryHit[]> {
  const words = queryWords(query)
  if (words.length === 0) return []
  const limit = filter.limit ?? 10
  const conditions = filterConditions(filter)
  const staleWeight = sql`(case when memories.stale_at is null then 1.0 else 0.5 end)`
  if (context.kind === 'sqlite') {
    const match = words.map((word) => `"${word}"`).join(' OR ')
    const result = await sql<Tables['memories'] & { score: number }>`select memories.*, -bm25(memories_fts) * ${staleWeight} as score
      from memories_fts join memories on memories.id = memories_fts.rowid
      where memories_fts match ${match} ${conditions.length > 0 ? sql`and ${sql.join(conditions, sql` and `)}` : sql``}
      order by score desc, memories.id desc limit ${limit}`.execute(context.db)
    return result.rows.map((row) => ({ ...toMemory(row as never), score: Number(row.score) }))
  }
  const tsQuery = sql`to_tsquery('english', ${words.join(' | ')})`
  const result = await sql<Tables['memories'] & { score: number }>`select memories.id, memories.kind, memories.text, memories.role, memories.author, memories.run_id, memories.task_id,
      memories.agent_id, memories.target_commit, memories.files, memories.standing, memories.source, memories.stale_commit, memories.stale_files, memories.stale_at,
      memories.forgotten_by, memories.forgotten_at, memories.created_at, ts_rank(memories.search, ${tsQuery}) * ${staleWeight} as score
    from memories where memories.search @@ ${tsQuery} ${conditions.length > 0 ? sql`and ${sql.join(conditions, sql` and `)}` : sql``}
    order by score desc, memories.id desc limit ${limit}`.execute(context.db)
  return result.rows.map((row) => ({ ...toMemory(row as never), score: Number(row.score) }))
}

/**
 * A change to `files` landed on the target at `commit`: every memory about
 * one of them written before is stale (those of the task that made the
 * change excepted: they describe it). Returns how many were marked.
 */
export async function markMemoriesStale(context: StoreContext, change: { files: readonly string[]; commit: string; taskId?: number | null }): Promise<number> {
  const changed = memoryPaths(change.files)
  if (changed.length === 0) return 0
  const now = context.now()
  return context.db.transaction().execute(async (trx) => {
    const covering = [...new Set(changed.flatMap(pathsCovering))]
    let matches = trx
      .selectFrom('memory_files')
      .innerJoin('memories', 'memories.id', 'memory_files.memory_id')
      .select(['memory_files.memory_id', 'memory_files.path'])
      .where('memory_files.path', 'in', covering)
      .where('memories.stale_at', 'is', null)
      .where('memories.created_at', '<=', now)
    if (change.taskId != null) matches = matches.where((eb) => eb.or([eb('memories.task_id', 'is', null), eb('memories.task_id', '!=', change.taskId as number)]))
    const rows = await matches.execute()
    const byMemory = new Map<number, Set<string>>()
    for (const row of rows) {
      const path = row.path
      const files = changed.filter((file) => file === path || (path.endsWith('/') && file.startsWith(path)))
      const set = byMemory.get(Number(row.memory_id)) ?? new Set<string>()
      for (const file of files) set.add(file)
      byMemory.set(Number(row.memory_id), set)
    }
    for (const [id, files] of byMemory) {
      await trx
        .updateTable('memories')
        .set({ stale_commit: change.commit, stale_files: JSON.stringify([...files].slice(0, 20)), stale_at: now })
        .where('id', '=', id)
        .execute()
    }
    return byMemory.size
  })
}
