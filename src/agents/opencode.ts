import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProviderType } from '../model/index.ts'
import type { AgentCli, CliEvent, CliUsage } from './agent-cli.ts'

type Tokens = { input?: number; output?: number; reasoning?: number; cache?: { read?: number; write?: number } }
type ToolState = { status?: string; input?: unknown; output?: string; error?: string; metadata?: { exit?: number } }
type Line = {
  type?: string
  sessionID?: string
  part?: { messageID?: string; text?: string; tool?: string; callID?: string; state?: ToolState; reason?: string; tokens?: Tokens }
  error?: { name?: string; data?: { message?: string } }
}

/** The key's variable in opencode's process: its configuration names it, so the key is never written to a file. */
const keyVariable = 'COLONY_MODEL_API_KEY'

/** The AI SDK provider package opencode (which bundles them) talks to each provider type through. */
const providerPackages: Partial<Record<ProviderType, string>> = {
  'openai-compatible': '@ai-sdk/openai-compatible',
  anthropic: '@ai-sdk/anthropic',
}

function usageOf(tokens: Tokens): CliUsage {
  // opencode counts cached input apart from input, and reasoning apart from output; Colony's counts include them.
  const cached = tokens.cache?.read ?? 0
  return { inputTokens: (tokens.input ?? 0) + cached + (tokens.cache?.write ?? 0), outputTokens: (tokens.output ?? 0) + (tokens.reasoning ?? 0), cachedTokens: cached }
}

/**
 * opencode (`opencode-ai`), headless: `opencode run --format json`. Its
 * configuration, instructions and sessions live in the turn's throwaway home
 * (through the XDG variables); the colony.json provider is its provider
 * `colony` (through the AI SDK provider for its type, which opencode bundles);
 * Colony's tools reach it as the remote MCP server `colony`
 * (`colony_finish`); `--session` continues a session.
 */
export const opencode: AgentCli = {
  name: 'opencode',
  title: 'opencode',
  packageName: 'opencode-ai',
  supportedVersions: ['1.18.33'],
  command: 'opencode',
  providerTypes: ['openai-compatible', 'anthropic'],
  finishToolName: 'colony_finish',
  reportsSessionTotals: false,

  async invocation(executable, turn) {
    const configDirectory = join(turn.home, 'config', 'opencode')
    await mkdir(configDirectory, { recursive: true })
    const instructionsPath = join(configDirectory, 'colony-worker.md')
    await writeFile(instructionsPath, turn.instructions)
    const config = {
      autoupdate: false,
      share: 'disabled',
      lsp: false,
      formatter: false,
      // Colony keeps the worktree's history; opencode's own snapshots (for its undo) would copy it each step.
      snapshot: false,
      // Colony's sandbox is the boundary; opencode's own prompts would wait for a person who is not there.
      permission: 'allow',
      instructions: [instructionsPath],
      // The title agent makes a model call of its own before each first turn.
      agent: { title: { disable: true }, build: { steps: turn.maxSteps } },
      provider: {
        colony: {
          npm: providerPackages[turn.model.provider.type],
          name: turn.model.provider.name,
          options: { baseURL: turn.model.provider.baseURL, headers: turn.headers, ...(turn.model.apiKey && { apiKey: `{env:${keyVariable}}` }) },
          models: { [turn.model.model]: { name: turn.model.model, tool_call: true } },
        },
      },
      mcp: { colony: { type: 'remote', url: turn.mcpUrl, enabled: true } },
    }
    await writeFile(join(configDirectory, 'opencode.json'), JSON.stringify(config, null, 2))
    // opencode wraps a message argument holding a space in quotes (and a word that looks like a number breaks it):
    // the prompt goes on stdin instead, which it reads verbatim, from a file since Colony's sandbox gives no stdin.
    const promptPath = join(turn.home, 'prompt.md')
    await writeFile(promptPath, turn.prompt)
    const argv = [
      '/bin/sh',
      '-c',
      'exec "$@" < "$COLONY_PROMPT_FILE"',
      'opencode',
      executable,
      'run',
      '--format',
      'json',
      '--pure',
      '--dir',
      turn.workspace,
      '-m',
      `colony/${turn.model.model}`,
      ...(turn.resume ? ['--session', turn.resume] : []),
    ]
    const environment: Record<string, string> = {
      HOME: turn.home,
      COLONY_PROMPT_FILE: promptPath,
      XDG_CONFIG_HOME: join(turn.home, 'config'),
      XDG_DATA_HOME: join(turn.home, 'data'),
      XDG_CACHE_HOME: join(turn.home, 'cache'),
      XDG_STATE_HOME: join(turn.home, 'state'),
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_EXTERNAL_SKILLS: '1',
      OPENCODE_DISABLE_CLAUDE_CODE: '1',
      // opencode installs its plugin package into each configuration directory; offline, it is skipped and nothing reaches the registry.
      npm_config_offline: 'true',
      ...(turn.model.apiKey && { [keyVariable]: turn.model.apiKey }),
    }
    return { argv, environment }
  },

  streamReader() {
    // opencode writes step_start, then the step's text and its tool calls (each once, already run), then step_finish.
    let step: Extract<CliEvent, { type: 'step' }> | undefined
    let results: CliEvent[] = []
    let session: string | undefined
    let text = ''
    return {
      read(json) {
        const line = JSON.parse(json) as Line
        const events: CliEvent[] = []
        if (line.sessionID && line.sessionID !== session) {
          session = line.sessionID
          events.push({ type: 'session', id: session })
        }
        const part = line.part ?? {}
        if (line.type === 'step_start') step = { type: 'step', id: part.messageID ?? '', text: '', toolCalls: [] }
        if (line.type === 'text' && step) step.text += part.text ?? ''
        if (line.type === 'tool_use' && step) {
          const state = part.state ?? {}
          step.toolCalls.push({ id: part.callID ?? '', tool: part.tool ?? '', input: state.input })
          // A command that exits non-zero is still a completed call to opencode.
          const ok = state.status === 'completed' && (state.metadata?.exit ?? 0) === 0
          results.push({ type: 'tool-result', id: part.callID ?? '', output: state.output ?? state.error ?? '', ok })
        }
        if (line.type === 'step_finish' && step) {
          if (part.tokens) step.usage = usageOf(part.tokens)
          if (step.text) text = step.text
          events.push(step, ...results)
          step = undefined
          results = []
          // A step that called no tools is the turn's last: opencode ends its run after it.
          if (part.reason !== 'tool-calls') events.push({ type: 'result', text, error: undefined })
        }
        if (line.type === 'error') events.push({ type: 'result', text, error: line.error?.data?.message ?? line.error?.name ?? 'the turn failed' })
        return events
      },
    }
  },
}
