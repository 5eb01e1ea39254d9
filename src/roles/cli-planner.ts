import { readModelText, type AgentTool } from '../agent/index.ts'
import type { AgentCliSpec } from '../config/index.ts'
import type { Task } from '../store/index.ts'
import { openCliAgent } from './cli-agent-session.ts'
import type { RoleContext } from './role-context.ts'

const instructions = readModelText(new URL('./cli-planner.md', import.meta.url))

/**
 * A planner turn by an agent CLI (colony.json `agents.planner`): one CLI turn
 * in the planner's checkout of the target, with the planner's prompt and
 * Colony's create_tasks, note and finish over MCP. A turn the CLI ends without
 * finish keeps its last words as the scratchpad, as finish would have.
 */
export async function planWithCli(
  context: RoleContext,
  options: { spec: AgentCliSpec; task: Task; workspace: string; commit: string; prompt: string; tools: readonly AgentTool[]; signal: AbortSignal; scratchpad: (summary: string) => Promise<unknown> },
): Promise<void> {
  const { task } = options
  const agent = await openCliAgent(context, { role: 'planner', spec: options.spec, runId: task.runId, taskId: task.id, workspace: options.workspace, commit: options.commit, instructions, tools: options.tools, signal: options.signal })
  try {
    const result = await agent.turn(options.prompt)
    if (result.failure) throw new Error(`the planner's agent CLI failed: ${result.failure}`)
    if (!agent.done) await options.scratchpad(result.text.trim() || 'the planner ended its turn without a summary')
    await agent.close({ finished: true, activity: 'finished' })
  } catch (error) {
    await agent.close({ finished: false, activity: `stopped: ${error instanceof Error ? error.message : String(error)}` })
    throw error
  }
}
