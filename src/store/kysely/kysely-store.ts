import type { Kysely } from 'kysely'
import type { StoreKind } from './context.ts'
import type { Store } from '../store.ts'
import type { Tables } from '../tables.ts'
import { createAgent, getAgent, listAgents, updateAgent } from './agents.ts'
import { decideApproval, getApproval, listApprovals, requestApproval } from './approvals.ts'
import type { StoreContext } from './context.ts'
import { appendEvents, listEvents } from './events.ts'
import { addHandoff, listHandoffs } from './handoffs.ts'
import { lockHolder, tryLock, unlock } from './locks.ts'
import { addMemory, forgetMemory, getMemory, listMemories, markMemoriesStale, recallMemories } from './memories.ts'
import { createRun, getRun, latestRun, updateRun } from './runs.ts'
import { countTasksByStatus, createTask, findTask, getTask, hasTasks, listTasks, updateTask } from './tasks.ts'
import { appendTranscript, getTranscript } from './transcripts.ts'
import { recordUsage, usageTotals } from './usage.ts'

/**
 * The Store over any Kysely database. SQLite and PostgreSQL differ only in the
 * dialect handed in, in how events are appended in id order, and in full-text
 * search. Each kind of record lives in its own module beside this one; this
 * only hands them the shared context.
 */
export function createKyselyStore(options: {
  db: Kysely<Tables>
  kind: StoreKind
  location: string
  now?: () => number
  onClose?: () => Promise<void>
}): Store {
  const context: StoreContext = { db: options.db, kind: options.kind, now: options.now ?? Date.now }
  return {
    kind: options.kind,
    location: options.location,

    createRun: (input, events) => createRun(context, input, events),
    getRun: (id) => getRun(context, id),
    latestRun: () => latestRun(context),
    updateRun: (id, expectedVersion, change, events) => updateRun(context, id, expectedVersion, change, events),

    createTask: (input, events) => createTask(context, input, events),
    getTask: (id) => getTask(context, id),
    findTask: (id) => findTask(context, id),
    listTasks: (filter) => listTasks(context, filter),
    hasTasks: (filter) => hasTasks(context, filter),
    countTasksByStatus: (runId) => countTasksByStatus(context, runId),
    updateTask: (id, expectedVersion, change, events) => updateTask(context, id, expectedVersion, change, events),

    createAgent: (input, events) => createAgent(context, input, events),
    getAgent: (id) => getAgent(context, id),
    listAgents: (filter) => listAgents(context, filter),
    updateAgent: (id, expectedVersion, change, events) => updateAgent(context, id, expectedVersion, change, events),

    appendEvents: (events) => appendEvents(context, events),
    listEvents: (filter) => listEvents(context, filter),

    addHandoff: (input, events) => addHandoff(context, input, events),
    listHandoffs: (filter) => listHandoffs(context, filter),

    appendTranscript: (agentId, entries) => appendTranscript(context, agentId, entries),
    getTranscript: (agentId) => getTranscript(context, agentId),

    recordUsage: (record) => recordUsage(context, record),
    usageTotals: (filter) => usageTotals(context, filter),

    requestApproval: (input, events) => requestApproval(context, input, events),
    getApproval: (id) => getApproval(context, id),
    listApprovals: (filter) => listApprovals(context, filter),
    decideApproval: (id, expectedVersion, decision, events) => decideApproval(context, id, expectedVersion, decision, events),

    tryLock: (name, owner, ttlMs) => tryLock(context, name, owner, ttlMs),
    unlock: (name, owner) => unlock(context, name, owner),
    lockHolder: (name) => lockHolder(context, name),

    addMemory: (input, events) => addMemory(context, input, events),
    getMemory: (id) => getMemory(context, id),
    listMemories: (filter) => listMemories(context, filter),
    recallMemories: (query, filter) => recallMemories(context, query, filter),
    forgetMemory: (id, by, events) => forgetMemory(context, id, by, events),
    markMemoriesStale: (change) => markMemoriesStale(context, change),

    async close() {
      await options.db.destroy()
      await options.onClose?.()
    },
  }
}
