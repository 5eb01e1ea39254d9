import type { AgentCli, CliEvent, CliUsage } from './agent-cli.ts'

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; content?: unknown; is_error?: boolean }
type Usage = { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number }
type Line = {
  type?: string
  subtype?: string
  session_id?: string
  message?: { id?: string; content?: Block[] | string; usage?: Usage }
  result?: string
  is_error?: boolean
  usage?: Usage
  total_cost_usd?: number
}

function usageOf(usage: Usage | undefined): CliUsage | undefined {
  if (!usage) return undefined
  const cached = usage.cache_read_input_tokens ?? 0
  return { inputTokens: (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0), outputTokens: usage.output_tokens ?? 0, cachedTokens: cached }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join('')
  return JSON.stringify(content ?? '')
}

/** Where Claude Code's API lives: its base URL has no `/v1`, which it adds itself. */
function anthropicBase(baseURL: string | undefined): string | undefined {
  return baseURL?.replace(/\/v1\/?$/, '')
}

/**
 * Claude Code (`@anthropic-ai/claude-code`), headless: `claude -p` with
 * `--output-format stream-json`. Its configuration and sessions live in a
 * throwaway CLAUDE_CONFIG_DIR; it talks to the colony.json provider through
 * ANTHROPIC_BASE_URL; Colony's tools reach it as the MCP server `colony`
 * (`mcp__colony__finish`); `--resume` continues a session.
 */
export const claudeCode: AgentCli = {
  name: 'claude-code',
  title: 'Claude Code',
  packageName: '@anthropic-ai/claude-code',
  supportedVersions: ['2.1.332'],
  command: 'claude',
  providerTypes: ['anthropic'],
  finishToolName: 'mcp__colony__finish',
  reportsSessionTotals: false,

  async invocation(executable, turn) {
    const base = anthropicBase(turn.model.provider.baseURL)
    const mcpConfig = { mcpServers: { colony: { type: 'http', url: turn.mcpUrl } } }
    const argv = [
      executable,
      '-p',
      turn.prompt,
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      turn.model.model,
      // Colony's sandbox is the boundary; Claude Code's own prompts would wait for a person who is not there.
      '--permission-mode',
      'bypassPermissions',
      '--mcp-config',
      JSON.stringify(mcpConfig),
      '--strict-mcp-config',
      '--append-system-prompt',
      turn.instructions,
      '--max-turns',
      String(turn.maxSteps),
      ...(turn.resume ? ['--resume', turn.resume] : []),
    ]
    const environment: Record<string, string> = {
      HOME: turn.home,
      CLAUDE_CONFIG_DIR: `${turn.home}/.claude`,
      // Claude Code refuses bypassPermissions as root unless it is told it runs in a sandbox, which it does.
      IS_SANDBOX: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      ANTHROPIC_CUSTOM_HEADERS: Object.entries(turn.headers).map(([name, value]) => `${name}: ${value}`).join('\n'),
      ...(base && { ANTHROPIC_BASE_URL: base }),
      ...(turn.model.apiKey && { ANTHROPIC_API_KEY: turn.model.apiKey }),
    }
    return { argv, environment }
  },

  streamReader() {
    // Claude Code writes one line per content block, each repeating its message's id and usage so far.
    let step: Extract<CliEvent, { type: 'step' }> | undefined
    const flush = (): CliEvent[] => {
      const done = step
      step = undefined
      return done ? [done] : []
    }
    return {
      read(text) {
        const line = JSON.parse(text) as Line
        if (line.type === 'system' && line.subtype === 'init' && line.session_id) return [{ type: 'session', id: line.session_id }]
        if (line.type === 'assistant' && line.message) {
          const id = line.message.id ?? ''
          const events = step && step.id !== id ? flush() : []
          step ??= { type: 'step', id, text: '', toolCalls: [] }
          for (const block of Array.isArray(line.message.content) ? line.message.content : []) {
            if (block.type === 'text' && block.text) step.text += block.text
            if (block.type === 'tool_use') step.toolCalls.push({ id: block.id ?? '', tool: block.name ?? '', input: block.input })
          }
          const usage = usageOf(line.message.usage)
          if (usage) step.usage = usage
          return events
        }
        if (line.type === 'user' && Array.isArray(line.message?.content)) {
          const results: CliEvent[] = line.message.content
            .filter((block) => block.type === 'tool_result')
            .map((block) => ({ type: 'tool-result', id: block.tool_use_id ?? '', output: textOf(block.content), ok: block.is_error !== true }))
          return [...flush(), ...results]
        }
        if (line.type === 'result') {
          const usage = usageOf(line.usage)
          return [
            ...flush(),
            {
              type: 'result',
              text: line.result ?? '',
              error: line.is_error ? line.result || line.subtype || 'the turn failed' : undefined,
              ...(usage && { usage }),
              ...(line.total_cost_usd !== undefined && { costUsd: line.total_cost_usd }),
            },
          ]
        }
        return []
      },
    }
  },
}
