import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AgentCli, CliTurn } from './agent-cli.ts'
import { streamJsonReader } from './stream-json.ts'

/** Qwen Code names an MCP tool `mcp__<server>__<tool>`; Colony's server is `colony`. */
const colonyTools = 'mcp__colony__'

/** `$HOME/.qwen/settings.json`: the model, Colony's MCP server, and nothing that reaches the network besides them. */
function settingsOf(turn: CliTurn) {
  return {
    security: { auth: { selectedType: 'openai' } },
    model: {
      name: turn.model.model,
      // Qwen Code retries a failing request 7 times with backoff (about 75 seconds, not configurable), each time through the
      // OpenAI SDK, which would retry 3 times more: that inner retry is the one this bounds.
      generationConfig: { customHeaders: turn.headers, maxRetries: 0 },
    },
    mcpServers: { colony: { httpUrl: turn.mcpUrl } },
    // MCP tools are otherwise deferred (named in a reminder, found through tool_search): Colony's are declared to the model like its own.
    tools: { visible: [`${colonyTools}finish`, `${colonyTools}note`] },
    // Managed memory would make an extra model call after every turn, counted in its usage.
    memory: { enableManagedAutoMemory: false, enableManagedAutoDream: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { enableAutoUpdate: false },
  }
}

/**
 * Qwen Code (`@qwen-code/qwen-code`, a Gemini CLI fork), headless: `qwen
 * --approval-mode yolo -o stream-json PROMPT` in the worktree. Its settings
 * and sessions live in a throwaway HOME (`$HOME/.qwen`); it talks OpenAI Chat
 * Completions to the colony.json provider through OPENAI_BASE_URL; Colony's
 * tools reach it as the MCP server `colony` (`mcp__colony__finish`);
 * `--resume` continues a session, and its result reports the session's usage.
 */
export const qwenCode: AgentCli = {
  name: 'qwen-code',
  title: 'Qwen Code',
  packageName: '@qwen-code/qwen-code',
  supportedVersions: ['0.24.4'],
  command: 'qwen',
  providerTypes: ['openai-compatible', 'openai'],
  finishToolName: `${colonyTools}finish`,
  reportsSessionTotals: true,

  async invocation(executable, turn) {
    await mkdir(join(turn.home, '.qwen'), { recursive: true })
    await writeFile(join(turn.home, '.qwen', 'settings.json'), JSON.stringify(settingsOf(turn), null, 2))
    const argv = [
      executable,
      // The prompt first: --allowed-mcp-server-names takes every word after it.
      turn.prompt,
      // Colony's sandbox is the boundary; Qwen Code's own confirmations would wait for a person who is not there.
      '--approval-mode',
      'yolo',
      '--output-format',
      'stream-json',
      '--append-system-prompt',
      turn.instructions,
      '--max-session-turns',
      String(turn.maxSteps),
      ...(turn.resume ? ['--resume', turn.resume] : []),
      '--allowed-mcp-server-names',
      'colony',
    ]
    const environment: Record<string, string> = {
      HOME: turn.home,
      QWEN_CODE_SUPPRESS_YOLO_WARNING: '1',
      ...(turn.model.provider.baseURL && { OPENAI_BASE_URL: turn.model.provider.baseURL }),
      // Qwen Code refuses to start without a key, which a local server may not need.
      OPENAI_API_KEY: turn.model.apiKey ?? 'none',
    }
    return { argv, environment }
  },

  streamReader() {
    return streamJsonReader({
      // OpenAI's prompt tokens, which Qwen Code reports as input_tokens, include the cached ones.
      usage: (usage) => ({ inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0, cachedTokens: usage.cache_read_input_tokens ?? 0 }),
      // A reply's text and its tool calls come as separate messages; the reply ends at its tool results or the turn's result.
      continues: () => true,
    })
  },
}
