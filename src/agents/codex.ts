import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AgentCli, CliEvent, CliTurn, CliUsage } from './agent-cli.ts'

type Item = {
  id?: string
  type?: string
  text?: string
  command?: string
  aggregated_output?: string
  exit_code?: number | null
  changes?: { path?: string; kind?: string }[]
  status?: string
  server?: string
  tool?: string
  arguments?: unknown
  result?: { content?: { text?: string }[] } | null
  error?: { message?: string } | null
}
type Usage = { input_tokens?: number; cached_input_tokens?: number; output_tokens?: number }
type Line = { type?: string; thread_id?: string; item?: Item; usage?: Usage; error?: { message?: string } }

/** The variable that carries the provider's key to Codex (named in config.toml's `env_key`). */
const keyVariable = 'COLONY_CODEX_API_KEY'

/** A TOML basic string: JSON's escapes are TOML's. */
function tomlString(value: string): string {
  return JSON.stringify(value)
}

function tomlTable(entries: Readonly<Record<string, string>>): string {
  return `{ ${Object.entries(entries).map(([name, value]) => `${tomlString(name)} = ${tomlString(value)}`).join(', ')} }`
}

/** Codex's config.toml for one turn: Colony's provider, Colony's MCP tools, and nothing that phones home or retries without end. */
function configToml(turn: CliTurn): string {
  const provider = [
    'name = "Colony"',
    `base_url = ${tomlString(turn.model.provider.baseURL ?? 'https://api.openai.com/v1')}`,
    ...(turn.model.apiKey ? [`env_key = ${tomlString(keyVariable)}`] : []),
    'wire_api = "responses"',
    `http_headers = ${tomlTable(turn.headers)}`,
    'request_max_retries = 2',
    'stream_max_retries = 2',
  ]
  return [
    `model = ${tomlString(turn.model.model)}`,
    'model_provider = "colony"',
    `developer_instructions = ${tomlString(turn.instructions)}`,
    'check_for_update_on_startup = false',
    // A login shell would read /etc/profile, which resets PATH to the system's and loses the one Colony's sandbox gives.
    'allow_login_shell = false',
    '',
    '[features]',
    // Otherwise an unreachable provider is retried forever, and only Colony's stall timer would end the turn.
    'unbounded_connection_retries = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    'log_user_prompt = false',
    '',
    '[model_providers.colony]',
    ...provider,
    '',
    '[mcp_servers.colony]',
    `url = ${tomlString(turn.mcpUrl)}`,
    '',
  ].join('\n')
}

function usageOf(usage: Usage | undefined): CliUsage | undefined {
  if (!usage) return undefined
  // Codex's input_tokens already include the cached ones.
  return { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0, cachedTokens: usage.cached_input_tokens ?? 0 }
}

/** A tool item as one tool call and its result; MCP calls are named as Claude Code names them, `mcp__<server>__<tool>`. */
function toolOf(item: Item): { tool: string; input: unknown; output: string; ok: boolean } | undefined {
  switch (item.type) {
    case 'command_execution':
      return { tool: 'exec_command', input: { cmd: item.command ?? '' }, output: item.aggregated_output ?? '', ok: item.exit_code === 0 }
    case 'file_change':
      return { tool: 'apply_patch', input: { changes: item.changes ?? [] }, output: (item.changes ?? []).map((change) => `${change.kind ?? 'update'} ${change.path ?? ''}`).join('\n'), ok: item.status === 'completed' }
    case 'mcp_tool_call':
      return {
        tool: `mcp__${item.server ?? ''}__${item.tool ?? ''}`,
        input: item.arguments,
        output: item.error?.message ?? (item.result?.content ?? []).map((part) => part.text ?? '').join(''),
        ok: item.status === 'completed' && !item.error,
      }
    default:
      return undefined
  }
}

/**
 * Codex CLI (`@openai/codex`), headless: `codex exec --json`, and
 * `codex exec resume SESSION` to continue. Its configuration and sessions
 * live in a throwaway CODEX_HOME; it talks to the colony.json provider over
 * OpenAI Responses; Colony's tools reach it as the MCP server `colony`. Its
 * stream has no per-request usage: the turn's end reports the session's
 * totals so far.
 */
export const codex: AgentCli = {
  name: 'codex',
  title: 'Codex CLI',
  packageName: '@openai/codex',
  supportedVersions: ['0.171.0'],
  command: 'codex',
  providerTypes: ['openai'],
  finishToolName: 'mcp__colony__finish',
  reportsSessionTotals: true,

  async invocation(executable, turn) {
    const home = join(turn.home, '.codex')
    await mkdir(home, { recursive: true })
    await writeFile(join(home, 'config.toml'), configToml(turn))
    // Colony's sandbox is the boundary; Codex's own would ask for approvals nobody is there to give.
    const flags = ['--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', '-m', turn.model.model]
    // `exec resume` takes no --cd: it runs where the sandbox starts it, the worktree.
    const argv = turn.resume ? [executable, 'exec', 'resume', ...flags, turn.resume, turn.prompt] : [executable, 'exec', ...flags, '-C', turn.workspace, turn.prompt]
    const environment: Record<string, string> = {
      HOME: turn.home,
      CODEX_HOME: home,
      ...(turn.model.apiKey && { [keyVariable]: turn.model.apiKey }),
    }
    return { argv, environment }
  },

  streamReader() {
    // Codex reports a reply's text and its tool calls as separate items: the text waits for the call it came with.
    let text: { id: string; text: string } | undefined
    const flush = (): CliEvent[] => {
      const done = text
      text = undefined
      return done ? [{ type: 'step', id: done.id, text: done.text, toolCalls: [] }] : []
    }
    return {
      read(json) {
        const line = JSON.parse(json) as Line
        if (line.type === 'thread.started' && line.thread_id) return [{ type: 'session', id: line.thread_id }]
        if (line.type === 'item.completed' && line.item) {
          const item = line.item
          if (item.type === 'agent_message') {
            const events = flush()
            text = { id: item.id ?? '', text: item.text ?? '' }
            return events
          }
          const tool = toolOf(item)
          if (!tool) return []
          const id = item.id ?? ''
          const said = text?.text ?? ''
          text = undefined
          return [
            { type: 'step', id, text: said, toolCalls: [{ id, tool: tool.tool, input: tool.input }] },
            { type: 'tool-result', id, output: tool.output, ok: tool.ok },
          ]
        }
        if (line.type === 'turn.completed' || line.type === 'turn.failed') {
          const last = text?.text ?? ''
          const usage = usageOf(line.usage)
          return [...flush(), { type: 'result', text: last, error: line.type === 'turn.failed' ? line.error?.message || 'the turn failed' : undefined, ...(usage && { usage }) }]
        }
        return []
      },
    }
  },
}
