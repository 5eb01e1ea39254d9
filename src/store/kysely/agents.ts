import { AgentNotFoundError } from '../errors.ts'
import type { Agent, AgentChange, NewAgent, NewEvent } from '../records.ts'
import { toAgent } from '../row-mapping.ts'
import type { StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { versionedUpdate } from './versioned-update.ts'

export async function createAgent(context: StoreContext, input: NewAgent, events: NewEvent[] = []): Promise<Agent> {
  return context.db.transaction().execute(async (trx) => {
    const time = context.now()
    const row = await trx
      .insertInto('agents')
      .values({
        run_id: input.runId,
        role: input.role,
        task_id: input.taskId ?? null,
        status: input.status ?? 'starting',
        model: input.model ?? null,
        activity: null,
        version: 1,
        created_at: time,
        updated_at: time,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const agent = toAgent(row)
    await insertEvents(context, trx, events.map((event) => ({ runId: agent.runId, agentId: agent.id, taskId: agent.taskId, ...event })))
    return agent
  })
}

export async function getAgent(context: StoreContext, id: number): Promise<Agent> {
  const row = await context.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new AgentNotFoundError(id)
  return toAgent(row)
}

export async function listAgents(context: StoreContext, filter: { runId?: number; statuses?: readonly string[] } = {}): Promise<Agent[]> {
  let query = context.db.selectFrom('agents').selectAll()
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
  if (filter.statuses) query = query.where('status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
  return (await query.orderBy('id').execute()).map(toAgent)
}

export async function updateAgent(context: StoreContext, id: number, expectedVersion: number, change: AgentChange, events: NewEvent[] = []): Promise<Agent> {
  return context.db.transaction().execute(async (trx) => {
    const row = await versionedUpdate(trx, {
      table: 'agents',
      id,
      expectedVersion,
      change: {
        ...(change.status !== undefined && { status: change.status }),
        ...(change.taskId !== undefined && { task_id: change.taskId }),
        ...(change.activity !== undefined && { activity: change.activity }),
        ...(change.model !== undefined && { model: change.model }),
      },
      updatedAt: context.now(),
    })
    const agent = toAgent(row)
    await insertEvents(context, trx, events.map((event) => ({ runId: agent.runId, agentId: id, taskId: agent.taskId, ...event })))
    return agent
  })
}
