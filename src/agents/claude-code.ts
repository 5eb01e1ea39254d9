import type { AgentCli } from './agent-cli.ts'
import { streamJsonReader } from './stream-json.ts'

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
    return streamJsonReader({
      // Anthropic's input_tokens leave out the tokens read from and written to the cache.
      usage: (usage) => {
        const cached = usage.cache_read_input_tokens ?? 0
        return { inputTokens: (usage.input_tokens ?? 0) + cached + (usage.cache_creation_input_tokens ?? 0), outputTokens: usage.output_tokens ?? 0, cachedTokens: cached }
      },
      // Claude Code writes one line per content block, each repeating its message's id and usage so far.
      continues: (step, message) => step.id === (message.id ?? ''),
    })
  },
}
