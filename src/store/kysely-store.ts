import { sql, type Kysely, type Transaction } from 'kysely'
import { AgentNotFoundError, ApprovalNotFoundError, RunNotFoundError, TaskNotFoundError, VersionConflictError } from './errors.ts'
import type { StoreKind } from './migrations.ts'
import type { NewEvent, NewTask, Task, TaskChange, TaskStatus, UsageTotals } from './records.ts'
import { toAgent, toApproval, toEvent, toHandoff, toNote, toRun, toTask } from './row-mapping.ts'
import type { Store, TaskFilter } from './store.ts'
import type { Tables } from './tables.ts'
import { redactSecrets, redactValue } from '../secrets/index.ts'

/** What the store keeps is what people and models read later: secrets never get in. */
function storedJson(value: unknown): string {
  return JSON.stringify(redactValue(value))
}

type Database = Kysely<Tables> | Transaction<Tables>

const defaultMaxAttempts = 3

/**
 * The Store over any Kysely database. SQLite and PostgreSQL differ only in the
 * dialect handed in and in full-text search.
 */
export function createKyselyStore(options: {
  db: Kysely<Tables>
  kind: StoreKind
  location: string
  now?: () => number
  onClose?: () => Promise<void>
}): Store {
  const { db, kind, location } = options
  const now = options.now ?? Date.now

  async function insertEvents(database: Database, events: NewEvent[]) {
    if (events.length === 0) return []
    if (kind === 'postgres') {
      // Identity values are handed out before commit, so concurrent writers could
      // commit event 12 before event 11 and a reader following by id would skip 11.
      // One appender at a time keeps id order equal to commit order.
      await sql`select pg_advisory_xact_lock(7325101)`.execute(database)
    }
    const time = now()
    const rows = await database
      .insertInto('events')
      .values(
        events.map((event) => ({
          run_id: event.runId ?? null,
          task_id: event.taskId ?? null,
          agent_id: event.agentId ?? null,
          type: event.type,
          data: storedJson(event.data ?? {}),
          created_at: time,
        })),
      )
      .returningAll()
      .execute()
    return rows.map(toEvent)
  }

  async function dependenciesOf(database: Database, taskIds: number[]): Promise<Map<number, number[]>> {
    const byTask = new Map<number, number[]>()
    const chunkSize = 500
    for (let start = 0; start < taskIds.length; start += chunkSize) {
      const chunk = taskIds.slice(start, start + chunkSize)
      const rows = await database
        .selectFrom('task_dependencies')
        .selectAll()
        .where('task_id', 'in', chunk)
        .orderBy('depends_on_id')
        .execute()
      for (const row of rows) {
        const taskId = Number(row.task_id)
        byTask.set(taskId, [...(byTask.get(taskId) ?? []), Number(row.depends_on_id)])
      }
    }
    return byTask
  }

  async function findTask(database: Database, id: number): Promise<Task | undefined> {
    const row = await database.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return undefined
    const dependencies = await dependenciesOf(database, [id])
    return toTask(row, dependencies.get(id) ?? [])
  }

  async function currentVersion(database: Database, table: 'tasks' | 'runs' | 'agents' | 'approvals', id: number) {
    const row = await database.selectFrom(table).select('version').where('id', '=', id).executeTakeFirst()
    return row ? Number(row.version) : undefined
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

  return {
    kind,
    location,

    async createRun(input, events = []) {
      return db.transaction().execute(async (trx) => {
        const time = now()
        const row = await trx
          .insertInto('runs')
          .values({ goal: input.goal ?? null, status: 'pending', target: input.target, reason: null, version: 1, created_at: time, updated_at: time })
          .returningAll()
          .executeTakeFirstOrThrow()
        const run = toRun(row)
        await insertEvents(trx, events.map((event) => ({ runId: run.id, ...event })))
        return run
      })
    },

    async getRun(id) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) throw new RunNotFoundError(id)
      return toRun(row)
    },

    async latestRun() {
      const row = await db.selectFrom('runs').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
      return row ? toRun(row) : undefined
    },

    async updateRun(id, expectedVersion, change, events = []) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('runs')
          .set({ ...change, version: expectedVersion + 1, updated_at: now() })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .returningAll()
          .executeTakeFirst()
        if (!row) {
          const actual = await currentVersion(trx, 'runs', id)
          if (actual === undefined) throw new RunNotFoundError(id)
          throw new VersionConflictError('run', id, expectedVersion, actual)
        }
        await insertEvents(trx, events.map((event) => ({ runId: id, ...event })))
        return toRun(row)
      })
    },

    async createTask(input: NewTask, events = []) {
      return db.transaction().execute(async (trx) => {
        const dependsOn = [...new Set(input.dependsOn ?? [])]
        for (const dependency of dependsOn) {
          const exists = await trx.selectFrom('tasks').select('id').where('id', '=', dependency).executeTakeFirst()
          if (!exists) throw new TaskNotFoundError(dependency)
        }
        const time = now()
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
        await insertEvents(trx, events.map((event) => ({ runId: task.runId, taskId: task.id, ...event })))
        return task
      })
    },

    async getTask(id) {
      const task = await findTask(db, id)
      if (!task) throw new TaskNotFoundError(id)
      return task
    },

    findTask: (id) => findTask(db, id),

    async listTasks(filter: TaskFilter = {}) {
      let query = db.selectFrom('tasks').selectAll('tasks')
      if (filter.runId !== undefined) query = query.where('tasks.run_id', '=', filter.runId)
      if (filter.statuses) query = query.where('tasks.status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
      if (filter.parentId !== undefined) query = query.where('tasks.parent_id', '=', filter.parentId)
      if (filter.leaseExpiredBefore !== undefined) query = query.where('tasks.lease_until', '<', filter.leaseExpiredBefore)
      if (filter.dependsOn !== undefined) {
        const dependsOn = filter.dependsOn
        query = query.where('tasks.id', 'in', (sub) =>
          sub.selectFrom('task_dependencies').select('task_id').where('depends_on_id', '=', dependsOn),
        )
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
      let ordered = query.orderBy('tasks.priority', 'desc').orderBy('tasks.id')
      if (filter.limit !== undefined) ordered = ordered.limit(filter.limit).offset(filter.offset ?? 0)
      const rows = await ordered.execute()
      const dependencies = await dependenciesOf(db, rows.map((row) => Number(row.id)))
      return rows.map((row) => toTask(row, dependencies.get(Number(row.id)) ?? []))
    },

    async countTasksByStatus(runId) {
      let query = db.selectFrom('tasks').select(['status', db.fn.countAll<number>().as('count')]).groupBy('status')
      if (runId !== undefined) query = query.where('run_id', '=', runId)
      const counts: Partial<Record<TaskStatus, number>> = {}
      for (const row of await query.execute()) counts[row.status as TaskStatus] = Number(row.count)
      return counts
    },

    async updateTask(id, expectedVersion, change, events = []) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('tasks')
          .set({ ...taskChangeToRow(change), version: expectedVersion + 1, updated_at: now() })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .returningAll()
          .executeTakeFirst()
        if (!row) {
          const actual = await currentVersion(trx, 'tasks', id)
          if (actual === undefined) throw new TaskNotFoundError(id)
          throw new VersionConflictError('task', id, expectedVersion, actual)
        }
        const dependencies = await dependenciesOf(trx, [id])
        const task = toTask(row, dependencies.get(id) ?? [])
        await insertEvents(trx, events.map((event) => ({ runId: task.runId, taskId: id, ...event })))
        return task
      })
    },

    async createAgent(input, events = []) {
      return db.transaction().execute(async (trx) => {
        const time = now()
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
        await insertEvents(trx, events.map((event) => ({ runId: agent.runId, agentId: agent.id, taskId: agent.taskId, ...event })))
        return agent
      })
    },

    async getAgent(id) {
      const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) throw new AgentNotFoundError(id)
      return toAgent(row)
    },

    async listAgents(filter = {}) {
      let query = db.selectFrom('agents').selectAll()
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
      if (filter.statuses) query = query.where('status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
      return (await query.orderBy('id').execute()).map(toAgent)
    },

    async updateAgent(id, expectedVersion, change, events = []) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('agents')
          .set({
            ...(change.status !== undefined && { status: change.status }),
            ...(change.taskId !== undefined && { task_id: change.taskId }),
            ...(change.activity !== undefined && { activity: change.activity }),
            ...(change.model !== undefined && { model: change.model }),
            version: expectedVersion + 1,
            updated_at: now(),
          })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .returningAll()
          .executeTakeFirst()
        if (!row) {
          const actual = await currentVersion(trx, 'agents', id)
          if (actual === undefined) throw new AgentNotFoundError(id)
          throw new VersionConflictError('agent', id, expectedVersion, actual)
        }
        const agent = toAgent(row)
        await insertEvents(trx, events.map((event) => ({ runId: agent.runId, agentId: id, taskId: agent.taskId, ...event })))
        return agent
      })
    },

    appendEvents: (events) => db.transaction().execute((trx) => insertEvents(trx, events)),

    async listEvents(filter = {}) {
      let query = db.selectFrom('events').selectAll()
      if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
      if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
      if (filter.types) query = query.where('type', 'in', filter.types.length > 0 ? [...filter.types] : ['-'])
      if (filter.limit !== undefined) query = query.limit(filter.limit)
      return (await query.orderBy('id').execute()).map(toEvent)
    },

    async addHandoff(input, events = []) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('handoffs')
          .values({
            run_id: input.runId,
            task_id: input.taskId,
            agent_id: input.agentId ?? null,
            summary: redactSecrets(input.summary),
            concerns: input.concerns == null ? null : redactSecrets(input.concerns),
            data: storedJson(input.data ?? {}),
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await insertEvents(trx, events.map((event) => ({ runId: input.runId, taskId: input.taskId, ...event })))
        return toHandoff(row)
      })
    },

    async listHandoffs(filter) {
      let query = db.selectFrom('handoffs').selectAll()
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
      if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
      if (filter.afterId !== undefined) query = query.where('id', '>', filter.afterId)
      return (await query.orderBy('id').execute()).map(toHandoff)
    },

    async requestApproval(input, events = []) {
      return db.transaction().execute(async (trx) => {
        const time = now()
        const row = await trx
          .insertInto('approvals')
          .values({
            run_id: input.runId,
            task_id: input.taskId ?? null,
            agent_id: input.agentId ?? null,
            kind: input.kind,
            subject: redactSecrets(input.subject),
            detail: storedJson(input.detail ?? {}),
            status: 'pending',
            reason: null,
            decided_by: null,
            version: 1,
            created_at: time,
            updated_at: time,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        const approval = toApproval(row)
        await insertEvents(trx, events.map((event) => ({ runId: approval.runId, taskId: approval.taskId, agentId: approval.agentId, ...event, data: { approvalId: approval.id, ...event.data } })))
        return approval
      })
    },

    async getApproval(id) {
      const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst()
      if (!row) throw new ApprovalNotFoundError(id)
      return toApproval(row)
    },

    async listApprovals(filter = {}) {
      let query = db.selectFrom('approvals').selectAll()
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
      if (filter.statuses) query = query.where('status', 'in', filter.statuses.length > 0 ? [...filter.statuses] : ['-'])
      return (await query.orderBy('id').execute()).map(toApproval)
    },

    async tryLock(name, owner, ttlMs) {
      const at = now()
      await db
        .insertInto('locks')
        .values({ name, owner, until: at + ttlMs })
        .onConflict((conflict) => conflict.column('name').doUpdateSet({ owner, until: at + ttlMs }).where((row) => row.or([row('locks.until', '<', at), row('locks.owner', '=', owner)])))
        .execute()
      const held = await db.selectFrom('locks').select('owner').where('name', '=', name).executeTakeFirst()
      return held?.owner === owner
    },

    async unlock(name, owner) {
      await db.deleteFrom('locks').where('name', '=', name).where('owner', '=', owner).execute()
    },

    async lockHolder(name) {
      const held = await db.selectFrom('locks').select('owner').where('name', '=', name).where('until', '>=', now()).executeTakeFirst()
      return held?.owner
    },

    async decideApproval(id, expectedVersion, decision, events = []) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('approvals')
          .set({ status: decision.status, reason: decision.reason == null ? null : redactSecrets(decision.reason), decided_by: decision.decidedBy, version: expectedVersion + 1, updated_at: now() })
          .where('id', '=', id)
          .where('version', '=', expectedVersion)
          .where('status', '=', 'pending')
          .returningAll()
          .executeTakeFirst()
        if (!row) {
          const actual = await currentVersion(trx, 'approvals', id)
          if (actual === undefined) throw new ApprovalNotFoundError(id)
          throw new VersionConflictError('approval', id, expectedVersion, actual)
        }
        const approval = toApproval(row)
        await insertEvents(trx, events.map((event) => ({ runId: approval.runId, taskId: approval.taskId, agentId: approval.agentId, ...event, data: { approvalId: id, ...event.data } })))
        return approval
      })
    },

    async appendTranscript(agentId, entries) {
      if (entries.length === 0) return
      await db.transaction().execute(async (trx) => {
        const last = await trx
          .selectFrom('transcripts')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('agent_id', '=', agentId)
          .executeTakeFirst()
        const start = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq) + 1
        const time = now()
        await trx
          .insertInto('transcripts')
          .values(entries.map((entry, index) => ({ agent_id: agentId, seq: start + index, role: entry.role, content: storedJson(entry.content), created_at: time })))
          .execute()
      })
    },

    async getTranscript(agentId) {
      const rows = await db.selectFrom('transcripts').selectAll().where('agent_id', '=', agentId).orderBy('seq').execute()
      return rows.map((row) => ({
        agentId: Number(row.agent_id),
        seq: Number(row.seq),
        role: row.role,
        content: JSON.parse(row.content) as unknown,
        createdAt: Number(row.created_at),
      }))
    },

    async recordUsage(record) {
      await db
        .insertInto('usage')
        .values({
          run_id: record.runId,
          agent_id: record.agentId ?? null,
          task_id: record.taskId ?? null,
          role: record.role ?? null,
          model: record.model,
          input_tokens: record.inputTokens,
          output_tokens: record.outputTokens,
          cached_tokens: record.cachedTokens ?? 0,
          cost_usd: record.costUsd,
          created_at: now(),
        })
        .execute()
    },

    async usageTotals(filter = {}): Promise<UsageTotals> {
      let query = db
        .selectFrom('usage')
        .select((eb) => [
          eb.fn.countAll<number>().as('calls'),
          eb.fn.coalesce(eb.fn.sum<number>('input_tokens'), sql<number>`0`).as('input_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('output_tokens'), sql<number>`0`).as('output_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('cached_tokens'), sql<number>`0`).as('cached_tokens'),
          eb.fn.coalesce(eb.fn.sum<number>('cost_usd'), sql<number>`0`).as('cost_usd'),
        ])
      if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId)
      if (filter.taskId !== undefined) query = query.where('task_id', '=', filter.taskId)
      if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId)
      const row = await query.executeTakeFirstOrThrow()
      return {
        calls: Number(row.calls),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        cachedTokens: Number(row.cached_tokens),
        costUsd: Number(row.cost_usd),
      }
    },

    async addNote(input) {
      const row = await db
        .insertInto('notes')
        .values({ run_id: input.runId ?? null, agent_id: input.agentId ?? null, task_id: input.taskId ?? null, text: redactSecrets(input.text), created_at: now() })
        .returningAll()
        .executeTakeFirstOrThrow()
      return toNote(row)
    },

    async searchNotes(query, options = {}) {
      const words = query.match(/[\p{L}\p{N}_]+/gu) ?? []
      if (words.length === 0) return []
      const limit = options.limit ?? 20
      const runFilter = options.runId === undefined ? sql`` : sql`and notes.run_id = ${options.runId}`
      if (kind === 'sqlite') {
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
    },

    async close() {
      await db.destroy()
      await options.onClose?.()
    },
  }
}
