import type { Handoff, NewEvent, NewHandoff } from '../records.ts'
import { toHandoff } from '../row-mapping.ts'
import type { HandoffFilter } from '../store.ts'
import { redactSecrets } from '../../secrets/index.ts'
import type { StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { feedMemoryFromHandoff } from './memory-feed.ts'
import { storedJson } from './stored-json.ts'

export async function addHandoff(context: StoreContext, input: NewHandoff, events: NewEvent[] = []): Promise<Handoff> {
  return context.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('handoffs')
      .values({
        run_id: input.runId,
        task_id: input.taskId,
        agent_id: input.agentId ?? null,
        summary: redactSecrets(input.summary),
        concerns: input.concerns == null ? null : redactSecrets(input.concerns),
        data: storedJson(input.data ?? {}),
        created_at: context.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await insertEvents(context, trx, events.map((event) => ({ runId: input.runId, taskId: input.taskId, ...event })))
    const handoff = toHandoff(row)
    await feedMemoryFromHandoff(context, trx, handoff)
    return handoff
  })
}

export async function listHandoffs(context: StoreContext, filter: HandoffFilter): Promise<Handoff[]> {
  let query = context.db.selectFrom('handoffs').selectAll()
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
  if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
  const parentId = filter.parentId
  if (parentId !== undefined) query = query.where('task_id', 'in', (sub) => sub.selectFrom('tasks').select('id').where('parent_id', '=', parentId))
  if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
  return (await query.orderBy('id').execute()).map(toHandoff)
}
