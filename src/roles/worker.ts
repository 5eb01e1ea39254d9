import { createFinishTool, editFileTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool, writeFileTool } from '../agent/index.ts'
import { buildSystemPrompt } from '../agent/index.ts'
import { integrate, type Workspace } from '../git/index.ts'
import type { LandAttempt, TaskHandle, WorkerAttempt, WorkerOutcome } from '../orchestrator/index.ts'
import type { Task } from '../store/index.ts'
import { runRoleAgent } from './agent-session.ts'
import { fastGate } from './fast-gate.ts'
import type { RoleContext } from './role-context.ts'

function taskContract(task: Task): string {
  const lines = [
    `# Your task (id ${task.id}, attempt ${task.attempt} of ${task.maxAttempts})`,
    '',
    `Title: ${task.title}`,
    '',
    task.description.trim() || '(no description beyond the title)',
    '',
    `Acceptance (must pass before your change lands): ${task.acceptance.length > 0 ? task.acceptance.map((command) => `\`${command}\``).join(', ') : 'none beyond the repository checks'}`,
    `Scope (the only paths you may change): ${task.scope.length > 0 ? task.scope.join(', ') : 'anything'}`,
  ]
  if (task.reason) lines.push('', `From the board: ${task.reason}`)
  return lines.join('\n')
}

/** The integration of one task's worktree onto the target; `land: false` stops after the gate (approval.merge). */
function integrateTask(context: RoleContext, task: Task, workspace: Workspace, agentId: number, signal: AbortSignal, land: boolean) {
  const { store, config } = context
  return integrate({
    git: workspace.git,
    target: config.target,
    remote: config.remote,
    task: { id: task.id, title: task.title, description: task.description, scope: task.scope },
    author: { name: `colony-worker-${agentId}`, email: `worker-${agentId}@colony.local` },
    diffLimit: config.limits.diffLines,
    exclude: [...config.workspace.link, ...config.workspace.copy],
    gate: fastGate(context, task, signal),
    emit: async (type, data) => void (await store.appendEvents([{ runId: task.runId, taskId: task.id, agentId: agentId || null, type, data }])),
    signal,
    land,
    landing: context.landing,
  })
}

/** After the commit is on the target nothing may fail the attempt: record it, hand off, clean up (the supervisor sees the merge and asks for the deep gate). */
async function recordMerge(context: RoleContext, handle: TaskHandle, commit: string, handoff: { summary: string; concerns: string | null; agentId: number | null }) {
  const task = handle.task
  await handle.advance('merged', { result: { commit } })
  await context.store.addHandoff({ runId: task.runId, taskId: task.id, agentId: handoff.agentId, summary: handoff.summary, concerns: handoff.concerns, data: { commit } })
  await context.workspaces.remove(task.id).catch(() => undefined)
}

/**
 * A worker: one ready work task, its own worktree, the agent with the task
 * contract; `finish` integrates (DESIGN.md, "Finishing is integrating") and
 * tells the agent what to fix until the change lands or the attempt ends.
 * With approval.merge the gated change waits for a person instead, and
 * `land` lands it once approved.
 */
export function createWorker(context: RoleContext) {
  const { config } = context
  async function work({ handle, signal }: WorkerAttempt): Promise<WorkerOutcome> {
    const task = handle.task
    const workspace = await context.workspaces.open(task.id)
    let merged: string | undefined
    let awaiting = false
    let agentId = 0
    const finish = createFinishTool(async ({ summary, concerns }) => {
      await handle.advance('integrating')
      const outcome = await integrateTask(context, task, workspace, agentId, signal, !config.approval.merge)
      if (outcome.status === 'gated') {
        awaiting = true
        await handle.advance('awaiting_approval', { result: { awaiting: 'merge', candidate: outcome.commit, summary, concerns: concerns ?? null } })
        return { output: outcome.message, done: true }
      }
      if (outcome.status !== 'merged') {
        await handle.advance('running', { reason: outcome.status })
        return { output: outcome.message, failed: true }
      }
      merged = outcome.commit
      await recordMerge(context, handle, outcome.commit, { summary, concerns: concerns ?? null, agentId })
      return { output: outcome.message, done: true }
    })
    const outcome = await runRoleAgent(context, {
      role: 'worker',
      runId: task.runId,
      taskId: task.id,
      workspace: workspace.path,
      system: await buildSystemPrompt({ role: 'worker', workspace: workspace.path, repoMapTokens: config.context.repoMapTokens, focus: task.scope.filter((glob) => !glob.includes('*')) }),
      prompt: taskContract(task),
      tools: [readFileTool, listFilesTool, searchTool, runCommandTool, noteTool, writeFileTool, editFileTool, finish],
      signal,
      onAgent: (id) => (agentId = id),
    })
    if (merged) return { merged: true, commit: merged }
    if (awaiting) return { merged: false, awaitingApproval: true }
    return { merged: false, reason: outcome.status === 'stopped' ? `the worker stopped (${outcome.reason}): ${outcome.detail}` : 'the worker finished without its change landing' }
  }

  /** An approved change: rebased onto the tip, gated again if the tip moved under its files, and landed. */
  async function land({ handle, signal }: LandAttempt): Promise<WorkerOutcome> {
    const task = handle.task
    const workspace = await context.workspaces.open(task.id)
    const outcome = await integrateTask(context, task, workspace, 0, signal, true)
    if (outcome.status !== 'merged') return { merged: false, reason: outcome.message }
    const result = task.result ?? {}
    await recordMerge(context, handle, outcome.commit, { summary: typeof result.summary === 'string' ? result.summary : 'approved and merged', concerns: typeof result.concerns === 'string' ? result.concerns : null, agentId: null })
    return { merged: true, commit: outcome.commit }
  }

  return { work, land }
}
