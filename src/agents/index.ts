import type { AgentCliName } from './agent-cli.ts'
import type { AgentCli } from './agent-cli.ts'
import { claudeCode } from './claude-code.ts'

/** Every agent CLI Colony has an adapter for, by its colony.json name. */
export const agentClis: Partial<Record<AgentCliName, AgentCli>> = {
  'claude-code': claudeCode,
}

export type { AgentCli, AgentCliName, CliEvent, CliInvocation, CliModel, CliTurn, CliUsage, CliStreamReader } from './agent-cli.ts'
export { runCliTurn, type CliTurnOptions, type CliTurnResult } from './cli-turn.ts'
export { findCli, cliVersion } from './find-cli.ts'
export { createMcpEndpoint, type McpBinding, type McpEndpoint } from './mcp/http-endpoint.ts'
export { createToolServer, type ToolServerOptions } from './mcp/tool-server.ts'
