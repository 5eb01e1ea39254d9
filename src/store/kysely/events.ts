import { sql } from 'kysely'
import { parseEvent, type ColonyEventOf, type EventType } from '../../events/index.ts'
import type { ColonyEvent, NewEvent } from '../records.ts'
import { toEvent } from '../row-mapping.ts'
import type { EventFilter } from '../store.ts'
import type { Database, StoreContext } from './context.ts'
import { feedMemoryFromEvents } from './memory-feed.ts'
import { storedJson } from './stored-json.ts'

/**
 * Appends events inside the caller's transaction, so that a change and the
 * events that tell of it commit together or not at all.
 */
export async function insertEvents(context: StoreContext, database: Database, events: NewEvent[]): Promise<ColonyEvent[]> {
  if (events.length === 0) return []
  if (context.kind === 'postgres') {
    // Identity values are handed out before commit, so concurrent writers could
    // commit event 12 before event 11 and a reader following by id would skip 11.
    // One appender at a time keeps id order equal to commit order.
    await sql`select pg_advisory_xact_lock(7325101)`.execute(database)
  }
  // An event outside the union is a bug in its emitter: refused here, in production too (cost measured in bench/store.ts).
  for (const event of events) parseEvent(event)
  const time = context.now()
  const rows = await database
    .insertInto('events')
    .values(
      events.map((event) => ({
        run_id: event.runId ?? null,
        task_id: event.taskId ?? null,
        agent_id: event.agentId ?? null,
        type: event.type,
        data: storedJson(event.data),
        created_at: time,
      })),
    )
    .returningAll()
    .execute()
  const inserted = rows.map(toEvent)
  await feedMemoryFromEvents(context, database, inserted)
  return inserted
}

export async function appendEvents(context: StoreContext, events: NewEvent[]): Promise<ColonyEvent[]> {
  return context.db.transaction().execute((trx) => insertEvents(context, trx, events))
}

export async function listEvents<T extends EventType>(context: StoreContext, filter: EventFilter<T> = {}): Promise<ColonyEventOf<T>[]> {
  let query = context.db.selectFrom('events').selectAll()
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
  if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
  if (filter.types) query = query.where('type', 'in', filter.types.length > 0 ? [...filter.types] : ['-'])
  if (filter.limit !== undefined) query = query.limit(filter.limit)
  // The query kept only rows of `filter.types`.
  return (await query.orderBy('id').execute()).map(toEvent) as ColonyEventOf<T>[]
}
