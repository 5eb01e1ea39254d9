import { TaskNotFoundError } from '../errors.ts'
import type { NewEvent, NewTask, Task, TaskChange, TaskStatus } from '../records.ts'
import { toTask } from '../row-mapping.ts'
import type { TaskFilter } from '../store.ts'
import { redactSecrets } from '../../secrets/index.ts'
import type { Database, StoreContext } from './context.ts'
import { insertEvents } from './events.ts'
import { storedJson } from './stored-json.ts'
import { versionedUpdate } from './versioned-update.ts'

const defaultMaxAttempts = 3

export async function createTask(context: StoreContext, input: NewTask, events: NewEvent[] = []): Promise<Task> {
  return context.db.transaction().execute(async (trx) => {
    const dependsOn = [...new Set(input.dependsOn ?? [])]
    for (const dependency of dependsOn) {
      const exists = await trx.selectFrom('tasks').select('id').where('id', '=', dependency).executeTakeFirst()
      if (!exists) throw new TaskNotFoundError(dependency)
    }
    const time = context.now()
    const row = await trx
      .insertInto('tasks')
      .values({
        run_id: input.runId,
        parent_id: input.parentId ?? null,
        kind: input.kind ?? 'work',
        title: input.title,
        description: input.description ?? '',
        acceptance: JSON.stringify(input.acceptance ?? []),
        scope: JSON.stringify(input.scope ?? []),
        priority: input.priority ?? 0,
        status: input.status ?? 'ready',
        attempt: 1,
        max_attempts: input.maxAttempts ?? defaultMaxAttempts,
        owner: null,
        lease_until: null,
        version: 1,
        created_by: input.createdBy,
        result: null,
        reason: input.reason ?? null,
        created_at: time,
        updated_at: time,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const task = toTask(row, dependsOn.sort((a, b) => a - b))
    if (dependsOn.length > 0) {
      await trx
        .insertInto('task_dependencies')
        .values(dependsOn.map((dependency) => ({ task_id: task.id, depends_on_id: dependency })))
        .execute()
    }
    await insertEvents(context, trx, events.map((event) => ({ runId: task.runId, taskId: task.id, ...event })))
    return task
  })
}

export async function getTask(context: StoreContext, id: number): Promise<Task> {
  const task = await findTask(context, id)
  if (!task) throw new TaskNotFoundError(id)
  return task
}

export async function findTask(context: StoreContext, id: number): Promise<Task | undefined> {
  const row = await context.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  const dependencies = await dependenciesOf(context.db, [id])
  return toTask(row, dependencies.get(id) ?? [])
}

export async function listTasks(context: StoreContext, filter: TaskFilter = {}): Promise<Task[]> {
  const { db } = context
  let ordered = filteredTasks(db, filter).selectAll('tasks').orderBy('tasks.priority', 'desc').orderBy('tasks.id')
  if (filter.limit !== undefined) ordered = ordered.limit(filter.limit).offset(filter.offset ?? 0)
  const rows = await ordered.execute()
  const dependencies = await dependenciesOf(db, rows.map((row) => Number(row.id)))
  return rows.map((row) => toTask(row, dependencies.get(Number(row.id)) ?? []))
}

export async function hasTasks(context: StoreContext, filter: TaskFilter): Promise<boolean> {
  const found = await filteredTasks(context.db, filter).select('tasks.id').limit(1).executeTakeFirst()
  return found !== undefined
}

/** The tasks `filter` asks for, before choosing columns. */
function filteredTasks(db: Database, filter: TaskFilter) {
  let query = db.selectFrom('tasks')
  if (filter.runId !== undefined) query = query.where('tasks.run_id', '=', filter.runId)
  if (filter.statuses) query = query.where('tasks.status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
  if (filter.parentId !== undefined) query = query.where('tasks.parent_id', '=', filter.parentId)
  if (filter.unowned) query = query.where('tasks.owner', 'is', null)
  if (filter.leaseExpiredBefore !== undefined) query = query.where('tasks.lease_until', '<', filter.leaseExpiredBefore)
  if (filter.dependsOn !== undefined) {
    const dependsOn = filter.dependsOn
    query = query.where('tasks.id', 'in', (sub) => sub.selectFrom('task_dependencies').select('task_id').where('depends_on_id', '=', dependsOn))
  }
  if (filter.dependenciesMerged) {
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('task_dependencies')
            .innerJoin('tasks as dependency', 'dependency.id', 'task_dependencies.depends_on_id')
            .select('task_dependencies.task_id')
            .whereRef('task_dependencies.task_id', '=', 'tasks.id')
            .where('dependency.status', '!=', 'merged'),
        ),
      ),
    )
  }
  return query
}

export async function countTasksByStatus(context: StoreContext, runId?: number): Promise<Partial<Record<TaskStatus, number>>> {
  const { db } = context
  let query = db.selectFrom('tasks').select(['status', db.fn.countAll<number>().as('count')]).groupBy('status')
  if (runId !== undefined) query = query.where('run_id', '=', runId)
  const counts: Partial<Record<TaskStatus, number>> = {}
  for (const row of await query.execute()) counts[row.status as TaskStatus] = Number(row.count)
  return counts
}

export async function updateTask(context: StoreContext, id: number, expectedVersion: number, change: TaskChange, events: NewEvent[] = []): Promise<Task> {
  return context.db.transaction().execute(async (trx) => {
    const row = await versionedUpdate(trx, { table: 'tasks', id, expectedVersion, change: taskChangeToRow(change), updatedAt: context.now() })
    const dependencies = await dependenciesOf(trx, [id])
    const task = toTask(row, dependencies.get(id) ?? [])
    await insertEvents(context, trx, events.map((event) => ({ runId: task.runId, taskId: id, ...event })))
    return task
  })
}

function taskChangeToRow(change: TaskChange) {
  return {
    ...(change.status !== undefined && { status: change.status }),
    ...(change.attempt !== undefined && { attempt: change.attempt }),
    ...(change.owner !== undefined && { owner: change.owner }),
    ...(change.leaseUntil !== undefined && { lease_until: change.leaseUntil }),
    ...(change.result !== undefined && { result: change.result === null ? null : storedJson(change.result) }),
    ...(change.reason !== undefined && { reason: change.reason === null ? null : redactSecrets(change.reason) }),
    ...(change.priority !== undefined && { priority: change.priority }),
    ...(change.title !== undefined && { title: change.title }),
    ...(change.description !== undefined && { description: change.description }),
  }
}

async function dependenciesOf(database: Database, taskIds: number[]): Promise<Map<number, number[]>> {
  const byTask = new Map<number, number[]>()
  const chunkSize = 500
  for (let start = 0; start < taskIds.length; start += chunkSize) {
    const chunk = taskIds.slice(start, start + chunkSize)
    const rows = await database.selectFrom('task_dependencies').selectAll().where('task_id', 'in', chunk).orderBy('depends_on_id').execute()
    for (const row of rows) {
      const taskId = Number(row.task_id)
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), Number(row.depends_on_id)])
    }
  }
  return byTask
}
