import { generateText, type LanguageModel, type ModelMessage } from 'ai'
import type { Store } from '../store/index.ts'
import type { AgentEvent } from './agent-ending.ts'
import { compactionCut, estimateTokens, maskOldToolResults, renderForSummary } from './context-window.ts'
import type { ContextSettings } from './context-settings.ts'
import type { UsageAccount } from './usage-account.ts'

/** The agent's conversation, and how it is fitted into the model's window before each call. */
export interface Conversation {
  /** The request's messages: masked, compacted when masking is not enough; undefined when even that does not fit. */
  prepare(): Promise<ModelMessage[] | undefined>
  append(messages: ModelMessage[]): void
}

export interface ConversationOptions {
  /** The first user message, which compaction always keeps. */
  prompt: string
  model: LanguageModel
  context: ContextSettings
  /** What every request carries besides the conversation: instructions, tool schemas, room for the answer. */
  fixedTokens: number
  headers: Record<string, string>
  maxRetries: number
  callSignal: () => AbortSignal
  account: UsageAccount
  event: AgentEvent
  store: Store
  agentId: number
}

export function createConversation(options: ConversationOptions): Conversation {
  const { context, fixedTokens } = options
  let history: ModelMessage[] = [{ role: 'user', content: options.prompt }]

  const threshold = context.windowTokens * context.compactAt
  const fits = (messages: ModelMessage[], limit: number) => fixedTokens + estimateTokens(messages) <= limit
  /** Old outputs masked, more of them while the request would pass the threshold (no model call needed). */
  const masked = () => {
    let messages = maskOldToolResults(history, context.maskToolResultsAfter)
    for (let keep = context.maskToolResultsAfter - 1; keep >= 1 && !fits(messages, threshold); keep--) messages = maskOldToolResults(history, keep)
    return messages
  }

  /** Summarizes the turns before the last few into one message. */
  const compact = async () => {
    const cut = compactionCut(history, context.keepRecentTurns ?? 4)
    if (cut === undefined) return
    const older = history.slice(1, cut)
    const summary = await generateText({
      model: options.model,
      system: "You compress an agent's earlier work into notes it will continue from. Keep: decisions, files changed and why, facts learned, errors met and how they were solved, what remains. Plain text, under 400 words.",
      prompt: renderForSummary(older, Math.max(2_000, Math.floor(context.windowTokens * 3 * 0.4))),
      headers: { ...options.headers, 'x-colony-purpose': 'summary' },
      maxRetries: options.maxRetries,
      maxOutputTokens: 1_500,
      abortSignal: options.callSignal(),
    })
    const accounted = await options.account(summary.usage, 'summary')
    history = [history[0]!, { role: 'user', content: `Summary of your earlier work on this task (older turns were compacted):\n${summary.text}` }, ...history.slice(cut)]
    await options.event('context-compacted', { messagesSummarized: older.length, summaryCharacters: summary.text.length, ...accounted })
    await options.store.appendTranscript(options.agentId, [{ role: 'summary', content: summary.text }])
  }

  return {
    async prepare() {
      let messages = masked()
      if (!fits(messages, threshold)) {
        await compact()
        messages = masked()
      }
      return fits(messages, context.windowTokens) ? messages : undefined
    },
    append(messages) {
      history.push(...messages)
    },
  }
}
