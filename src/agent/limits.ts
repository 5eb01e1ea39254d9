export interface AgentLimits {
  /** Model calls. */
  steps: number
  /** Input plus output tokens over the whole session. */
  tokens?: number
  usd?: number
  wallMs?: number
  /** The same failing tool call this many times in a row is a stall. */
  repeatedFailures: number
  /** This many steps without a new successful tool call is a stall. */
  stepsWithoutProgress: number
}

export type StopReason = 'steps' | 'tokens' | 'dollars' | 'time' | 'stall' | 'aborted' | 'context' | 'model-error'

export interface Spent {
  steps: number
  inputTokens: number
  outputTokens: number
  costUsd: number
  startedAt: number
}

/** The first limit that is reached, with a sentence for the record; undefined while all hold. */
export function limitReached(limits: AgentLimits, spent: Spent, now: number): { reason: StopReason; detail: string } | undefined {
  if (spent.steps >= limits.steps) return { reason: 'steps', detail: `reached the limit of ${limits.steps} steps` }
  const tokens = spent.inputTokens + spent.outputTokens
  if (limits.tokens !== undefined && tokens >= limits.tokens) return { reason: 'tokens', detail: `used ${tokens} tokens of ${limits.tokens}` }
  if (limits.usd !== undefined && spent.costUsd >= limits.usd) return { reason: 'dollars', detail: `spent $${spent.costUsd.toFixed(4)} of $${limits.usd}` }
  if (limits.wallMs !== undefined && now - spent.startedAt >= limits.wallMs) return { reason: 'time', detail: `ran ${Math.round((now - spent.startedAt) / 1000)} s of ${Math.round(limits.wallMs / 1000)} s` }
  return undefined
}
