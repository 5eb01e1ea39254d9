import type { AgentCli, AgentCliName } from './agent-cli.ts'
import { claudeCode } from './claude-code.ts'
import { codex } from './codex.ts'
import { opencode } from './opencode.ts'
import { qwenCode } from './qwen-code.ts'

/** Every agent CLI Colony has an adapter for, by its colony.json name. */
export const agentClis: Record<AgentCliName, AgentCli> = {
  'claude-code': claudeCode,
  codex,
  opencode,
  'qwen-code': qwenCode,
}
