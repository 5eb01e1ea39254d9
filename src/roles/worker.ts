import { newEvent } from '../events/index.ts'
import { createFinishTool, editFileTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool, writeFileTool } from '../agent/index.ts'
import { buildSystemPrompt, readModelText } from '../agent/index.ts'
import { LeaseLostError, type TaskHandle } from '../board/index.ts'
import { readTaskOutcome, type Workspace } from '../git/index.ts'
import type { LandAttempt, WorkerAttempt, WorkerOutcome } from '../orchestrator/index.ts'
import { memoryForTask, recallTool } from '../memory/index.ts'
import type { Task } from '../store/index.ts'
import { runRoleAgent } from './agent-session.ts'
import { cliSpecFor, workWithCli } from './cli-worker.ts'
import type { RoleContext } from './role-context.ts'
import { createTaskFinish, integrateTask, recordMerge } from './task-finish.ts'

const instructions = readModelText(new URL('./worker.md', import.meta.url))

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

/** What the agent is told when it picks up a worktree a crashed attempt left. */
async function resumeNote(workspace: Workspace): Promise<string> {
  const status = await workspace.git.lines(['status', '--short', '--untracked-files=all'])
  const shown = status.slice(0, 40).join('\n')
  const more = status.length > 40 ? `\n... and ${status.length - 40} more` : ''
  return [
    '# Resuming an interrupted attempt',
    '',
    'Colony stopped in the middle of this attempt (its process ended) and you are resuming it in the same worktree.',
    status.length > 0
      ? `The worktree holds that attempt's changes (git status):\n${shown}${more}\nRead them before you edit: keep what is right, fix or undo what is not, and do not make the same change twice.`
      : 'The worktree holds no changes yet.',
  ].join('\n')
}

/**
 * A worker: one ready work task, its own worktree, the agent with the task
 * contract; `finish` integrates (DESIGN.md, "Finishing is integrating") and
 * tells the agent what to fix until the change lands or the attempt ends.
 * With approval.merge the gated change waits for a person instead, and
 * `land` lands it once approved. The worktree goes when the attempt ends.
 */
export function createWorker(context: RoleContext) {
  const { config } = context
  const location = { target: config.target, remote: config.remote }

  /** A task whose change is on the target already (an earlier holder landed it, then lost its lease) is recorded merged, not redone. */
  async function landedBefore(task: Task): Promise<string | undefined> {
    const outcome = await readTaskOutcome(context.git, location, task)
    if (outcome.state !== 'landed') return undefined
    await context.board.recordLanded(task.id, outcome.commit, task.owner ?? 'worker')
    return outcome.commit
  }

  async function work({ handle, signal, resume }: WorkerAttempt): Promise<WorkerOutcome> {
    const task = handle.task
    const before = await landedBefore(task)
    if (before) return { merged: true, commit: before }
    const opening = performance.now()
    const workspace = await context.workspaces.open(task.id, { resume })
    await context.store.appendEvents([newEvent('workspace-opened', { kind: workspace.overlay ? 'overlay' : 'worktree', ms: performance.now() - opening, waitedMs: workspace.waitedMs ?? 0, resumed: workspace.resumed }, { runId: task.runId, taskId: task.id })])
    let outcome: WorkerOutcome | undefined
    try {
      outcome = await workIn(workspace, handle, signal)
      return outcome
    } finally {
      // A change waiting for approval keeps its branch, so its commit stays referenced until it lands.
      if (!(outcome && 'awaitingApproval' in outcome)) await context.workspaces.remove(task.id)
    }
  }

  async function workIn(workspace: Workspace, handle: TaskHandle, signal: AbortSignal): Promise<WorkerOutcome> {
    const task = handle.task
    const memory = await memoryForTask(context.store, task, config.context.memoryTokens)
    const contract = memory ? `${taskContract(task)}\n\n${memory}` : taskContract(task)
    const prompt = workspace.resumed ? `${contract}\n\n${await resumeNote(workspace)}` : contract
    const cli = cliSpecFor(context, task)
    if (cli) return workWithCli(context, { spec: cli, handle, workspace, signal, prompt })
    let agentId = 0
    const taskFinish = createTaskFinish(context, { handle, workspace, signal, agentId: () => agentId })
    const finish = createFinishTool(taskFinish.finish)
    const outcome = await runRoleAgent(context, {
      role: 'worker',
      runId: task.runId,
      taskId: task.id,
      workspace: workspace.path,
      commit: workspace.base,
      system: await buildSystemPrompt({ instructions, workspace: workspace.path, repoMapTokens: config.context.repoMapTokens, focus: task.scope.filter((glob) => !glob.includes('*')) }),
      prompt,
      tools: [readFileTool, listFilesTool, searchTool, runCommandTool, noteTool, recallTool, writeFileTool, editFileTool, finish],
      signal,
      onAgent: (id) => (agentId = id),
    })
    return taskFinish.outcome(outcome.status === 'stopped' ? `the worker stopped (${outcome.reason}): ${outcome.detail}` : 'the worker finished without its change landing')
  }

  /** An approved change: its gated commit in a fresh worktree, rebased onto the tip, gated again if the tip moved under its files, and landed. */
  async function land({ handle, signal }: LandAttempt): Promise<WorkerOutcome> {
    const task = handle.task
    const before = await landedBefore(task)
    if (before) return { merged: true, commit: before }
    const candidate = typeof task.result?.candidate === 'string' ? task.result.candidate : undefined
    const workspace = await context.workspaces.open(task.id, candidate ? { at: candidate } : {})
    try {
      const outcome = await integrateTask(context, task, workspace, 0, signal, true)
      if (outcome.status === 'landed-before') {
        await context.board.recordLanded(task.id, outcome.commit, task.owner ?? 'lander')
        return { merged: true, commit: outcome.commit }
      }
      if (outcome.status === 'cancelled') throw new LeaseLostError(task.id, task.owner ?? 'lander', 'it was cancelled before its change landed')
      if (outcome.status !== 'merged') return { merged: false, reason: outcome.message }
      const result = task.result ?? {}
      await recordMerge(context, handle, outcome.commit, { summary: typeof result.summary === 'string' ? result.summary : 'approved and merged', concerns: typeof result.concerns === 'string' ? result.concerns : null, agentId: null })
      return { merged: true, commit: outcome.commit }
    } finally {
      await context.workspaces.remove(task.id)
    }
  }

  return { work, land }
}
