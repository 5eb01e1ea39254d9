import { readModelText, type AgentTool } from '../agent/index.ts'
import type { AgentCliSpec } from '../config/index.ts'
import { openCliAgent } from './cli-agent-session.ts'
import type { RoleContext } from './role-context.ts'

const instructions = readModelText(new URL('./cli-judge.md', import.meta.url))

/**
 * The judge's call by an agent CLI (colony.json `agents.judge`): one CLI turn
 * in a checkout of the target with the judge's prompt and Colony's verdict
 * and note over MCP. Returns how it ended when no verdict came, for the
 * `continue` the judge then records.
 */
export async function judgeWithCli(context: RoleContext, options: { spec: AgentCliSpec; runId: number; workspace: string; commit: string; prompt: string; tools: readonly AgentTool[]; signal: AbortSignal }): Promise<string> {
  const agent = await openCliAgent(context, { role: 'judge', spec: options.spec, runId: options.runId, taskId: null, workspace: options.workspace, commit: options.commit, instructions, tools: options.tools, signal: options.signal })
  try {
    const result = await agent.turn(options.prompt)
    await agent.close({ finished: agent.done, activity: agent.done ? 'finished' : `stopped: ${result.failure ?? 'no verdict'}` })
    return result.failure ?? 'the agent CLI ended its turn without one'
  } catch (error) {
    await agent.close({ finished: false, activity: `stopped: ${error instanceof Error ? error.message : String(error)}` })
    throw error
  }
}
