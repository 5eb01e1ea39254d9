import type { ModelMessage, ToolResultPart } from 'ai'

/** A deliberately high token estimate (3 characters per token; real text runs nearer 4), so requests stay under the window. */
export function estimateTokens(value: unknown): number {
  return Math.ceil((typeof value === 'string' ? value.length : JSON.stringify(value).length) / 3)
}

function outputText(part: ToolResultPart): string {
  const output = part.output as { type: string; value?: unknown }
  return typeof output.value === 'string' ? output.value : JSON.stringify(output.value ?? '')
}

/**
 * Observation masking: tool results older than the last `keep` tool turns are
 * replaced by a one-line stub naming the tool and the size of what it said.
 * The transcript keeps them in full; only the request is lighter.
 */
export function maskOldToolResults(messages: readonly ModelMessage[], keep: number): ModelMessage[] {
  let toolTurnsSeen = 0
  const masked = [...messages]
  for (let index = masked.length - 1; index >= 0; index--) {
    const message = masked[index]!
    if (message.role !== 'tool') continue
    toolTurnsSeen++
    if (toolTurnsSeen <= keep) continue
    masked[index] = {
      ...message,
      content: message.content.map((part) => {
        if (part.type !== 'tool-result') return part
        const text = outputText(part)
        if (text.length <= 200) return part
        return { ...part, output: { type: 'text' as const, value: `[older output of ${part.toolName} elided (${text.length} characters); call the tool again if you need it]` } }
      }),
    }
  }
  return masked
}

/** Where older turns can be cut off: the start of an assistant turn, keeping at least `keepRecent` turns after it. */
export function compactionCut(messages: readonly ModelMessage[], keepRecent: number): number | undefined {
  const turnStarts = messages.flatMap((message, index) => (message.role === 'assistant' && index > 0 ? [index] : []))
  if (turnStarts.length <= keepRecent) return undefined
  return turnStarts[turnStarts.length - keepRecent]
}

/** Older turns as plain text for the summarizer, each tool output capped. */
export function renderForSummary(messages: readonly ModelMessage[], limit: number): string {
  const lines: string[] = []
  for (const message of messages) {
    if (typeof message.content === 'string') {
      lines.push(`${message.role}: ${message.content.slice(0, 2_000)}`)
      continue
    }
    for (const part of message.content) {
      if (part.type === 'text') lines.push(`${message.role}: ${part.text.slice(0, 2_000)}`)
      else if (part.type === 'tool-call') lines.push(`call ${part.toolName} ${JSON.stringify(part.input).slice(0, 300)}`)
      else if (part.type === 'tool-result') lines.push(`result of ${part.toolName}: ${outputText(part).slice(0, 400)}`)
    }
  }
  const text = lines.join('\n')
  return text.length <= limit ? text : `[earliest part cut]\n${text.slice(text.length - limit)}`
}
