import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { z } from 'zod'
import type { AgentTool, ToolContext } from '../../agent/index.ts'
import { isFatalError } from '../../errors/index.ts'
import { redactSecrets } from '../../secrets/index.ts'

export interface ToolServerOptions {
  /** Colony's tools for one role, bound to one task and agent through `context`. */
  tools: readonly AgentTool[]
  context: ToolContext
  /**
   * A failure nothing the agent does can fix (ErrorKind 'fatal': a lost lease,
   * a store that failed): the client is told, and the owner ends the attempt.
   */
  onFatal?: (error: unknown) => void
  /** A tool that ends the agent's task (finish, verdict) succeeded. */
  onDone?: (tool: string, output: string) => void
}

function text(output: string, isError: boolean): CallToolResult {
  return { content: [{ type: 'text', text: output }], ...(isError && { isError: true }) }
}

/**
 * Colony's agent tools as an MCP server (the official SDK's McpServer): each
 * call runs the same tool the built-in loop runs, with the same context, and
 * is recorded as a `tool-call` event of the bound agent. Input that does not
 * fit a tool's schema is answered by the SDK as a tool error naming the field.
 */
export function createToolServer(options: ToolServerOptions): McpServer {
  const server = new McpServer({ name: 'colony', version: '1' }, { instructions: 'Colony: finish integrates your change onto the target branch and says what to fix when it did not land.' })
  const { context } = options
  for (const tool of options.tools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.inputSchema as z.ZodObject }, async (input: unknown) => {
      let output: string
      let ok = true
      let fatal = false
      try {
        const outcome = await tool.execute(input, context)
        output = typeof outcome === 'string' ? outcome : outcome.output
        if (typeof outcome !== 'string' && outcome.failed) ok = false
        if (typeof outcome !== 'string' && outcome.done) options.onDone?.(tool.name, output)
      } catch (error) {
        ok = false
        fatal = isFatalError(error) || context.signal?.aborted === true
        const message = error instanceof Error ? error.message : String(error)
        output = fatal ? `Colony ended this attempt: ${message}. Stop working on this task.` : `Error: ${message}`
        if (fatal) options.onFatal?.(error)
      }
      output = redactSecrets(output)
      await context.store.appendEvents([
        { runId: context.runId, taskId: context.taskId, agentId: context.agentId, type: 'tool-call', data: { tool: tool.name, input, ok, output: output.slice(0, 2_000), ...(fatal && { fatal }) } },
      ])
      return text(output, !ok)
    })
  }
  return server
}
