import { RunNotFoundError } from '../errors.ts'
import type { NewEvent, Run, RunChange } from '../records.ts'
import { toRun } from '../row-mapping.ts'
import type { StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { versionedUpdate } from './versioned-update.ts'

export async function createRun(context: StoreContext, input: { goal?: string | null; target: string }, events: NewEvent[] = []): Promise<Run> {
  return context.db.transaction().execute(async (trx) => {
    const time = context.now()
    const row = await trx
      .insertInto('runs')
      .values({ goal: input.goal ?? null, status: 'pending', target: input.target, reason: null, version: 1, created_at: time, updated_at: time })
      .returningAll()
      .executeTakeFirstOrThrow()
    const run = toRun(row)
    await insertEvents(context, trx, events.map((event) => ({ runId: run.id, ...event })))
    return run
  })
}

export async function getRun(context: StoreContext, id: number): Promise<Run> {
  const row = await context.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new RunNotFoundError(id)
  return toRun(row)
}

export async function latestRun(context: StoreContext): Promise<Run | undefined> {
  const row = await context.db.selectFrom('runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row ? toRun(row) : undefined
}

export async function updateRun(context: StoreContext, id: number, expectedVersion: number, change: RunChange, events: NewEvent[] = []): Promise<Run> {
  return context.db.transaction().execute(async (trx) => {
    const row = await versionedUpdate(trx, { table: 'runs', id, expectedVersion, change, updatedAt: context.now() })
    await insertEvents(context, trx, events.map((event) => ({ runId: id, ...event })))
    return toRun(row)
  })
}
