import { z } from 'zod'
import { runGuarded } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const description = readModelText(new URL('./run-command.txt', import.meta.url))

export const runCommandTool = defineTool({
  name: 'run_command',
  description,
  inputSchema: z.object({ command: z.string().min(1), timeout_s: z.number().positive().optional().describe('time limit in seconds') }),
  async execute(input, context) {
    const timeoutSeconds = Math.min(input.timeout_s ?? context.maxCommandSeconds, context.maxCommandSeconds)
    const result = await runGuarded(input.command, {
      sandbox: context.sandbox,
      policy: context.policy,
      store: context.store,
      context: { runId: context.runId, taskId: context.taskId, agentId: context.agentId },
      cwd: context.workspace,
      timeoutMs: timeoutSeconds * 1000,
      ...(context.signal && { signal: context.signal }),
    })
    if (result.status !== 'ran') throw new Error(result.message)
    const status = result.limit ? `stopped (${result.limit} limit)` : `exit code ${result.exitCode}`
    return `${status}\n${result.output}`
  },
})
