import { newEvent } from '../events/index.ts'
import { LeaseLostError, type TaskHandle } from '../board/index.ts'
import { integrate, type IntegrationOutcome, type Workspace } from '../git/index.ts'
import { markStaleAfterLanding } from '../memory/index.ts'
import { recordSurvivedFailure, type WorkerOutcome } from '../orchestrator/index.ts'
import type { Task } from '../store/index.ts'
import { fastGate } from './fast-gate.ts'
import type { RoleContext } from './role-context.ts'

/** The integration of one task's worktree onto the target; `land: false` stops after the gate (approval.merge). */
export function integrateTask(context: RoleContext, task: Task, workspace: Workspace, agentId: number, signal: AbortSignal, land: boolean) {
  const { store, config } = context
  return integrate({
    git: workspace.git,
    target: config.target,
    remote: config.remote,
    task: { id: task.id, runId: task.runId, title: task.title, description: task.description, scope: task.scope },
    author: { name: `colony-worker-${agentId}`, email: `worker-${agentId}@colony.local` },
    diffLimit: config.limits.diffLines,
    exclude: [...config.workspace.link, ...config.workspace.copy],
    changedPaths: workspace.changedPaths,
    gate: fastGate(context, task, signal),
    emit: async (type, data) => void (await store.appendEvents([newEvent(type, data, { runId: task.runId, taskId: task.id, agentId: agentId || null })])),
    signal,
    land,
    // Every attempt's worktree goes when it ends, and a landed change ends it.
    worktreeRemovedAfterLanding: true,
    landing: context.landing,
  })
}

/**
 * After the commit is on the target nothing may fail the attempt: record it
 * and hand off (the supervisor sees the merge and asks for the deep gate). A
 * cancel that came just after the landing has recorded the merge already.
 */
export async function recordMerge(context: RoleContext, handle: TaskHandle, commit: string, handoff: { summary: string; concerns: string | null; agentId: number | null }) {
  const task = handle.task
  try {
    await handle.advance('merged', { result: { commit } })
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error
    await context.board.recordLanded(task.id, commit, handle.task.owner ?? 'worker')
  }
  // Memory is a reader's aid: marking it stale must not undo a landing that happened.
  const files = await markStaleAfterLanding(context.store, context.git, { commit, taskId: task.id }).catch(async (error: unknown) => {
    await recordSurvivedFailure(context.store, { runId: task.runId, taskId: task.id, type: 'memory-update-failed', data: { commit } }, error)
    return []
  })
  await context.store.addHandoff({ runId: task.runId, taskId: task.id, agentId: handoff.agentId, summary: handoff.summary, concerns: handoff.concerns, data: { commit, files } })
}

/** An integration that failed for a reason the worker cannot fix: the task goes back to running and the agent is told. */
async function integrationBroke(context: RoleContext, handle: TaskHandle, agentId: number, error: unknown): Promise<string> {
  const message = error instanceof Error ? error.message : String(error)
  await context.store.appendEvents([{ runId: handle.task.runId, taskId: handle.task.id, agentId: agentId || null, type: 'integration-error', data: { error: message, ...(error instanceof Error && { name: error.name }) } }])
  await handle.advance('running', { reason: `integration error: ${message}` })
  return `Integrating your change failed because of an error in Colony or the repository, not in your change:\n${message}\nYour work is still in the worktree. Call finish again; if the same error comes back, call note to describe it and stop.`
}

/** What one finish call came to: the text for the agent, and whether the attempt is over (`done`) or the change did not land (`failed`). */
export interface FinishResult {
  output: string
  done?: boolean
  failed?: boolean
}

export interface TaskFinish {
  /** Integrates the worktree's change as the agent's finish {summary, concerns}: lands it, or says what to fix. */
  finish: (input: { summary: string; concerns?: string | undefined }) => Promise<FinishResult>
  /** How the attempt ended, once the agent stops: merged, waiting for approval, cancelled, or not landed. */
  outcome: (notLanded: string) => WorkerOutcome
}

/**
 * "Finishing is integrating" (DESIGN.md) for one attempt of one task, whoever
 * the agent is: Colony's own loop, an agent CLI, or an MCP client. Each call
 * integrates the worktree; the agent goes on after a change that did not land.
 * With approval.merge the gated change waits for a person instead.
 */
export function createTaskFinish(context: RoleContext, options: { handle: TaskHandle; workspace: Workspace; signal: AbortSignal; agentId: () => number }): TaskFinish {
  const { handle, workspace, signal } = options
  const task = handle.task
  let merged: string | undefined
  let awaiting = false
  let cancelled = false

  async function finish({ summary, concerns }: { summary: string; concerns?: string | undefined }): Promise<FinishResult> {
    if (merged) return { output: `Your change is already merged as ${merged}; there is nothing more to do.`, done: true }
    const agentId = options.agentId()
    await handle.advance('integrating')
    let outcome: IntegrationOutcome
    try {
      outcome = await integrateTask(context, task, workspace, agentId, signal, !context.config.approval.merge)
    } catch (error) {
      if (signal.aborted || error instanceof LeaseLostError) throw error
      return { output: await integrationBroke(context, handle, agentId, error), failed: true }
    }
    if (outcome.status === 'gated') {
      awaiting = true
      await handle.advance('awaiting_approval', { result: { awaiting: 'merge', candidate: outcome.commit, summary, concerns: concerns ?? null } })
      return { output: outcome.message, done: true }
    }
    if (outcome.status === 'cancelled') {
      cancelled = true
      return { output: outcome.message, done: true }
    }
    if (outcome.status === 'landed-before') {
      merged = outcome.commit
      await context.board.recordLanded(task.id, outcome.commit, task.owner ?? 'worker')
      return { output: outcome.message, done: true }
    }
    if (outcome.status !== 'merged') {
      await handle.advance('running', { reason: outcome.status })
      return { output: outcome.message, failed: true }
    }
    merged = outcome.commit
    await recordMerge(context, handle, outcome.commit, { summary, concerns: concerns ?? null, agentId })
    return { output: outcome.message, done: true }
  }

  function outcome(notLanded: string): WorkerOutcome {
    if (merged) return { merged: true, commit: merged }
    if (awaiting) return { merged: false, awaitingApproval: true }
    if (cancelled) throw new LeaseLostError(task.id, task.owner ?? 'worker', 'it was cancelled before its change landed')
    return { merged: false, reason: notLanded }
  }

  return { finish, outcome }
}
