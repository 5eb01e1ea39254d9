import { createFinishTool, editFileTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool, writeFileTool } from '../agent/index.ts'
import { buildSystemPrompt } from '../agent/index.ts'
import { integrate } from '../git/index.ts'
import type { WorkerAttempt, WorkerOutcome } from '../orchestrator/index.ts'
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

/**
 * A worker: one ready work task, its own worktree, the agent with the task
 * contract; `finish` integrates (DESIGN.md, "Finishing is integrating") and
 * tells the agent what to fix until the change lands or the attempt ends.
 */
export function createWorker(context: RoleContext) {
  const { store, config } = context
  return async function work({ handle, signal }: WorkerAttempt): Promise<WorkerOutcome> {
    const task = handle.task
    const workspace = await context.workspaces.open(task.id)
    let merged: string | undefined
    let agentId = 0
    const finish = createFinishTool(async ({ summary, concerns }) => {
      await handle.advance('integrating')
      const emit = async (type: string, data: Record<string, unknown>) => void (await store.appendEvents([{ runId: task.runId, taskId: task.id, agentId, type, data }]))
      const outcome = await integrate({
        git: workspace.git,
        target: config.target,
        task: { id: task.id, title: task.title, description: task.description, scope: task.scope },
        author: { name: `colony-worker-${agentId}`, email: `worker-${agentId}@colony.local` },
        diffLimit: config.limits.diffLines,
        exclude: [...config.workspace.link, ...config.workspace.copy],
        gate: fastGate(context, task, signal),
        emit,
        signal,
      })
      if (outcome.status !== 'merged') {
        await handle.advance('running', { reason: outcome.status })
        return { output: outcome.message, failed: true }
      }
      // The commit is on the target: from here on nothing may fail the attempt.
      merged = outcome.commit
      await handle.advance('merged', { result: { commit: outcome.commit } })
      await store.addHandoff({ runId: task.runId, taskId: task.id, agentId, summary, concerns: concerns ?? null, data: { commit: outcome.commit } })
      await context.workspaces.remove(task.id).catch(() => undefined)
      context.deepGate.request().catch(() => undefined)
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
    return { merged: false, reason: outcome.status === 'stopped' ? `the worker stopped (${outcome.reason}): ${outcome.detail}` : 'the worker finished without its change landing' }
  }
}
