import { cliWorkerSpecs } from '../agents/index.ts'
import { createFinishTool, noteTool, readModelText } from '../agent/index.ts'
import { recallTool } from '../memory/index.ts'
import type { TaskHandle } from '../board/index.ts'
import type { AgentCliSpec } from '../config/index.ts'
import type { Workspace } from '../git/index.ts'
import type { WorkerOutcome } from '../orchestrator/index.ts'
import type { Task } from '../store/index.ts'
import { openCliAgent } from './cli-agent-session.ts'
import type { RoleContext } from './role-context.ts'
import { createTaskFinish } from './task-finish.ts'

const instructions = readModelText(new URL('./cli-worker.md', import.meta.url))

/** How many times a CLI is resumed with what to fix after its change did not land, before the attempt ends. */
const maxResumes = 4

/** The CLI a task's worker is: one of colony.json's `agents.worker`, taken in turn by task id (the same CLI for every attempt of a task). */
export function cliSpecFor(context: RoleContext, task: Task): AgentCliSpec | undefined {
  const specs = cliWorkerSpecs(context.config)
  return specs.length === 0 ? undefined : specs[task.id % specs.length]
}

function fixPrompt(output: string): string {
  return `Colony tried to integrate your change and it did not land:\n\n${output}\n\nFix this in the worktree, then call Colony's finish tool again (or end your turn and Colony integrates again).`
}

/**
 * One attempt of a task by an agent CLI (colony.json `agents.worker`): the CLI
 * runs headless in the task's worktree, inside the sandbox, with the task
 * contract as its prompt and Colony's finish and note tools over MCP. When it
 * ends its turn without landing, Colony integrates for it; a change that does
 * not land (a conflict, a failing gate, files out of scope) resumes the same
 * CLI session with what to fix. Pausing holds the next turn; a cancel, the
 * time box or the budget stop the CLI's whole process tree through the signal.
 */
export async function workWithCli(context: RoleContext, options: { spec: AgentCliSpec; handle: TaskHandle; workspace: Workspace; signal: AbortSignal; prompt: string }): Promise<WorkerOutcome> {
  const { handle, workspace, signal, spec } = options
  const task = handle.task
  let agentId = 0
  const taskFinish = createTaskFinish(context, { handle, workspace, signal, agentId: () => agentId })
  const agent = await openCliAgent(context, { role: 'worker', spec, runId: task.runId, taskId: task.id, workspace: workspace.path, commit: workspace.base, instructions, tools: [createFinishTool(taskFinish.finish), noteTool, recallTool], signal })
  agentId = agent.agentId
  let prompt = options.prompt
  let ending = 'the agent CLI ended without its change landing'
  try {
    for (let turn = 0; turn <= maxResumes; turn++) {
      const result = await agent.turn(prompt)
      if (agent.done) break
      if (result.failure) {
        ending = result.failure
        break
      }
      const integrated = await taskFinish.finish({ summary: result.text.trim() || `the agent CLI ended its turn without a summary` })
      if (integrated.done) break
      if (!result.session) {
        ending = `the change did not land and the agent CLI gave no session to resume: ${integrated.output.split('\n')[0]}`
        break
      }
      prompt = fixPrompt(integrated.output)
      ending = `the change did not land after ${maxResumes} resumes: ${integrated.output.split('\n')[0]}`
    }
    const outcome = taskFinish.outcome(ending)
    const merged = 'merged' in outcome && outcome.merged
    await agent.close({ finished: merged, activity: merged ? 'finished' : `stopped: ${'reason' in outcome ? outcome.reason : 'awaiting approval'}` })
    return outcome
  } catch (error) {
    await agent.close({ finished: false, activity: `stopped: ${error instanceof Error ? error.message : String(error)}` })
    throw error
  }
}
